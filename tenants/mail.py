"""SMTP connections: a company's own server ("Envío de email") or the platform's.

Emails to a company's customers and suppliers go out through the company's server. The
platform's server (EMAIL_* environment variables) only sends what concerns the platform
itself, such as a portal admin's password recovery before the company configured email.
"""

import smtplib
import socket
import ssl
from email.utils import formataddr

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _

from .crypto import decrypt
from .models import Company, EmailSettings


def email_settings_for(company: Company) -> EmailSettings | None:
    """The company's SMTP settings, or None while it has not configured email."""
    try:
        return EmailSettings.objects.get(company_id=company.pk)
    except EmailSettings.DoesNotExist:
        return None


def company_connection(email_settings: EmailSettings) -> EmailBackend:
    return EmailBackend(
        host=email_settings.host, port=email_settings.port,
        username=email_settings.username or None, password=decrypt(email_settings.password_encrypted) or None,
        use_tls=email_settings.security == EmailSettings.Security.STARTTLS,
        use_ssl=email_settings.security == EmailSettings.Security.SSL,
        timeout=settings.EMAIL_TIMEOUT, fail_silently=False,
    )


def company_sender(company: Company, email_settings: EmailSettings) -> tuple[str, list[str]]:
    """From and Reply-To of the company's emails: its sender, named after its trade name."""
    name = email_settings.from_name or company.display_name
    reply_to = [email_settings.reply_to] if email_settings.reply_to else []
    return formataddr((name, email_settings.from_email)), reply_to


def platform_connection() -> EmailBackend:
    # The EMAIL_BACKEND setting, so local runs print platform emails on the console.
    from django.core.mail import get_connection

    return get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)


def smtp_failure_message(error: BaseException, *, host: str = "", port: int | None = None) -> str:
    """An SMTP failure in plain words, for the admin who configures email."""
    where = f"{host}:{port}" if host else _("el servidor")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("El servidor rechazó el usuario o la contraseña. Revíselos e intente de nuevo.")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("El servidor no acepta enviar desde «%(sender)s». Use una dirección de su propio "
                 "dominio o la que le indicó su proveedor de correo.") % {"sender": error.sender}
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("El servidor rechazó al destinatario: %(recipients)s.") % {
            "recipients": ", ".join(error.recipients)}
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _("El servidor no ofrece STARTTLS: elija otra seguridad (SSL/TLS o ninguna).")
    if isinstance(error, (ssl.SSLError, smtplib.SMTPServerDisconnected)) and not isinstance(
            error, ConnectionRefusedError):
        return _("Falló la conexión segura con %(where)s. Verifique el puerto y la seguridad elegida "
                 "(587 suele usar STARTTLS; 465, SSL/TLS).") % {"where": where}
    if isinstance(error, socket.gaierror):
        return _("No se encontró el servidor «%(host)s». Revise el nombre.") % {"host": host}
    if isinstance(error, ConnectionRefusedError):
        return _("%(where)s rechazó la conexión: revise el servidor y el puerto.") % {"where": where}
    if isinstance(error, (TimeoutError, socket.timeout)):
        return _("%(where)s no respondió a tiempo: revise el servidor, el puerto y que su red "
                 "permita la conexión.") % {"where": where}
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return _("El servidor respondió con un error (%(code)s): %(detail)s") % {
            "code": error.smtp_code, "detail": detail}
    if isinstance(error, OSError):
        return _("No se pudo conectar con %(where)s: %(detail)s") % {"where": where, "detail": error}
    return _("No se pudo enviar: %(detail)s") % {"detail": error}
