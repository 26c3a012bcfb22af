"""The outbox through a real Celery worker, a real Redis and a real SMTP server: mail waits
through outages of either and goes out exactly once when they are back."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from portal_core.access.services import invitation_send
from portal_core.erp.sync.engine import batch_upsert
from portal_core.mail.selectors import outbox_due_ids
from portal_core.mail.services import CLAIM_TIMEOUT, outbox_deliver, outbox_retry_now
from portal_core.mail.tasks import outbox_send, outbox_sweep
from portal_core.models import AccessIntake, Customer, OutboxMessage
from provisioning.services import portal_create
from tenants.tasks import each_portal
from tests.brokers import RedisServer, broker_use
from tests.conftest import PASSWORD, host_client
from tests.mail import _Keep, configure_email


@pytest.fixture
def broker(tmp_path, settings):
    """Celery's broker moved to a Redis server the test controls."""
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url
    broker_use(server.url)
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    yield server
    broker_use(previous)
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def portal(committed_db, smtp):
    company = portal_create(name="Correo", email="admin@correo.test", password=PASSWORD)
    configure_email(company, smtp)
    return company


def queue_invitation(company, email="cliente@correo.test"):
    with tenant_context(company), transaction.atomic():
        invitation_send(email=email, customer_id=None, supplier_id=None, by=None, base_url="http://x/")
    with tenant_context(company):
        return OutboxMessage.objects.get(to=email)


def statuses(company):
    with tenant_context(company):
        return list(OutboxMessage.objects.values_list("status", flat=True))


def test_mail_queued_while_redis_is_down_goes_out_once_when_it_is_back(portal, broker, smtp):
    # given Redis is down
    broker.stop()

    # when a request queues an email (the password recovery of the portal's admin)
    started = time.monotonic()
    response = host_client(portal).post("/recuperar-contrasena/", {"email": "admin@correo.test"})
    elapsed = time.monotonic() - started

    # then the request answers normally and the recovery request waits, stored, for its task
    assert response.status_code == 200 and elapsed < 5
    with tenant_context(portal):
        assert AccessIntake.objects.count() == 1
    assert statuses(portal) == []

    # when Redis is back, beat runs the sweep (which takes the request and queues its email),
    # and the email's task is even sent twice more
    broker.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("portal_core.outbox_sweep")
        smtp.wait_for(1)
        with tenant_context(portal):
            message_id = OutboxMessage.objects.get().pk
            outbox_send.delay(message_id)
            outbox_send.delay(message_id)
        smtp.wait_for(1)
        time.sleep(2)  # time for any duplicate to arrive

    # then it was delivered exactly once
    assert [m["To"] for m in smtp.received] == ["admin@correo.test"]
    assert statuses(portal) == ["sent"]


def test_a_task_lost_with_a_redis_restart_is_sent_once_by_the_sweep(portal, broker, smtp):
    # given an email whose task sits in Redis with no worker running
    message = queue_invitation(portal)

    # when Redis restarts without persistence (the queued task is lost)
    broker.stop()
    broker.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("portal_core.outbox_sweep")
        smtp.wait_for(1)
        time.sleep(1)

    assert [m["To"] for m in smtp.received] == [message.to]
    assert statuses(portal) == ["sent"]


def test_with_the_smtp_server_down_mail_waits_with_the_reason_and_goes_out_once_it_is_up(portal, broker, smtp):
    # given the company's SMTP server is down
    smtp.stop()
    message = queue_invitation(portal)

    # when the task tries to send it
    with tenant_context(portal):
        first = outbox_deliver(message_id=message.pk)
        failed = OutboxMessage.objects.get()
        due_now = outbox_due_ids()

    # then it is kept with the reason, retried later (backoff), and the admin sees it
    assert first == "error" and failed.attempts == 1
    assert "rechazó la conexión" in failed.last_error
    assert failed.next_attempt_at > failed.created_at and due_now == []
    admin = host_client(portal)
    admin.post("/ingresar/", {"username": "admin@correo.test", "password": PASSWORD})
    page = admin.get("/administrador/email/").content.decode()
    assert 'data-status="error"' in page and "rechazó la conexión" in page

    # when the server is back and the admin presses Reintentar (or the backoff is over)
    smtp.start()
    assert admin.post(f"/administrador/email/mensajes/{message.pk}/reintentar/").status_code == 302
    with tenant_context(portal):
        assert outbox_due_ids() == [message.pk]
        second = outbox_deliver(message_id=message.pk)
        again = outbox_deliver(message_id=message.pk)

    # then it is delivered once
    assert (second, again) == ("sent", "sent")
    assert len(smtp.wait_for(1)) == 1
    assert 'data-status="sent"' in admin.get("/administrador/email/").content.decode()


