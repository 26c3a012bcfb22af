"""Operator actions on existing portals."""

import logging
import os
import re
import shutil

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from .crypto import encrypt
from .images import clean_png, png_forget, png_store
from .models import Company, EmailSettings

logger = logging.getLogger(__name__)


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
    """The operator's suspension: only the operator lifts it (confirming the email does not)."""
    company.status = Company.Status.SUSPENDED
    company.suspended_reason = Company.SuspendedReason.OPERATOR
    company.save(update_fields=["status", "suspended_reason"])
    return company


def portal_reactivate(*, company: Company) -> Company:
    """Lift any suspension. An operator who reactivates a portal vouches for it, as for the
    portals operators create: it counts as confirmed, so the sweep does not suspend it again."""
    company.status = Company.Status.ACTIVE
    company.suspended_reason = ""
    company.owner_email_confirmed_at = company.owner_email_confirmed_at or timezone.now()
    company.save(update_fields=["status", "suspended_reason", "owner_email_confirmed_at"])
    return company


PORTAL_FOLDER = re.compile(r"portals/[a-z0-9_]+/")


def portal_files_folder(schema_name: str) -> str:
    """The folder of default storage that holds every file of a portal: generated PDFs and
    ZIPs, the profile image, the company logo (all written under `portals/<schema>/`)."""
    return f"portals/{schema_name}/"


def portal_delete(*, company: Company) -> None:
    """Delete a portal completely: its schema, domains and row, then its stored files.
    Irreversible. The files go after the commit, so a failed drop leaves a whole portal."""
    if company.is_public or not company.schema_name:
        raise ValueError("The public schema cannot be deleted")
    schema_name = company.schema_name
    with transaction.atomic():
        company.delete(force_drop=True)
    portal_files_delete(slug=company.slug, schema_name=schema_name)


def portal_files_delete(*, slug: str | None, schema_name: str) -> None:
    """After the portal's rows are gone: its stored files. A storage failure is logged with
    what is left behind, never raised (the portal is already deleted; a sweep must go on)."""
    try:
        removed = storage_folder_delete(portal_files_folder(schema_name))
    except Exception:
        logger.exception("Portal %s deleted, but not its files: remove %s by hand", slug,
                         portal_files_folder(schema_name))
        return
    logger.info("Portal %s deleted (schema %s, %s stored files)", slug, schema_name, removed)


def storage_folder_delete(folder: str) -> int:
    """Delete every file under `folder` of default storage; returns how many. FileSystemStorage:
    the directory tree. S3: the objects listed under the prefix, deleted in batches."""
    storage = storages["default"]
    folder = folder.rstrip("/") + "/"
    if not PORTAL_FOLDER.fullmatch(folder):  # never the storage's root or another tree
        raise ValueError(f"{folder!r} is not a portal's files folder")
    if hasattr(storage, "bucket"):  # django-storages S3Storage
        objects = storage.bucket.objects.filter(Prefix=storage._normalize_name(folder))
        keys = [{"Key": item.key} for item in objects]
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            answer = storage.bucket.delete_objects(Delete={"Objects": keys[start:start + 1000], "Quiet": True})
            if answer.get("Errors"):
                raise OSError(f"S3 kept {len(answer['Errors'])} objects under {folder}: {answer['Errors'][0]}")
        return len(keys)
    path = storage.path(folder)  # FileSystemStorage
    if not os.path.isdir(path):
        return 0
    count = sum(len(files) for _root, _dirs, files in os.walk(path))
    shutil.rmtree(path)
    return count

