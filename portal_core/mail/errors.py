"""Codes of the refusals of sending email, and their messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError

EMAIL_NOT_CONFIGURED = "email_not_configured"


class MailError(DomainError):
    EMAIL_NOT_CONFIGURED = EMAIL_NOT_CONFIGURED

    MESSAGES = {
        EMAIL_NOT_CONFIGURED: _("Para enviar emails primero configure el envío de email del portal. "
                                "Hasta entonces todo queda pendiente: no se pierde nada."),
    }
