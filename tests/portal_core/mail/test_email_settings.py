"""Envío de email and Empresa: the company's SMTP settings (password encrypted, never shown
back), "Enviar prueba" against a real SMTP server, the logo and trade name in emails, and who
may see these pages."""

import io
import socket
import threading
import time

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.mail.errors import MailError
from tenants.crypto import decrypt
from tenants.images import ImageRejected
from tenants.mail import SmtpHostRefused
from tenants.models import EmailSettings
from tests.conftest import PASSWORD, host_client
from tests.mail import free_port, html_of


def admin_client(company):
    client = host_client(company)
    client.post("/ingresar/", {"username": f"admin@{company.slug}.test", "password": PASSWORD})
    return client


def settings_form(smtp, **overrides):
    return {"host": smtp.host, "port": smtp.port, "security": "none", "username": "avisos",
            "password": "secreto-smtp-1", "from_email": "avisos@alfa.test", "from_name": "",
            "reply_to": "admin@alfa.test", **overrides}


def test_saving_keeps_the_password_encrypted_and_never_shows_it_back(alfa, smtp):
    admin = admin_client(alfa)

    saved = admin.post("/administrador/email/", settings_form(smtp))
    page = admin.get("/administrador/email/").content.decode()
    kept = admin.post("/administrador/email/", settings_form(smtp, password="", host="127.0.0.1"))

    assert saved.status_code == kept.status_code == 302
    stored = EmailSettings.objects.get(company=alfa)
    assert "secreto-smtp-1" not in stored.password_encrypted and decrypt(stored.password_encrypted) == "secreto-smtp-1"
    assert "secreto-smtp-1" not in page and stored.password_encrypted not in page
    assert "Hay una contraseña guardada" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM public.tenants_emailsettings WHERE company_id = %s", [alfa.pk])
        assert "secreto-smtp-1" not in cursor.fetchone()[0]
    admin.post("/administrador/email/", settings_form(smtp, password="", password_clear="on"))
    assert EmailSettings.objects.get(company=alfa).password_encrypted == ""


@pytest.mark.parametrize(("field", "value", "message"), [
    ("port", "abc", "El puerto es un número"),
    ("port", "70000", "El puerto va de 1 a 65535."),
    ("from_email", "no-es-email", "Ingrese un email válido"),
    ("host", "", "Ingrese el servidor SMTP"),
    ("security", "tls13", "Elija STARTTLS, SSL/TLS o Ninguna."),
])
def test_bad_settings_say_why_and_change_nothing(alfa, smtp, field, value, message):
    response = admin_client(alfa).post("/administrador/email/", settings_form(smtp, **{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EmailSettings.objects.filter(company=alfa).exists()


def test_enviar_prueba_delivers_a_message_with_the_logo(alfa, smtp):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, password=""))

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"}, follow=True)

    assert "Enviamos el email de prueba a yo@alfa.test" in response.content.decode()
    [email] = smtp.wait_for(1)
    assert email["To"] == "yo@alfa.test" and email["From"] == "Alfa <avisos@alfa.test>"
    assert "bien configurado" in html_of(email)


def test_enviar_prueba_shows_an_smtp_failure_in_plain_words(alfa, smtp):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, port=free_port(), password=""))

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert response.status_code == 400
    assert "rechazó la conexión: revise el servidor y el puerto." in response.content.decode()


def test_enviar_prueba_with_starttls_on_a_server_without_it_says_so(alfa, smtp):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, security="starttls", password=""))

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert response.status_code == 400
    assert "no ofrece STARTTLS" in response.content.decode()


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_company_trade_name_and_logo_are_in_every_email(alfa, smtp):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, password=""))
    upload = io.BytesIO(png_bytes())
    upload.name = "logo.png"

    saved = admin.post("/administrador/empresa/", {"trade_name": "Alfa Mayorista", "legal_name": "Alfa S.A.",
                                                   "tax_id": "30-71234567-1", "address": "", "logo": upload})
    admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert saved.status_code == 302
    [email] = smtp.wait_for(1)
    assert email["From"] == "Alfa Mayorista <avisos@alfa.test>"
    [logo] = [part for part in email.walk() if part.get("Content-ID") == "<logo>"]
    assert Image.open(io.BytesIO(logo.get_content())).size == (40, 20)
    assert admin.get("/administrador/empresa/logo/").status_code == 200


def test_a_logo_that_is_not_an_image_is_refused(alfa):
    upload = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    upload.name = "logo.svg"

    response = admin_client(alfa).post("/administrador/empresa/", {"trade_name": "X", "logo": upload})

    assert response.status_code == 400
    assert response.context["form"].has_error("logo", ImageRejected.NOT_AN_IMAGE)
    alfa.refresh_from_db()
    assert alfa.logo == "" and alfa.trade_name == ""


