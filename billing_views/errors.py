"""Codes of what customers and suppliers are refused, and their messages."""

from django.db import connection
from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError


class BillingError(DomainError):
    PARTY_SUSPENDED = "party_suspended"
    # The ZIP download's status (JSON, read by the page's script).
    DOWNLOAD_NOT_FOUND = "not_found"
    DOWNLOAD_FAILED = "failed"
    # Descargar resumen.
    STATEMENT_PERIOD_REVERSED = "statement_period_reversed"
    STATEMENT_PERIOD_FUTURE = "statement_period_future"
    STATEMENT_PERIOD_TOO_LONG = "statement_period_too_long"
    STATEMENT_TOO_MANY = "statement_too_many"
    # What a colleague (usuario de la empresa) was not granted.
    NO_DOWNLOADS = "no_downloads"
    NO_ORDERS = "no_orders"
    NO_PAYMENTS = "no_payments"

    MESSAGES = {
        PARTY_SUSPENDED: _("El acceso de %(party)s a este portal está suspendido por %(company)s. Si cree que es "
                           "un error, comuníquese con la empresa."),
        DOWNLOAD_NOT_FOUND: _("El enlace no existe o venció."),
        DOWNLOAD_FAILED: _("No se pudo preparar el archivo. Vuelva a pedirlo."),
        STATEMENT_PERIOD_REVERSED: _("«Hasta» debe ser posterior a «Desde»."),
        STATEMENT_PERIOD_FUTURE: _("«Hasta» no puede ser posterior a hoy."),
        STATEMENT_PERIOD_TOO_LONG: _("El período no puede superar los 5 años."),
        STATEMENT_TOO_MANY: _("El período tiene %(count)s movimientos y el PDF admite hasta %(limit)s. Elija un "
                              "período más corto o descargue el resumen en Excel."),
        NO_DOWNLOADS: _("Su usuario no tiene permiso para descargar comprobantes ni exportar. Pídaselo a quien "
                        "lo invitó al portal."),
        NO_ORDERS: _("Su usuario no tiene permiso para ver los pedidos. Pídaselo a quien lo invitó al portal."),
        NO_PAYMENTS: _("Su usuario no tiene permiso para ver el retiro de pagos. Pídaselo a quien lo invitó "
                       "al portal."),
    }


class PermissionRefused(BillingError):
    """A colleague asked for what its titular did not grant; answered by the same middleware
    as PartySuspended, with the message on a 403 page."""


class PartySuspended(BillingError):
    """The account's customer or supplier is inactive in the ERP (checked on every request);
    billing_views.access.PartySuspendedMiddleware answers it with the "acceso suspendido" page."""

    def __init__(self, party):
        super().__init__(BillingError.PARTY_SUSPENDED, party=party.business_name,
                         company=connection.tenant.display_name)
        self.party = party
