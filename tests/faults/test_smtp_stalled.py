"""The company's SMTP server accepts the connection and then says nothing: the send gives up
after EMAIL_TIMEOUT, the email waits in the outbox with the reason, pages answer at once
meanwhile, and the email goes out, once, when the server works again."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.access.services import invitation_send
from portal_core.mail.services import outbox_deliver
from portal_core.mail.tasks import outbox_sweep
from portal_core.models import OutboxMessage
from provisioning.services import portal_create
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email


class SilentServer:
    """Accepts TCP connections and never answers (no SMTP greeting)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for sock in self.held:
            sock.close()


@pytest.fixture
def silent_smtp():
    server = SilentServer()
    yield server
    server.close()


def test_a_stalled_smtp_server_delays_mail_without_slowing_the_web(
        committed_db, own_broker, smtp, silent_smtp, settings):
    # given a portal whose SMTP server accepts connections and then stalls, and an email queued
    settings.EMAIL_TIMEOUT = 5
    company = portal_create(name="Lento", email="admin@lento.test", password=PASSWORD)
    configure_email(company, smtp, port=silent_smtp.port)
    with tenant_context(company), transaction.atomic():
        invitation_send(email="cliente@lento.test", customer_id=None, supplier_id=None, by=None,
                        base_url="http://lento.localhost/")
    with tenant_context(company):
        message_id = OutboxMessage.objects.get().pk
    connection.set_schema_to_public()

    # when a worker tries to send it (here, a thread) while a visitor opens a page
    results = []

    def deliver():
        with tenant_context(company):
            results.append(outbox_deliver(message_id=message_id))
        connections.close_all()

    visitor = host_client(company)
    assert visitor.get("/ingresar/").status_code == 200  # templates loaded
    sender = threading.Thread(target=deliver)
    started = time.monotonic()
    sender.start()
    time.sleep(0.3)
    page = visitor.get("/ingresar/")
    sender_stuck_after_the_page = sender.is_alive()
    sender.join(30)
    sender_took = time.monotonic() - started

    # then the page answered while the send was still stuck; the send gave up after
    # EMAIL_TIMEOUT, not the OS's minutes
    assert page.status_code == 200 and sender_stuck_after_the_page
    assert not sender.is_alive() and results == ["error"] and sender_took < 15
    with tenant_context(company):
        waiting = OutboxMessage.objects.get()
    assert waiting.attempts == 1 and waiting.next_attempt_at > timezone.now() and waiting.last_error
    assert smtp.received == []

    # when the server works again and, once the retry is due, the sweep runs
    configure_email(company, smtp)
    with tenant_context(company):
        OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox_sweep()
        sent = OutboxMessage.objects.values_list("status", "attempts").get()

    # then the email went out, once
    assert sent == ("sent", 2)
    assert [message["To"] for message in smtp.wait_for(1)] == ["cliente@lento.test"]
