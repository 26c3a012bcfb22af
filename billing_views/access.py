"""Which parties an account may see. Every section and document is looked up through these,
so a party that is not the account's own answers 404 exactly like one that does not exist."""

from django.http import Http404

from portal_core.models import Customer, Supplier
from portal_core.selectors import account_link, portal_settings


def account_customer(user) -> Customer | None:
    link = account_link(user)
    return link.customer if link and link.customer_id else None


def account_supplier(user) -> Supplier | None:
    link = account_link(user)
    return link.supplier if link and link.supplier_id else None


def _require_section(request, section: str) -> None:
    """A section the portal's admin switched off answers 404, as if it did not exist."""
    if not getattr(portal_settings(request), section):
        raise Http404


def require_customer(request, section: str) -> Customer:
    _require_section(request, section)
    customer = account_customer(request.user)
    if customer is None:
        raise Http404
    return customer


def require_supplier(request, section: str) -> Supplier:
    _require_section(request, section)
    supplier = account_supplier(request.user)
    if supplier is None:
        raise Http404
    return supplier
