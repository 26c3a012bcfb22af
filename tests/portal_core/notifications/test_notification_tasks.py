"""Notifications through a real Celery worker and Redis: the batch's commit queues the send, the
send queues the email, the outbox sends it; beat's daily run finds what fell due. And beat's
fan-out sends the tasks only to portals with something to do."""

import json
import time
from datetime import timedelta

import redis
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from portal_core.accounts.services import party_account_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, Notification
from portal_core.notifications import tasks  # noqa: F401 - registers what makes its tasks due, as the worker does
from provisioning.services import portal_create
from tenants.fanout import schemas_due
from tenants.tasks import each_portal
from tests.conftest import PASSWORD
from tests.mail import configure_email
from tests.portal_core.notifications.test_notifications import entry, invoice, link, payment, portal, sync

portal = portal  # the fixture, imported


def test_a_batch_that_only_sends_a_ready_payment_again_queues_no_send(portal, make_account,
                                                                        django_capture_on_commit_callbacks):
    # given a supplier with an account, and the broker's queue empty
    link(portal, make_account, "pagos@molinos.test", supplier="S2")
    app.control.purge()
    broker = redis.Redis.from_url(app.conf.broker_url)

    def sends_queued(items) -> int:
        before = broker.llen("celery")
        with django_capture_on_commit_callbacks(execute=True):
            sync(portal, "supplier-payments", items)
        new = broker.llen("celery") - before  # kombu pushes to the head of the list
        queued = [json.loads(message)["headers"]["task"] for message in broker.lrange("celery", 0, new - 1)[:new]]
        return queued.count("portal_core.notifications_send")

    # when the ERP marks a payment ready, sends it again with its amount corrected, then adds another
    first = sends_queued([payment("P1")])
    again = sends_queued([{**payment("P1"), "amount": "75001.00"}])
    another = sends_queued([{**payment("P1"), "amount": "75001.00"}, payment("P2")])
    app.control.purge()

    # then only the batches with something new to tell queue the send
    assert (first, again, another) == (1, 0, 1)


def test_a_committed_batch_mails_through_the_worker_and_the_daily_run_finds_overdue(committed_db, smtp):
    company = portal_create(name="Avisos", email="admin@avisos.test", password=PASSWORD)
    configure_email(company, smtp)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Cliente Uno"}])
        party_account_create(email="cliente@avisos.test", password=PASSWORD,
                             customer=Customer.objects.get(external_id="C1"))

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when the ERP's batch commits
        with tenant_context(company):
            batch_upsert(resource="sales-invoices", items=[invoice("F1", number=5)])
        smtp.wait_for(1)
        # and beat's daily run comes for an overdue movement
        with tenant_context(company):
            batch_upsert(resource="customer-account-entries", items=[
                entry("M1", timezone.localdate() - timedelta(days=2), number=6)])
        each_portal.delay("portal_core.notifications_daily")
        smtp.wait_for(2)
        each_portal.delay("portal_core.notifications_daily")  # a second run the same day
        time.sleep(2)  # time for any duplicate to arrive

    subjects = [str(m["Subject"]).strip() for m in smtp.received]
    assert subjects == ["Tiene comprobantes nuevos: Factura A 0003-00000005",
                        "Comprobantes vencidos con saldo pendiente: Factura B 0001-00000006"]
    assert {m["To"] for m in smtp.received} == {"cliente@avisos.test"}


def test_beat_sends_the_immediate_task_only_where_something_is_pending(parties, beta, make_account):
    user = make_account(parties, "ana@penalolen.test")
    schemas = [parties.schema_name, beta.schema_name]
    with tenant_context(parties):
        assert schemas_due("portal_core.notifications_send", schemas) == []
        Notification.objects.create(user=user, kind="new_document", key="invoice:1", object_id=1,
                                    delivery="immediate")
        connection.set_schema_to_public()
    assert schemas_due("portal_core.notifications_send", schemas) == [parties.schema_name]
    assert schemas_due("portal_core.notifications_daily", schemas) == []
