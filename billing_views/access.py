"""Which parties an account may see. Every section and document is looked up through these,
so a party that is not the account's own answers 404 exactly like one that does not exist, and
a party the ERP marks inactive answers the "acceso suspendido" page (its other party's
sections keep working)."""

from django.http import Http404
from django.shortcuts import render

from portal_core.access.selectors import account_link
from portal_core.models import Customer, Supplier

from .errors import PartySuspended


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


def require_customer(request, section: str | None) -> Customer:
    _require_section(request, section)
    return _active(request.viewer.customer)


def require_supplier(request, section: str | None) -> Supplier:
    _require_section(request, section)
    return _active(request.viewer.supplier)


class PartySuspendedMiddleware:
    """Turns PartySuspended into a clear page (403) instead of an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PartySuspended):
            return None
        from portal_core.web.menu import menu_for

        response = render(request, "billing_views/suspended.html", {
            "error": exception, "menu": menu_for(request, None)}, status=403)
        response["Cache-Control"] = "private, no-store"
        return response
