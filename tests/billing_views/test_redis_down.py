"""With Redis (the cache, and the broker) stopped, a redis-server process of the test's own,
pages still answer: cached reads are recomputed, and queued work waits in its table for the
sweep, which does it once Redis is back."""

import copy
import threading
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing_views.models import ZipJob
from config.celery import app
from tenants.tasks import each_portal
from tests.billing_views import test_downloads as download_all
from tests.brokers import RedisServer, broker_use
from tests.faults.test_smtp_stalled import SilentServer

portal_with_book = download_all.portal_with_book


@pytest.fixture
def redis(tmp_path, settings):
    """A redis-server process of the test's own as the cache and the broker, which the test
    stops and starts again on the same port."""
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = server.url
    settings.CACHES = caches
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    broker_use(server.url)
    yield server
    broker_use(previous)
    if server.process.poll() is None:
        server.stop()


def test_customer_pages_answer_with_redis_stopped(book, login, redis):
    client = login(book, "cliente@alfa.test")
    redis.stop()

    invoices = client.get("/facturas/")
    ledger = client.get("/cuenta-corriente/")

    assert invoices.status_code == ledger.status_code == 200
    assert "0003-00001001" in invoices.content.decode()
    assert "$ 1.900,00" in ledger.content.decode()  # 1000 + 500 + 400 pending


def test_download_all_with_redis_stopped_answers_and_the_sweep_builds_the_zip_once_it_is_back(
        portal_with_book, redis):
    # given Redis (cache and broker) is stopped
    client = download_all._login(portal_with_book, "cliente@zeta.test")
    redis.stop()

    # when the customer asks for every invoice's PDF
    response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
    page = client.get(response["Location"])

    # then the page answers and the job waits, recorded
    assert response.status_code == 302 and response["Location"].startswith("/descargas/")
    assert page.status_code == 200 and 'role="progressbar"' in page.content.decode()
    assert "En cola: la preparación del archivo comenzará en breve." in page.content.decode()
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", "attempts")) == [("pending", 0)]

    # when Redis is back and, a minute later, beat runs the sweep
    redis.start()
    with tenant_context(portal_with_book):
        ZipJob.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("billing_views.zip_jobs_requeue")
        state = download_all.wait_until_ready(client, response["Location"] + "estado/")

    # then the ZIP is built
    assert (state["status"], state["done"], state["total"]) == ("ready", 3, 3)
    assert download_all.zip_names(client, state["download_url"]) == [
        "FA-A-0003-00001001.pdf", "FA-A-0003-00001003.pdf", "NC-A-0003-00001002.pdf"]


def test_inviting_with_redis_stopped_says_the_sending_starts_shortly_and_it_does_once_redis_is_back(
        committed_db, smtp, redis):
    from portal_core.erp.sync.engine import batch_upsert
    from portal_core.models import InvitationBatch
    from provisioning.services import portal_create
    from tests.conftest import PASSWORD
    from tests.mail import configure_email
    from tests.portal_core.access.test_registrations import admin_client

    # given a portal with its email set up and two customers loaded, and Redis (cache and broker) stopped
    company = portal_create(name="Sin Redis", email="admin@sin-redis.test", password=PASSWORD)
    configure_email(company, smtp)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[
            {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "email": "compras@penalolen.test"},
            {"external_id": "C2", "business_name": "Mixto S.A.", "email": "mixto@x.test"}])
    admin = admin_client(company)
    redis.stop()

    # when the admin invites both
    response = admin.post("/administrador/activaciones/cargar/invitar/",
                          {"tipo": "ambos", "email": ["mixto@x.test", "compras@penalolen.test"]})
    page = admin.get(response["Location"])

    # then the page says it will start shortly, and the batch waits in PostgreSQL for the sweep
    assert response.status_code == 302 and page.status_code == 200
    assert "En cola: el envío comenzará en breve." in page.content.decode()
    with tenant_context(company):
        assert list(InvitationBatch.objects.values_list("status", "total")) == [("pending", 2)]

    # when Redis is back and, a minute later, beat runs the sweep
    redis.start()
    with tenant_context(company):
        InvitationBatch.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("portal_core.outbox_sweep")
        smtp.wait_for(2, timeout=60)

    # then both invitations went out, once each
    assert sorted(message["To"] for message in smtp.received) == ["compras@penalolen.test", "mixto@x.test"]
    with tenant_context(company):
        assert list(InvitationBatch.objects.values_list("status", flat=True)) == ["done"]


def test_download_all_with_a_redis_that_accepts_and_never_answers_still_answers(portal_with_book, settings):
    # given Redis (cache and broker) hung: it accepts connections and never answers
    client = download_all._login(portal_with_book, "cliente@zeta.test")
    hung = SilentServer()
    previous = app.conf.broker_url
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{hung.port}/0"
    settings.CACHES = caches
    broker_use(f"redis://127.0.0.1:{hung.port}/0")
    answered = {}

    def ask():
        answered["response"] = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
        answered["page"] = client.get(answered["response"]["Location"])
        connections.close_all()

    # when the customer asks for every invoice's PDF (in a thread: a request that never ends fails the test)
    try:
        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        asking.join(timeout=60)
    finally:
        broker_use(previous)
        hung.close()

    # then it answered, saying the file will be prepared shortly, and the job waits, recorded
    assert "page" in answered, "the request was still waiting on Redis after a minute"
    assert answered["response"].status_code == 302 and answered["page"].status_code == 200
    assert "En cola: la preparación del archivo comenzará en breve." in answered["page"].content.decode()
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", flat=True)) == ["pending"]
