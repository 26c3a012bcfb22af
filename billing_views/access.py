"""Which parties an account may see. Every section and document is looked up through these,
so a party that is not the account's own answers 404 exactly like one that does not exist."""

from django.http import Http404

from portal_core.models import Customer, Supplier
from portal_core.selectors import account_link


def account_customer(user) -> Customer | None:
    link = account_link(user)
    return link.customer if link and link.customer_id else None


def account_supplier(user) -> Supplier | None:
    link = account_link(user)
    return link.supplier if link and link.supplier_id else None


def require_customer(user) -> Customer:
    customer = account_customer(user)
    if customer is None:
        raise Http404
    return customer


def require_supplier(user) -> Supplier:
    supplier = account_supplier(user)
    if supplier is None:
        raise Http404
    return supplier
