"""Operator actions on existing portals."""

from django.db import transaction

from .crypto import encrypt
from .images import clean_png, png_forget, png_store
from .models import Company, EmailSettings


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


LOGO_MAX_SIDE = 400


def company_logo_update(*, company: Company, upload) -> Company:
    """Replace the "Logo de empresa" of the company's emails (see `tenants.images.clean_png`)."""
    content = clean_png(upload, max_side=LOGO_MAX_SIDE)
    previous, company.logo = company.logo, png_store(content, folder=f"portals/{company.schema_name}/logo")
    company.save(update_fields=["logo"])
    png_forget(previous, company.logo)
    return company


def email_settings_update(
    *, company: Company, host: str, port: int, security: str, username: str, password: str | None,
    from_email: str, from_name: str = "", reply_to: str = "",
) -> EmailSettings:
    """Save the company's SMTP settings. `password=None` keeps the stored one (the form never
    shows it back, so a blank field means "unchanged"); an empty string removes it."""
    email_settings = EmailSettings.objects.filter(company_id=company.pk).first() or EmailSettings(company=company)
    email_settings.host, email_settings.port, email_settings.security = host.strip(), port, security
    email_settings.username = username.strip()
    if password is not None:
        email_settings.password_encrypted = encrypt(password)
    email_settings.from_email, email_settings.from_name = from_email.strip(), from_name.strip()
    email_settings.reply_to = reply_to.strip()
    email_settings.save()
    return email_settings


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
