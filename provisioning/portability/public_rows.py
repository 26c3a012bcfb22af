"""The portal's rows of the public schema: its Company, Domain and EmailSettings.

The SMTP password travels as the ciphertext it is stored as, never decrypted: the target
platform reads it only if one of its FIELD_ENCRYPTION_KEYS is the key that encrypted it (add
the source's key after the target's own; see tenants.crypto), else the portal admin enters the
password again on "Envío de email".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core import serializers

from tenants.models import Company, Domain, EmailSettings


@dataclass
class PublicRows:
    company: Company
    domains: list[Domain] = field(default_factory=list)
    email_settings: EmailSettings | None = None


def public_rows_export(*, company_id: int, path: Path) -> None:
    rows = [Company.objects.get(pk=company_id), *Domain.objects.filter(tenant_id=company_id).order_by("id"),
            *EmailSettings.objects.filter(company_id=company_id)]
    # The python serializer and our own JSON: Django's JSON encoder rounds times to milliseconds.
    path.write_text(json.dumps(serializers.serialize("python", rows), indent=1, default=_iso))


def _iso(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not serializable")


def public_rows_read(path: Path) -> PublicRows:
    """The archive's rows, unsaved (ValueError when they are not one company's)."""
    data = json.loads(path.read_text())
    objects = [item.object for item in serializers.deserialize("python", data, ignorenonexistent=True)]
    companies = [item for item in objects if isinstance(item, Company)]
    if len(companies) != 1:
        raise ValueError(f"{len(companies)} companies in the archive")
    settings_rows = [item for item in objects if isinstance(item, EmailSettings)]
    return PublicRows(company=companies[0], domains=[item for item in objects if isinstance(item, Domain)],
                      email_settings=settings_rows[0] if settings_rows else None)


def public_rows_restore(*, rows: PublicRows, schema_name: str, slug: str, old_folder: str,
                        new_folder: str) -> tuple[Company, list[str]]:
    """Insert the portal's rows for its new schema and subdomain, with one primary domain at
    `<slug>.<PORTAL_BASE_DOMAIN>`. Returns the company and what could not be kept as it was."""
    notes = []
    company = rows.company
    created_at = company.created_at
    company.pk, company.schema_name, company.slug = None, schema_name, slug
    if company.logo.startswith(old_folder):
        company.logo = new_folder + company.logo[len(old_folder):]
    if company.erp_company_id and Company.objects.filter(erp_company_id=company.erp_company_id).exists():
        notes.append(f"erp_company_id {company.erp_company_id} belongs to another portal here: not kept")
        company.erp_company_id = None
    company.save(force_insert=True)
    Company.objects.filter(pk=company.pk).update(created_at=created_at)  # auto_now_add set it to now
    company.created_at = created_at
    Domain.objects.create(domain=company.hostname, tenant=company, is_primary=True)
    notes += [f"domain {domain.domain} not restored (only {company.hostname} is made)"
              for domain in rows.domains if not domain.is_primary]
    if rows.email_settings is not None:
        email_settings, updated_at = rows.email_settings, rows.email_settings.updated_at
        email_settings.pk, email_settings.company = None, company
        email_settings.save(force_insert=True)
        EmailSettings.objects.filter(pk=email_settings.pk).update(updated_at=updated_at)
    return company, notes
