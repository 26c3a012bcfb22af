"""Codes of the refusals of sending email, and their messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError

EMAIL_NOT_CONFIGURED = "email_not_configured"


class MailError(DomainError):
    EMAIL_NOT_CONFIGURED = EMAIL_NOT_CONFIGURED
    SECRET_UNREADABLE = "secret_unreadable"
    SMTP_FAILED = "smtp_failed"
    TOO_MANY_TESTS = "too_many_tests"

    MESSAGES = {
        EMAIL_NOT_CONFIGURED: _("Para enviar emails primero configure el envío de email del portal. "
                                "Hasta entonces todo queda pendiente: no se pierde nada."),
        SECRET_UNREADABLE: _("No se pudo leer la contraseña guardada del servidor de correo: vuelva a "
                             "ingresarla."),
        # What the server answered, already in words (tenants.mail.smtp_failure_message).
        SMTP_FAILED: "%(reason)s",
        TOO_MANY_TESTS: _("Demasiadas pruebas desde su conexión. Espere una hora y vuelva a intentar."),
    }