def test_hundreds_of_invitations_go_out_through_celery_with_progress(portal, broker, smtp):
    count = 120
    with tenant_context(portal):
        batch_upsert(resource="customers", items=[
            {"external_id": f"C{n}", "business_name": f"Cliente {n}", "email": f"c{n}@clientes.test"}
            for n in range(count)])
        assert Customer.objects.count() == count
    admin = host_client(portal)
    admin.post("/ingresar/", {"username": "admin@correo.test", "password": PASSWORD})
    emails = [f"c{n}@clientes.test" for n in range(count)]

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = admin.post("/administrador/activaciones/cargar/invitar/", {"tipo": "clientes", "email": emails})
        progress_page = admin.get(response["Location"]).content.decode()
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = admin.get(response["Location"], HTTP_ACCEPT="application/json").json()
            seen.append(state["done"])
            if state["status"] == "done":
                break
            time.sleep(0.1)
        smtp.wait_for(count, timeout=60)

    assert 'role="progressbar"' in progress_page
    assert state == {"status": "done", "done": count, "total": count, "percent": 100}
    assert sorted(m["To"] for m in smtp.received) == sorted(emails)
    assert statuses(portal).count("sent") == count


def test_retries_wait_their_backoff_and_a_broken_message_does_not_hold_up_the_sweep(portal, broker, smtp):
    from tenants.models import EmailSettings

    # given two emails, and a stored password that can no longer be read
    first, second = queue_invitation(portal, "uno@correo.test"), queue_invitation(portal, "dos@correo.test")
    EmailSettings.objects.filter(company=portal).update(password_encrypted="gAAAAAstored-with-another-key")

    # when the sweep runs (twice in a row)
    with tenant_context(portal):
        OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        outbox_sweep()
        outbox_sweep()
        failed = list(OutboxMessage.objects.order_by("pk"))

    # then both were tried once (the second sweep found nothing due) with the reason in words
    assert [(m.status, m.attempts) for m in failed] == [("error", 1), ("error", 1)]
    assert "vuelva a ingresarla en Envío de email" in failed[0].last_error

    # when the admin enters the password again, what waited goes out
    admin = host_client(portal)
    admin.post("/ingresar/", {"username": "admin@correo.test", "password": PASSWORD})
    admin.post("/administrador/email/", {"host": smtp.host, "port": smtp.port, "security": "none",
                                         "password": "nueva", "from_email": "avisos@correo.test"})
    with tenant_context(portal):
        outbox_sweep()
    assert sorted(m["To"] for m in smtp.wait_for(2)) == sorted([first.to, second.to])


class _HoldFirstData(_Keep):
    """Receives the first message's DATA, says so (`arrived`), and answers it only once the test
    sets `answer`; later messages are answered at once."""

    def __init__(self, server, arrived: threading.Event, answer: threading.Event):
        super().__init__(server)
        self.arrived, self.answer = arrived, answer

    async def handle_DATA(self, server, session, envelope):
        if not self.arrived.is_set():
            self.arrived.set()
            await asyncio.to_thread(self.answer.wait, 60)
        return await super().handle_DATA(server, session, envelope)


def hold_first_data(smtp) -> tuple[threading.Event, threading.Event]:
    """The test's SMTP server, restarted on its port with a first answer the test releases."""
    arrived, answer = threading.Event(), threading.Event()
    smtp.stop()
    smtp.controller = Controller(_HoldFirstData(smtp, arrived, answer), hostname=smtp.host, port=smtp.port)
    smtp.controller.start()
    return arrived, answer


