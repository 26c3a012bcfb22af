"""Writes on a portal's accounts and integration settings. Called with the portal's schema active."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from portal_core.accounts.models import User, normalize_email
from portal_core.activity.services import Kind, audit_record
from portal_core.models import AccountLink, ApiKey, Customer, PortalSettings, Supplier
from tenants import services as tenant_services
from tenants.images import ImageRejected, clean_png, png_forget, png_store  # noqa: F401 (ImageRejected: raised from here)

API_KEY_PREFIX = "pcp"


def _require_portal_schema() -> None:
    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("Portal data is written inside a portal schema, not the public one")


def admin_account_create(*, email: str, password_hash: str) -> User:
    """Create the portal's administrator account.

    Takes an already computed hash so callers can run the (deliberately slow) Argon2 hash
    before they open a transaction, keeping locks short.
    """
    _require_portal_schema()
    return User.objects.create(email=normalize_email(email), password=password_hash, is_portal_admin=True)


@transaction.atomic
def party_account_create(
    *, email: str, password: str, customer: Customer | None = None, supplier: Supplier | None = None
) -> User:
    """An active account that sees the documents of its customer and/or supplier."""
    _require_portal_schema()
    if customer is None and supplier is None:
        raise ValueError("A party account needs a customer or a supplier")
    user = User.objects.create(email=normalize_email(email), password=make_password(password))
    AccountLink.objects.create(user=user, customer=customer, supplier=supplier)
    return user


@transaction.atomic
def api_key_create(*, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key for the ERP. Returns the stored key and the secret, which is never stored
    nor shown again."""
    _require_portal_schema()
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name.strip() or "ERP", prefix=prefix, key_hash=ApiKey.hash_secret(secret), created_by=created_by
    )
    audit_record(kind=Kind.API_KEY_CREATED, actor=created_by, target=f"{api_key.name} ({prefix})")
    return api_key, secret


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User | None = None) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(kind=Kind.API_KEY_REVOKED, actor=by, target=f"{api_key.name} ({api_key.prefix})")
    return api_key


@transaction.atomic
def email_settings_save(*, company, by: User, **arguments) -> None:
    """Envío de email saved (tenants.services does the storing); the log names the fields, never
    the password."""
    tenant_services.email_settings_update(company=company, **arguments)
    audit_record(kind=Kind.SETTINGS_EMAIL, actor=by, target=arguments.get("host", ""), detail={
        "fields": sorted(name for name in arguments if name != "password"),
        "password_changed": bool(arguments.get("password"))})


@transaction.atomic
def company_settings_save(*, company, by: User, logo=None, **profile) -> None:
    """Empresa saved: the profile, and the logo when one was uploaded (ImageRejected leaves
    everything as it was)."""
    if logo:
        tenant_services.company_logo_update(company=company, upload=logo)
    tenant_services.company_profile_update(company=company, **profile)
    audit_record(kind=Kind.SETTINGS_COMPANY, actor=by, target=company.display_name,
                 detail={"fields": sorted(profile), "logo": bool(logo)})


@transaction.atomic
def portal_settings_update(*, changes: dict, by: User | None = None) -> PortalSettings:
    """Save the admin's switches (and only known fields); the log lists the ones that changed."""
    _require_portal_schema()
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    allowed = {"customer_balances", "supplier_balances", *PortalSettings.SECTIONS}
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
    """Replace the portal's profile image (see `tenants.images.clean_png` for what is accepted)."""
    _require_portal_schema()
    content = clean_png(upload, max_side=PROFILE_IMAGE_MAX_SIDE)
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    previous = settings_row.profile_image
    settings_row.profile_image = png_store(content, folder=f"portals/{connection.schema_name}/perfil")
    with transaction.atomic():
        settings_row.save()
        audit_record(kind=Kind.SETTINGS_PROFILE, actor=by, target="profile_image")
    png_forget(previous, settings_row.profile_image)
    return settings_row


LAST_USED_RESOLUTION = timedelta(minutes=1)
PDF_MAGIC = b"%PDF-"


class NotAPdf(ValueError):
    pass


def document_pdf_attach(*, document, content: bytes) -> None:
    """Keep the ERP's own PDF of a document; the portal serves it instead of rendering one."""
    _require_portal_schema()
    if not content.startswith(PDF_MAGIC):
        raise NotAPdf("not a PDF")
    digest = hashlib.sha256(content).hexdigest()[:16]
    table = document._meta.db_table
    path = default_storage.save(f"portals/{connection.schema_name}/pdf/erp/{table}/{document.pk}-{digest}.pdf",
                                ContentFile(content))
    previous = document.erp_pdf
    type(document).objects.filter(pk=document.pk).update(erp_pdf=path)
    if previous and previous != path:
        default_storage.delete(previous)


def document_pdf_detach(*, document) -> None:
    """Forget the ERP's PDF: the portal renders its own again."""
    if document.erp_pdf:
        default_storage.delete(document.erp_pdf)
        type(document).objects.filter(pk=document.pk).update(erp_pdf="")


def api_key_record_use(*, api_key: ApiKey) -> None:
    """Note when a key was last used, at most once a minute to keep requests free of writes."""
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
