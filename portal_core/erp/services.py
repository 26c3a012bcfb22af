"""Writes on a portal's accounts and integration settings. Called with the portal's schema active."""

import hashlib
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record
from portal_core.erp.errors import ErpError
from portal_core.models import ApiKey
from portal_core.tenancy import require_portal_schema

API_KEY_PREFIX = "pcp"


@transaction.atomic
def api_key_create(*, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key for the ERP. Returns the stored key and the secret, which is never stored
    nor shown again."""
    require_portal_schema()
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


LAST_USED_RESOLUTION = timedelta(minutes=1)
PDF_MAGIC = b"%PDF-"


def document_pdf_attach(*, document, content: bytes) -> None:
    """Keep the ERP's own PDF of a document; the portal serves it instead of rendering one.
    Content that is not a PDF raises ErpError NOT_A_PDF."""
    require_portal_schema()
    if not content.startswith(PDF_MAGIC):
        raise ErpError(ErpError.NOT_A_PDF)
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
