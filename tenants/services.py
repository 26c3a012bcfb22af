"""Operator actions on existing portals."""

from django.db import transaction

from .models import Company


class PortalNotFound(Exception):
    pass


def portal_get(*, slug: str) -> Company:
    """An active or suspended portal by its subdomain (spares and the public schema are not portals)."""
    try:
        return Company.objects.exclude(status=Company.Status.SPARE).exclude(slug=None).get(slug=slug)
    except Company.DoesNotExist as error:
        raise PortalNotFound(slug) from error


def company_profile_update(
    *, company: Company, legal_name: str, trade_name: str, tax_id: str, address: str
) -> Company:
    """How the company appears on its documents and emails."""
    company.legal_name, company.trade_name = legal_name.strip(), trade_name.strip()
    company.tax_id, company.address = tax_id.strip(), address.strip()
    company.save(update_fields=["legal_name", "trade_name", "tax_id", "address"])
    return company


def portal_suspend(*, company: Company) -> Company:
    company.status = Company.Status.SUSPENDED
    company.save(update_fields=["status"])
    return company


def portal_reactivate(*, company: Company) -> Company:
    company.status = Company.Status.ACTIVE
    company.save(update_fields=["status"])
    return company


def portal_delete(*, company: Company) -> None:
    """Drop the portal's schema, its domains and its row. Irreversible."""
    if company.is_public:
        raise ValueError("The public schema cannot be deleted")
    with transaction.atomic():
        company.delete(force_drop=True)
