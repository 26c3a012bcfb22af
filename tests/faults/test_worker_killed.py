"""A Celery worker SIGKILLed in the middle of a job (a pod or machine dying): the job, recorded
in PostgreSQL, is taken up by another worker once its sweep runs, and finishes as if nothing
happened: one correct ZIP, one email per invitation.

The worker is stopped at a known point by a lock another session holds (it waits on it inside
the job), then killed. The broker keeps the killed worker's message unacknowledged for its
visibility timeout (an hour): the sweep, run here as beat would run it, is what resumes the job.
"""

from collections import Counter
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing_views import downloads
from billing_views.models import ZipJob
from billing_views.tasks import sales_documents_zip
from portal_core.access import services as access
from portal_core.access import tasks as access_tasks
from portal_core.access.models import token_hash
from portal_core.access.selectors import CUSTOMERS
from portal_core.access.services.invitations import BATCH_CHUNK
from portal_core.accounts.models import User
from portal_core.erp.models.documents import SalesInvoice
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Invitation, InvitationBatch
from provisioning.services import portal_create
from tenants.tasks import each_portal
from tests.billing_views import test_downloads as download_all
from tests.conftest import PASSWORD
from tests.faults.conftest import kill_held, wait_for_the_waiting_backend
from tests.faults.processes import wait_until
from tests.mail import configure_email

portal_with_book = download_all.portal_with_book


def table_of(company, model) -> str:
    quote = connection.ops.quote_name
    return f"{quote(company.schema_name)}.{quote(model._meta.db_table)}"


def test_a_zip_whose_worker_is_killed_midway_is_built_once_by_another_worker(portal_with_book, workers, holder):
    # given a worker, and the portal's invoices held by another session: the worker will
    # claim the job, then wait to read them
    client = download_all._login(portal_with_book, "cliente@zeta.test")
    holder.lock(f"LOCK TABLE {table_of(portal_with_book, SalesInvoice)} IN ACCESS EXCLUSIVE MODE")
    first = workers.start("first")

    # when the customer asks for every PDF, and the worker is killed while it builds the ZIP
    response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
    kill_held(first, holder, wait_for_the_waiting_backend(first))
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", "attempts", "path")) == [("running", 1, "")]

    # and another worker is up when, RUNNING_TIMEOUT later, beat runs the sweep
    second = workers.start("second")
    with tenant_context(portal_with_book):
        ZipJob.objects.update(updated_at=timezone.now() - downloads.RUNNING_TIMEOUT - timedelta(minutes=1))
        assert downloads.zip_jobs_requeue() == 1
    state = download_all.wait_until_ready(client, response["Location"] + "estado/")

    # then the ZIP is built, complete, once
    assert (state["status"], state["done"], state["total"]) == ("ready", 3, 3)
    assert download_all.zip_names(client, state["download_url"]) == [
        "FA-A-0003-00001001.pdf", "FA-A-0003-00001003.pdf", "NC-A-0003-00001002.pdf"]
    with tenant_context(portal_with_book):
        job = ZipJob.objects.get()
        assert (job.status, job.attempts) == ("ready", 2)
        # when the broker finally hands out the killed worker's message again
        again = sales_documents_zip.apply_async(
            kwargs={"token": job.token, "user_id": job.user_id, "query": job.query},
            headers={"_schema_name": portal_with_book.schema_name})
    wait_until(lambda: f"[{again.id}] succeeded" in second.output(), what="the redelivered task to run")
    # then nothing is built again
    _files, names = default_storage.listdir(f"portals/{portal_with_book.schema_name}/zips")
    assert names == [f"{job.token}.zip"]
    with tenant_context(portal_with_book):
        assert ZipJob.objects.values_list("status", "attempts", "path").get() == ("ready", 2, job.path)


PARTIES = 30  # two chunks of the batch (BATCH_CHUNK = 25)


def portal_with_parties(smtp):
    company = portal_create(name="Lote", email="admin@lote.test", password=PASSWORD)
    configure_email(company, smtp)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[
            {"external_id": f"C{n:02}", "business_name": f"Cliente {n:02} S.A.", "email": f"c{n:02}@lote.test"}
            for n in range(1, PARTIES + 1)])
    connection.set_schema_to_public()
    return company


def test_an_invitation_batch_whose_worker_is_killed_midway_sends_each_invitation_once(
        committed_db, smtp, workers, holder):
    # given a portal inviting 30 customers (two chunks), the batch queued before any worker runs
    company = portal_with_parties(smtp)
    with tenant_context(company), transaction.atomic():
        admin = User.objects.get(email="admin@lote.test")
        batch = access.invitations_start(kinds={CUSTOMERS}, by=admin, base_url="http://lote.localhost/")
    # and a row of the second chunk held by another session (an open invitation of one of them)
    held = batch.parties["rows"][BATCH_CHUNK + 1]["email"]
    with tenant_context(company):
        invitation = Invitation.objects.create(email=held, token_hash=token_hash("held"),
                                               expires_at=timezone.now() + timedelta(days=1))
    holder.lock(f"SELECT 1 FROM {table_of(company, Invitation)} WHERE id = %s FOR UPDATE", [invitation.pk])
    first = workers.start("first")

    # when the worker, with the first chunk done, is killed in the middle of the second
    kill_held(first, holder, wait_for_the_waiting_backend(first))
    with tenant_context(company):
        assert InvitationBatch.objects.values_list("status", "done").get() == ("running", BATCH_CHUNK)

    # and another worker is up when, a minute later, beat runs the outbox sweep
    second = workers.start("second")
    with tenant_context(company):
        InvitationBatch.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    each_portal.delay("portal_core.outbox_sweep")
    received = smtp.wait_for(PARTIES, timeout=60)

    # then the batch is done and every customer got exactly one invitation
    with tenant_context(company):
        wait_until(lambda: InvitationBatch.objects.get().status == "done", what="the batch to finish")
    assert Counter(message["To"] for message in received) == {f"c{n:02}@lote.test": 1 for n in range(1, PARTIES + 1)}

    # when the broker finally hands out the killed worker's message again
    again = access_tasks.invitation_batch_run.apply_async([batch.pk], headers={"_schema_name": company.schema_name})
    wait_until(lambda: f"[{again.id}] succeeded" in second.output(), what="the redelivered task to run")
    # then nobody gets a second email
    assert len(smtp.received) == PARTIES
    with tenant_context(company):
        assert InvitationBatch.objects.values_list("status", "done").get() == ("done", PARTIES)