def deliver_in_a_thread(company, message_id: int) -> tuple[threading.Thread, list]:
    """`outbox_deliver` as a worker runs it: its own thread, its own database connection."""
    results = []

    def work():
        try:
            with tenant_context(company):
                results.append(outbox_deliver(message_id=message_id))
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread, results


def row_locked_elsewhere(message_id: int) -> tuple:
    """The message's status, read under a row lock that must not wait (NOWAIT raises if the
    row is locked by another transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {OutboxMessage._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
                       [message_id])
        return cursor.fetchone()


def test_while_a_slow_smtp_server_takes_the_message_its_row_is_not_locked(portal, broker, smtp):
    # given an email, and the company's SMTP server slow to answer its DATA
    message = queue_invitation(portal)
    admin = host_client(portal)
    admin.post("/ingresar/", {"username": "admin@correo.test", "password": PASSWORD})
    arrived, answer = hold_first_data(smtp)

    # when a worker sends it, and the server has the message but has not answered yet
    sending, results = deliver_in_a_thread(portal, message.pk)
    try:
        assert arrived.wait(30)
        with tenant_context(portal):
            in_progress = row_locked_elsewhere(message.pk)
        page = admin.get("/administrador/email/").content.decode()
    finally:
        answer.set()
        sending.join(60)

    # then another connection locked the row at once, and saw it claimed; the admin sees "Enviando"
    assert in_progress == ("sending",)
    assert 'data-status="sending"' in page and "Enviando" in page
    # and once the server answered, the message is recorded sent, and went out once
    assert results == ["sent"]
    assert [m["To"] for m in smtp.received] == [message.to]
    with tenant_context(portal):
        sent = OutboxMessage.objects.get()
    assert (sent.status, sent.attempts, sent.body_text, sent.next_attempt_at) == ("sent", 1, "", None)


def test_a_message_left_sending_by_a_worker_that_died_is_sent_by_the_sweep(portal, broker, smtp):
    # given two emails claimed by workers: one a moment ago (still sending), one whose claim
    # expired (its worker died mid-send)
    fresh, stale = queue_invitation(portal, "fresh@correo.test"), queue_invitation(portal, "stale@correo.test")
    now = timezone.now()
    with tenant_context(portal):
        OutboxMessage.objects.update(created_at=now - timedelta(hours=1))
        for message, claimed_at in ((fresh, now), (stale, now - CLAIM_TIMEOUT - timedelta(minutes=1))):
            OutboxMessage.objects.filter(pk=message.pk).update(
                status="sending", claimed_at=claimed_at, next_attempt_at=claimed_at + CLAIM_TIMEOUT)

        # when the admin presses "Reintentar todos" and the sweep runs
        retried = outbox_retry_now()
        sent = outbox_sweep()
        rows = dict(OutboxMessage.objects.values_list("to", "status"))

    # then the one its worker left went out, once; the one being sent was left to its worker
    assert (retried, sent) == (0, 1)
    assert [m["To"] for m in smtp.received] == ["stale@correo.test"]
    assert rows == {"fresh@correo.test": "sending", "stale@correo.test": "sent"}


def test_a_worker_whose_claim_expired_and_was_taken_over_does_not_overwrite_the_newer_record(
        portal, broker, smtp):
    # given a worker whose send hangs on the SMTP server's answer past its claim's expiry
    message = queue_invitation(portal)
    arrived, answer = hold_first_data(smtp)
    sending, results = deliver_in_a_thread(portal, message.pk)
    try:
        assert arrived.wait(30)
        with tenant_context(portal):
            OutboxMessage.objects.filter(pk=message.pk).update(
                created_at=timezone.now() - timedelta(hours=1), next_attempt_at=timezone.now())

            # when the sweep takes the message over and sends it
            swept = outbox_sweep()
            taken_over = OutboxMessage.objects.get()
    finally:
        # and the first worker's server answers after all
        answer.set()
        sending.join(60)

    # then the first worker leaves the sweep's record as it was (the message went out twice:
    # the window a claim timeout leaves)
    with tenant_context(portal):
        after = OutboxMessage.objects.get()
    assert swept == 1 and results == ["sent"]
    assert (after.status, after.attempts, after.claimed_at, after.sent_at) == (
        "sent", 1, taken_over.claimed_at, taken_over.sent_at)
    assert len(smtp.received) == 2
