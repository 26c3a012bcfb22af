"""Which parties an account may see. Every section and document is looked up through these,
so a party that is not the account's own answers 404 exactly like one that does not exist, and
a party the ERP marks inactive answers the "acceso suspendido" page (its other party's
sections keep working). A colleague (usuario de la empresa) is refused, with a 403 that says
why, the sections and downloads its titular did not grant (SECTION_PERMISSIONS, require_download)."""

from django.http import Http404
from django.shortcuts import render

from portal_core.access.selectors import account_link
from portal_core.models import AccountLink, Customer, Supplier

from .errors import PartySuspended, PermissionRefused

Permission = AccountLink.Permission


def account_customer(user) -> Customer | None:
    """The account's customer, outside a request (a task working for the account)."""
    link = account_link(user=user)
    return link.customer if link and link.customer_id else None


def _require_section(request, section: str | None) -> None:
    """A section the portal's admin switched off answers 404, as if it did not exist. (None: a
    page of every customer or supplier, as its Consultas.)"""
    if section is not None and not getattr(request.viewer.settings, section):
        raise Http404


def _active(party):
    if party is None:
        raise Http404
    if not party.active:
        raise PartySuspended(party)
    return party


# The sections that need a colleague's permission (AccountLink.Permission), and the refusal.
SECTION_PERMISSIONS = {"customer_orders": (Permission.ORDERS, PermissionRefused.NO_ORDERS),
                       "supplier_payments": (Permission.PAYMENTS, PermissionRefused.NO_PAYMENTS)}


def section_allowed(request, section: str) -> bool:
    """The section is switched on for the portal and, for a colleague, granted by its titular."""
    permission, _refusal = SECTION_PERMISSIONS.get(section, (None, None))
    return getattr(request.viewer.settings, section) and (not permission or request.viewer.may(permission))


def _require_permission(request, section: str) -> None:
    permission, refusal = SECTION_PERMISSIONS.get(section, (None, None))
    if permission and not request.viewer.may(permission):
        raise PermissionRefused(refusal)


def require_customer(request, section: str | None) -> Customer:
    _require_section(request, section)
    customer = _active(request.viewer.customer)
    _require_permission(request, section)
    return customer


def require_supplier(request, section: str | None) -> Supplier:
    _require_section(request, section)
    supplier = _active(request.viewer.supplier)
    _require_permission(request, section)
    return supplier


def require_download(request) -> None:
    """Every PDF, ZIP and CSV/XLSX of a party's documents: refused (403) to a colleague without
    *descargar comprobantes*. Call it after require_customer/require_supplier."""
    if not request.viewer.may(Permission.DOWNLOADS):
        raise PermissionRefused(PermissionRefused.NO_DOWNLOADS)


class PartySuspendedMiddleware:
    """Turns PartySuspended and PermissionRefused into a clear page (403) instead of an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PartySuspended | PermissionRefused):
            return None
        from portal_core.web.menu import menu_for

        template = "suspended.html" if isinstance(exception, PartySuspended) else "refused.html"
        response = render(request, f"billing_views/{template}", {
            "error": exception, "menu": menu_for(request, None)}, status=403)
        response["Cache-Control"] = "private, no-store"
        return response
