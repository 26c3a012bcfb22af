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
from portal_core.models import AccountLink, ApiKey, Customer, PortalSettings, Supplier
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


def api_key_create(*, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key for the ERP. Returns the stored key and the secret, which is never stored
    nor shown again."""
    _require_portal_schema()
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name.strip() or "ERP", prefix=prefix, key_hash=ApiKey.hash_secret(secret), created_by=created_by
    )
    return api_key, secret


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def portal_settings_update(*, changes: dict) -> PortalSettings:
    """Save the admin's switches (and only known fields)."""
    _require_portal_schema()
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    allowed = {"customer_balances", "supplier_balances", *PortalSettings.SECTIONS}
    for name, value in changes.items():
        if name in allowed:
            setattr(settings_row, name, bool(value))
    settings_row.save()
    return settings_row


PROFILE_IMAGE_MAX_SIDE = 512


def profile_image_update(*, upload) -> PortalSettings:
    """Replace the portal's profile image (see `tenants.images.clean_png` for what is accepted)."""
    _require_portal_schema()
    content = clean_png(upload, max_side=PROFILE_IMAGE_MAX_SIDE)
    settings_row = PortalSettings.objects.order_by("id").first() or PortalSettings()
    previous = settings_row.profile_image
    settings_row.profile_image = png_store(content, folder=f"portals/{connection.schema_name}/perfil")
    settings_row.save()
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
