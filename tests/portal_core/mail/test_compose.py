"""portal_core.mail.compose: an email rendered from its templates in Spanish, with the company's
name, and composed for the company's own SMTP server (or the platform's) with its logo inline;
sent here through a real SMTP server (aiosmtpd) on loopback."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.mail.compose import compose_email, render_email
from portal_core.mail.services import duration_words, link_context
from portal_core.models import OutboxMessage
from tests.mail import SmtpServer, configure_email, html_of, text_of

URL = "http://alfa.localhost/invitacion/abc123/"
INVITATION = {"email": "mixto@x.test", "valid_for": "7 días", "url": URL}
EMAIL = {"subject": "Su resumen de cuenta", "body_text": "Hola.\n", "body_html": "<p>Hola.</p>", "to": "cliente@x.test"}


def default_logo() -> bytes:
    with open(finders.find("img/default-logo.png"), "rb") as logo:
        return logo.read()


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def inline_logo(message) -> tuple[str, str, bytes]:
    [part] = [part for part in message.walk() if part.get("Content-ID")]
    return part["Content-ID"], part.get_content_type(), part.get_content()


# --- render_email ----------------------------------------------------------------------------


def test_render_email_takes_the_subject_from_the_first_line_and_the_rest_as_text(alfa):
    with tenant_context(alfa):
        subject, text, _html = render_email("invitation", INVITATION)

    assert subject == "Alfa lo invita a su Portal de Clientes y Proveedores"
    assert text == (
        "¡Hola! Alfa lo invita a su Portal de Clientes y Proveedores, donde puede ver sus comprobantes, su "
        "cuenta corriente, pedidos y pagos.\n"
        "\n"
        "Usuario: mixto@x.test\n"
        "\n"
        "Para elegir su contraseña y activar la cuenta ingrese a este enlace (vale por 7 días y se usa una "
        "sola vez):\n"
        f"{URL}\n")


def test_render_email_html_has_the_subject_the_logo_the_company_and_the_link(alfa):
    with tenant_context(alfa):
        _subject, _text, html = render_email("invitation", INVITATION)

    assert re.search(r"<title>(.*?)</title>", html).group(1) == "Alfa lo invita a su Portal de Clientes y Proveedores"
    assert re.findall(r'<img src="(.*?)" alt="(.*?)"', html) == [("cid:logo", "Alfa")]
    assert re.findall(r'<a href="(.*?)"', html) == [URL, URL]
    assert "<p><strong>Alfa</strong> lo invita a su Portal de Clientes y Proveedores" in html
    assert "Portal de Clientes y Proveedores de Alfa." in html


def test_render_email_names_the_company_by_its_trade_name_escaped_only_in_html(alfa):
    # given
    alfa.trade_name = "Peñalolén & Hijos <Mayorista>"

    # when
    with tenant_context(alfa):
        subject, text, html = render_email("test", {})

    # then
    assert subject == "Prueba de envío de email del portal de Peñalolén & Hijos <Mayorista>"
    assert text == "Si recibe este email, el envío de email del portal está bien configurado.\n"
    assert "<title>Prueba de envío de email del portal de Peñalolén &amp; Hijos &lt;Mayorista&gt;</title>" in html
    assert "Peñalolén & Hijos <Mayorista>" not in html


def test_render_email_is_in_spanish_whatever_language_the_sender_browses_in(alfa):
    with tenant_context(alfa), translation.override("en"):
        subject, text, html = render_email("invitation", INVITATION)

    assert subject == "Alfa lo invita a su Portal de Clientes y Proveedores"
    assert text.startswith("¡Hola! Alfa lo invita")
    assert ">Elegir contraseña</a>" in html


def test_render_email_cuts_a_long_subject_at_200_characters(alfa):
    alfa.trade_name = "Distribuidora " * 20

    with tenant_context(alfa):
        subject, _text, _html = render_email("invitation", INVITATION)

    assert subject == ("Distribuidora " * 20)[:200]


# --- duration_words and link_context ---------------------------------------------------------


@pytest.mark.parametrize(("seconds", "words"), [
    (7 * 86400, "7 días"), (86400, "1 día"), (2 * 3600, "2 horas"), (3600, "1 hora"), (25 * 3600, "25 horas"),
    (90 * 60, "90 minutos"), (60, "1 minuto"), (30, "1 minuto"), (0, "1 minuto"), (86400 + 60, "1441 minutos"),
])
def test_duration_words_says_how_long_a_link_lasts_in_the_largest_whole_unit(seconds, words):
    assert duration_words(seconds) == words


def test_duration_words_is_in_spanish_whatever_the_active_language():
    with translation.override("en"):
        assert duration_words(2 * 86400) == "2 días"


@pytest.mark.parametrize("base_url", ["http://alfa.localhost", "http://alfa.localhost/", "http://alfa.localhost//"])
def test_link_context_joins_the_portal_address_and_the_path_with_one_slash(base_url):
    assert link_context(base_url, "/registro/confirmar/abc/") == {
        "url": "http://alfa.localhost/registro/confirmar/abc/"}


# --- compose_email ---------------------------------------------------------------------------


def test_compose_email_goes_through_the_companys_server_as_its_sender(alfa, smtp):
    # given
    configure_email(alfa, smtp)

    # when
    with tenant_context(alfa):
        email, where = compose_email(**EMAIL, sender=OutboxMessage.Sender.COMPANY,
                                     headers={"Message-ID": "<1@alfa.test>"})
        email.send()

    # then
    assert where == f"{smtp.host}:{smtp.port}"
    assert (email.from_email, email.reply_to, email.to) == ("Alfa <avisos@alfa.test>", ["admin@alfa.test"],
                                                            ["cliente@x.test"])
    [message] = smtp.wait_for(1)
    assert (message["From"], message["Reply-To"], message["To"], message["Subject"], message["Message-ID"]) == (
        "Alfa <avisos@alfa.test>", "admin@alfa.test", "cliente@x.test", "Su resumen de cuenta", "<1@alfa.test>")
    assert (text_of(message), html_of(message)) == ("Hola.\r\n", "<p>Hola.</p>")  # text lines end in CRLF on the wire
    assert inline_logo(message) == ("<logo>", "image/png", default_logo())


def test_compose_email_names_the_sender_as_configured(alfa, smtp):
    configure_email(alfa, smtp, from_name="Cobranzas Alfa", reply_to="")

    with tenant_context(alfa):
        email, _where = compose_email(**EMAIL, sender=OutboxMessage.Sender.COMPANY)

    assert (email.from_email, email.reply_to) == ("Cobranzas Alfa <avisos@alfa.test>", [])


def test_compose_email_refuses_while_the_company_has_not_configured_email(alfa, smtp):
    with tenant_context(alfa), pytest.raises(LookupError):
        compose_email(**EMAIL, sender=OutboxMessage.Sender.COMPANY)

    assert smtp.received == []


def test_compose_email_from_the_platform_uses_the_platforms_server_and_sender(alfa, smtp, settings):
    # given: the company has its own server too, which the platform's emails do not use
    other = SmtpServer()
    other.start()
    configure_email(alfa, other)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    settings.DEFAULT_FROM_EMAIL = "Plataforma <plataforma@portal.test>"

    # when
    try:
        with tenant_context(alfa):
            email, where = compose_email(**EMAIL, sender=OutboxMessage.Sender.PLATFORM)
            email.send()
    finally:
        other.stop()

    # then
    assert (where, email.from_email, email.reply_to) == ("", "Plataforma <plataforma@portal.test>", [])
    [message] = smtp.wait_for(1)
    assert message["From"] == "Plataforma <plataforma@portal.test>" and message["Reply-To"] is None
    assert inline_logo(message)[0] == "<logo>"
    assert other.received == []


def test_compose_email_shows_the_companys_own_logo(alfa, smtp, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = str(tmp_path)
    alfa.logo = default_storage.save(f"portals/{alfa.schema_name}/logo/a1.png", ContentFile(png_bytes()))
    configure_email(alfa, smtp)

    # when
    with tenant_context(alfa):
        email, _where = compose_email(**EMAIL, sender=OutboxMessage.Sender.COMPANY)
        email.send()

    # then
    [message] = smtp.wait_for(1)
    assert inline_logo(message) == ("<logo>", "image/png", png_bytes())


def test_compose_email_falls_back_to_the_default_logo_when_the_stored_one_is_gone(alfa, smtp, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    alfa.logo = f"portals/{alfa.schema_name}/logo/borrado.png"
    configure_email(alfa, smtp)

    with tenant_context(alfa):
        email, _where = compose_email(**EMAIL, sender=OutboxMessage.Sender.COMPANY)
        email.send()

    [message] = smtp.wait_for(1)
    assert inline_logo(message) == ("<logo>", "image/png", default_logo())

