"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, and can be stopped
and started again on the same port to play an outage."""

import email
import email.policy
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django_tenants.utils import tenant_context

from tenants import services as tenant_services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Keep:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        self.server.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.host, self.port = "127.0.0.1", free_port()
        self.received = []
        self.controller = None

    def start(self):
        self.controller = Controller(_Keep(self), hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def to(self, address: str) -> list:
        return [message for message in self.received if message["To"] == address]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message) -> str:
    """The path of the first portal link in the email's text."""
    return re.search(r"https?://[^/\s]+(/\S+)", text_of(message)).group(1)


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def configure_email(company, smtp: SmtpServer, **overrides):
    with tenant_context(company):
        return tenant_services.email_settings_update(**{
            "company": company, "host": smtp.host, "port": smtp.port, "security": "none", "username": "",
            "password": None, "from_email": f"avisos@{company.slug}.test", "reply_to": f"admin@{company.slug}.test",
            **overrides})