ADMIN_PAGES = [
    ("get", "/administrador/activaciones/"), ("get", "/administrador/activaciones/partes/?q=ab"),
    ("get", "/administrador/activaciones/peticiones/1/"), ("post", "/administrador/activaciones/peticiones/1/aprobar/"),
    ("post", "/administrador/activaciones/peticiones/1/rechazar/"),
    ("post", "/administrador/activaciones/invitaciones/1/reenviar/"),
    ("post", "/administrador/activaciones/cuentas/1/activar/"),
    ("post", "/administrador/activaciones/cuentas/1/desactivar/"),
    ("get", "/administrador/activaciones/cargar/"), ("post", "/administrador/activaciones/cargar/invitar/"),
    ("get", "/administrador/activaciones/invitaciones/lote/1/"), ("get", "/administrador/email/"),
    ("post", "/administrador/email/prueba/"), ("post", "/administrador/email/mensajes/1/reintentar/"),
    ("get", "/administrador/empresa/"), ("get", "/administrador/empresa/logo/"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_access_pages_are_for_the_portal_admin_only(alfa, make_account, method, url):
    from portal_core.models import Customer

    with tenant_context(alfa):
        customer = Customer.objects.create(external_id="X1", business_name="Cliente X", content_hash="x")
    user = make_account(alfa, "cliente@alfa.test")
    with tenant_context(alfa):
        from portal_core.models import AccountLink

        AccountLink.objects.create(user=user, customer=customer)
    customer_client = host_client(alfa)
    customer_client.post("/ingresar/", {"username": "cliente@alfa.test", "password": PASSWORD})

    anonymous = getattr(host_client(alfa), method)(url)
    as_customer = getattr(customer_client, method)(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/ingresar/")
    assert as_customer.status_code == 404


@pytest.mark.parametrize("url", ["/registro/", "/recuperar-contrasena/", "/invitacion/abc/",
                                 "/administrador/activaciones/", "/administrador/email/"])
def test_access_pages_do_not_exist_on_the_platform_domain(public_client, url):
    assert public_client.get(url).status_code == 404


def test_the_admin_menu_has_the_access_pages(alfa):
    page = admin_client(alfa).get("/").content.decode()

    for label, url in (("Activaciones", "/administrador/activaciones/"), ("Envío de email", "/administrador/email/"),
                       ("Empresa", "/administrador/empresa/")):
        assert f'href="{url}"' in page and label in page


def test_login_links_to_recovery_and_registration(alfa):
    page = host_client(alfa).get("/ingresar/").content.decode()

    assert 'href="/recuperar-contrasena/"' in page and "¿Olvidó su contraseña?" in page
    assert 'href="/registro/"' in page


def test_an_smtp_password_with_accents_is_refused_in_words(alfa, smtp):
    response = admin_client(alfa).post("/administrador/email/", settings_form(smtp, password="contraseña1"))

    assert response.status_code == 400
    assert "SMTP no admite tildes ni eñes" in response.content.decode()


@pytest.mark.parametrize(("host", "port", "field", "code"), [
    ("127.0.0.1", 587, "host", SmtpHostRefused.PRIVATE),
    ("10.1.2.3", 25, "host", SmtpHostRefused.PRIVATE),
    ("169.254.169.254", 465, "host", SmtpHostRefused.PRIVATE),
    ("smtp.example.com", 6379, "port", SmtpHostRefused.PORT),
])
def test_a_private_host_or_a_non_smtp_port_is_refused(alfa, settings, host, port, field, code):
    settings.COMPANY_SMTP_ALLOW_PRIVATE = False

    response = admin_client(alfa).post("/administrador/email/", {
        "host": host, "port": port, "security": "starttls", "from_email": "avisos@alfa.test"})

    assert response.status_code == 400 and response.context["form"].has_error(field, code)
    assert not EmailSettings.objects.filter(company=alfa).exists()


def test_settings_saved_while_private_hosts_were_allowed_are_refused_at_send_time(alfa, smtp, settings):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, password=""))
    settings.COMPANY_SMTP_ALLOW_PRIVATE = False

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert response.status_code == 400
    assert "Use uno de los puertos de envío de correo" in response.content.decode()
    assert smtp.received == []


def test_an_unreadable_stored_password_is_explained_not_a_500(alfa, smtp):
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp))
    EmailSettings.objects.filter(company=alfa).update(password_encrypted="gAAAAAstored-with-another-key")

    response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert response.status_code == 400 and response.context["test_error"].code == MailError.SECRET_UNREADABLE


class TrickleServer:
    """A server that sends `opening`, then a byte every half second, never finishing what it
    started: each read gets something within EMAIL_TIMEOUT. It hangs up by itself after
    `seconds`."""

    def __init__(self, opening: bytes, seconds: float = 30):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.opening, self.seconds = opening, seconds
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            client, _address = self.listener.accept()
        except OSError:
            return
        with client:
            client.sendall(self.opening)
            ends = time.monotonic() + self.seconds
            while time.monotonic() < ends:
                try:
                    client.sendall(b"-")
                except OSError:
                    return
                time.sleep(0.5)

    def close(self):
        self.listener.close()


# An SMTP greeting that never ends its line; a TLS handshake record that never ends (SSL/TLS).
TRICKLES = {"none": b"220", "ssl": bytes([0x16, 0x03, 0x03, 0x40, 0x00])}


@pytest.mark.parametrize("security", TRICKLES)
def test_enviar_prueba_gives_up_on_a_server_that_answers_a_byte_at_a_time(alfa, smtp, settings, security):
    # given the company's server trickles its greeting (or its TLS handshake), a byte at a time
    settings.EMAIL_SESSION_TIMEOUT = 2
    settings.EMAIL_TIMEOUT = 60  # past the server's 30 s: only the session's deadline can end it first
    trickle = TrickleServer(TRICKLES[security])
    admin = admin_client(alfa)
    admin.post("/administrador/email/", settings_form(smtp, port=trickle.port, password="", security=security))

    # when the admin sends a test
    try:
        response = admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})
    finally:
        trickle.close()

    # then the session was given up on as a timeout, in plain words (not held until the server hung up)
    assert response.status_code == 400
    assert "no respondió a tiempo" in response.content.decode()
