"""The company's SMTP server is looked up once, checked, and connected to at the address that
passed the check (no second lookup DNS could answer differently), while TLS is still verified
against the server's name. Against real aiosmtpd servers on loopback."""

import datetime
import socket
import ssl

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.mail import EmailMessage

from tenants import mail
from tenants.mail import PinnedEmailBackend, SmtpHostRefused, address_is_public, company_connection, smtp_addresses
from tests.conftest import PASSWORD, host_client
from tests.mail import SmtpServer, _Keep, configure_email


@pytest.fixture
def lookups(monkeypatch):
    """The host names looked up, as the real resolver is asked."""
    asked = []
    resolve = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        asked.append(host)
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    return asked


def admin_client(company):
    client = host_client(company)
    client.post("/ingresar/", {"username": f"admin@{company.slug}.test", "password": PASSWORD})
    return client


def message(backend) -> EmailMessage:
    return EmailMessage("Prueba", "Hola", "avisos@alfa.test", ["yo@alfa.test"], connection=backend)


def test_the_sender_connects_to_the_address_the_check_returned(alfa, smtp, lookups):
    email_settings = configure_email(alfa, smtp, host="localhost")
    checked = smtp_addresses("localhost", smtp.port)
    lookups.clear()
    backend = company_connection(email_settings)

    backend.open()
    peer = backend.connection.sock.getpeername()[0]
    message(backend).send()
    backend.close()

    assert backend.addresses == checked and "127.0.0.1" in checked
    assert peer in backend.addresses
    assert lookups.count("localhost") == 1
    [received] = smtp.wait_for(1)
    assert received["To"] == "yo@alfa.test"


def test_enviar_prueba_looks_the_name_up_once_and_delivers(alfa, smtp, lookups):
    configure_email(alfa, smtp, host="localhost")
    admin = admin_client(alfa)
    lookups.clear()

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"}, follow=True)

    assert "Enviamos el email de prueba a yo@alfa.test" in response.content.decode()
    assert lookups.count("localhost") == 1
    assert [email["To"] for email in smtp.wait_for(1)] == ["yo@alfa.test"]


def test_a_private_address_refused_by_the_check_stops_the_send(alfa, smtp, settings, monkeypatch):
    email_settings = configure_email(alfa, smtp, host="localhost")
    settings.COMPANY_SMTP_ALLOW_PRIVATE = False
    monkeypatch.setattr(mail, "SMTP_PORTS", {smtp.port})  # only the address is at issue
    backend = company_connection(email_settings)

    with pytest.raises(SmtpHostRefused) as refused:
        message(backend).send()
    response = admin_client(alfa).post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert refused.value.code == SmtpHostRefused.PRIVATE
    assert backend.addresses == () and backend.connection is None
    assert response.status_code == 400
    assert "debe ser una dirección pública de internet" in response.content.decode()
    assert smtp.received == []


def test_a_name_that_does_not_resolve_is_reported_when_sending(alfa, smtp):
    configure_email(alfa, smtp, host="smtp.no-existe.invalid")

    response = admin_client(alfa).post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert response.status_code == 400
    assert "No se encontró el servidor «smtp.no-existe.invalid»" in response.content.decode()
    assert smtp.received == []


# --- TLS against the name, on the pinned address ------------------------------------------

def _certificate(name: str, issuer_key, issuer_name, key, *, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls(tmp_path):
    """A CA the client trusts, and a server context whose certificate names only `name` (no IP)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Portal test CA", ca_key, None, ca_key, ca=True)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    client = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))

    def server(name: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(name, ca_key, ca.subject, key, ca=False)
        (tmp_path / "server.pem").write_bytes(
            certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tmp_path / "server.pem"))
        return context

    return client, server


class TlsSmtpServer(SmtpServer):
    def __init__(self, context: ssl.SSLContext, *, implicit: bool):
        super().__init__()
        self.context, self.implicit = context, implicit

    def start(self):
        tls = {"ssl_context": self.context} if self.implicit else {"tls_context": self.context}
        self.controller = Controller(_Keep(self), hostname=self.host, port=self.port, server_hostname="localhost",
                                     **tls)
        self.controller.start()


@pytest.fixture
def tls_server(tls):
    servers = []

    def start(name: str, *, implicit: bool) -> TlsSmtpServer:
        server = TlsSmtpServer(tls[1](name), implicit=implicit)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def pinned_backend(server: SmtpServer, client_context: ssl.SSLContext, *, implicit: bool) -> PinnedEmailBackend:
    backend = PinnedEmailBackend(host="localhost", port=server.port, username="", password="",
                                 use_tls=not implicit, use_ssl=implicit, timeout=10)
    backend.ssl_context = client_context  # our CA, instead of the system's
    return backend


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_tls_is_verified_against_the_name_while_connecting_to_the_checked_address(db, tls, tls_server, implicit):
    server = tls_server("localhost", implicit=implicit)
    backend = pinned_backend(server, tls[0], implicit=implicit)

    sent = backend.send_messages([message(backend)])

    assert sent == 1 and "127.0.0.1" in backend.addresses
    assert [email["To"] for email in server.wait_for(1)] == ["yo@alfa.test"]


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_a_certificate_for_another_name_is_refused(db, tls, tls_server, implicit):
    server = tls_server("smtp.otro.test", implicit=implicit)
    backend = pinned_backend(server, tls[0], implicit=implicit)

    with pytest.raises(ssl.SSLCertVerificationError):
        backend.send_messages([message(backend)])

    assert server.received == []



@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("10.0.0.1", False), ("127.0.0.1", False),
    ("::ffff:10.0.0.1", False),  # IPv4-mapped
    ("64:ff9b::a00:1", False), ("64:ff9b::808:808", True),  # NAT64: 10.0.0.1 / 8.8.8.8
    ("2002:a00:1::1", False), ("2002:808:808::1", True),  # 6to4 around 10.0.0.1 / 8.8.8.8
])
def test_an_ipv6_address_carrying_a_private_ipv4_one_is_not_public(address, public):
    assert address_is_public(address) is public
