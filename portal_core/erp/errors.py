"""Codes of the refusals of the ERP integration's services, and their messages. The sync's own
(a batch, its rows, an import file) are in sync/errors.py; the API's in api/exceptions.py."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError


class ErpError(DomainError):
    NOT_A_PDF = "not_a_pdf"

    MESSAGES = {
        NOT_A_PDF: _("El cuerpo no es un PDF."),
    }
