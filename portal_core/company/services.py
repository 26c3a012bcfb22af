from django.db import connection, transaction

from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record
from portal_core.models import PortalSettings
from portal_core.tenancy import require_portal_schema
from tenants import services as tenant_services
from tenants.images import clean_png, png_forget, png_store


@transaction.atomic
def company_settings_save(*, company, by: User, logo=None, **profile) -> None:
    """Empresa saved: the profile, and the logo when one was uploaded (ImageRejected, see
    company.errors, leaves everything as it was)."""
    if logo:
        tenant_services.company_logo_update(company=company, upload=logo)
    tenant_services.company_profile_update(company=company, **profile)
    audit_record(kind=Kind.SETTINGS_COMPANY, actor=by, target=company.display_name,
                 detail={"fields": sorted(profile), "logo": bool(logo)})


@transaction.atomic
def portal_settings_update(*, changes: dict, by: User | None = None) -> PortalSettings:
    """Save the admin's switches (and only known fields); the log lists the ones that changed."""
    require_portal_schema()
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    allowed = {"customer_balances", "supplier_balances", "colleagues_allowed", *PortalSettings.SECTIONS}
    changed = {}
    for name, value in changes.items():
        if name in allowed and getattr(settings_row, name) != bool(value):
            changed[name] = bool(value)
            setattr(settings_row, name, bool(value))
    settings_row.save()
    if changed:
        audit_record(kind=Kind.SETTINGS_PROFILE, actor=by, target="switches", detail=changed)
    return settings_row


PROFILE_IMAGE_MAX_SIDE = 512


def profile_image_update(*, upload, by: User | None = None) -> PortalSettings:
    """Replace the portal's profile image (see `tenants.images.clean_png` for what is accepted);
    ImageRejected (company.errors) changes nothing."""
    require_portal_schema()
    content = clean_png(upload, max_side=PROFILE_IMAGE_MAX_SIDE)
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    previous = settings_row.profile_image
    settings_row.profile_image = png_store(content, folder=f"portals/{connection.schema_name}/perfil")
    with transaction.atomic():
        settings_row.save()
        audit_record(kind=Kind.SETTINGS_PROFILE, actor=by, target="profile_image")
    png_forget(previous, settings_row.profile_image)
    return settings_row
