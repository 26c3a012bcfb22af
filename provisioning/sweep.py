"""The portals sweep (hourly beat task, and `manage.py portals_sweep [--dry-run]`).

1. Suspends (reason "unconfirmed") active portals whose owner email is still unconfirmed
   PORTAL_CONFIRM_DAYS after Crear Portal.
2. Deletes, schema and stored files, the portals still unconfirmed PORTAL_UNUSED_DELETE_DAYS
   after Crear Portal that were never used (`portal_never_used`). A portal an operator
   suspended is left to the operator.
3. Drops the `p_<hex>` schemas a crashed process left half-made: no Company row, and no
   PendingSchema marker younger than PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES. Every build commits
   its marker before the schema exists and removes it in the transaction that inserts the
   row, so one statement that sees neither names only schemas nobody is building (see
   `provisioning.services.spare_portal_create`; this holds for the refill, which has a Redis
   lock, for the synchronous path of Crear Portal, which has none, and for `portal_import`,
   whose files folder goes with the schema).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants import services as tenant_services
from tenants.models import GENERATED_SCHEMA_NAME, Company, EmailSettings, PendingSchema

logger = logging.getLogger(__name__)

# Tables whose rows do not make a portal "used": what migrations fill in, what logging in
# writes, the platform's own emails, and what anonymous visitors can cause (a stranger must not
# keep a portal alive by posting its forms).
NOT_USE_MODELS = (
    ("contenttypes", "ContentType"), ("auth", "Permission"), ("sessions", "Session"),
    ("axes", "AccessAttempt"), ("axes", "AccessAttemptExpiration"), ("axes", "AccessFailureLog"),
    ("axes", "AccessLog"), ("portal_core", "AuditEvent"), ("portal_core", "OutboxMessage"),
    ("portal_core", "AccessIntake"), ("portal_core", "RegistrationRequest"),
)
PROFILE_FIELDS = ("legal_name", "trade_name", "tax_id", "address", "logo")


@dataclass
class SweepReport:
    suspended: list[str] = field(default_factory=list)  # subdomains
    deleted: list[str] = field(default_factory=list)  # subdomains
    orphans_dropped: list[str] = field(default_factory=list)  # schema names
    markers_removed: list[str] = field(default_factory=list)  # schema names of stale markers


def portals_sweep(*, dry_run: bool = False, now: datetime | None = None) -> SweepReport:
    """Run the three steps (see the module docstring); with `dry_run`, only say what they would do."""
    now = now or timezone.now()
    connection.set_schema_to_public()
    report = SweepReport()
    if dry_run:
        report.deleted = [company.slug for company in portals_to_delete(now=now)]
    else:  # each checked once, under its lock, as it is deleted
        report.deleted = [company.slug for company in _deletable(now).order_by("id")
                          if unused_portal_delete(company_id=company.pk, now=now)]
    to_suspend = portals_to_suspend(now=now).exclude(slug__in=report.deleted)
    report.suspended = list(to_suspend.values_list("slug", flat=True))
    if not dry_run and report.suspended:
        Company.objects.filter(slug__in=report.suspended, status=Company.Status.ACTIVE,
                               owner_email_confirmed_at=None).update(
            status=Company.Status.SUSPENDED, suspended_reason=Company.SuspendedReason.UNCONFIRMED)
        logger.warning("Portals suspended, owner email unconfirmed: %s", ", ".join(report.suspended))
    report.orphans_dropped = orphan_schemas(now=now)
    report.markers_removed = stale_markers(now=now)
    if not dry_run:
        for schema_name in report.orphans_dropped:
            orphan_schema_drop(schema_name=schema_name)
        PendingSchema.objects.filter(schema_name__in=report.markers_removed + report.orphans_dropped).delete()
    return report


def _unconfirmed_since(days: int, now: datetime):
    return (Company.objects.exclude(schema_name=get_public_schema_name()).exclude(status=Company.Status.SPARE)
            .filter(owner_email_confirmed_at=None, activated_at__lte=now - timedelta(days=days)))


def portals_to_suspend(*, now: datetime):
    return _unconfirmed_since(settings.PORTAL_CONFIRM_DAYS, now).filter(status=Company.Status.ACTIVE)


def _deletable(now: datetime):
    return _unconfirmed_since(settings.PORTAL_UNUSED_DELETE_DAYS, now).filter(
        Q(status=Company.Status.ACTIVE) | Q(suspended_reason=Company.SuspendedReason.UNCONFIRMED))


def portals_to_delete(*, now: datetime) -> list[Company]:
    return [company for company in _deletable(now).order_by("id") if portal_never_used(company)]


def unused_portal_delete(*, company_id: int, now: datetime) -> bool:
    """Delete one portal found unconfirmed and unused, checking both again under its row lock
    (an owner confirming right now takes the same lock; one who started using it shows in the
    check), in the transaction that drops the schema. Its files go after the commit."""
    with transaction.atomic():
        company = _deletable(now).select_for_update().filter(pk=company_id).first()
        if company is None or not portal_never_used(company):
            return False
        company.delete(force_drop=True)
    tenant_services.portal_files_delete(slug=company.slug, schema_name=company.schema_name)
    logger.warning("Portal %s deleted: owner email unconfirmed and never used since %s",
                   company.slug, company.activated_at)
    return True


def portal_never_used(company: Company) -> bool:
    """Nothing beyond what Crear Portal made. Precisely: no company profile, logo or email
    settings; and in its schema, at most one account (the first admin) and no row in any
    other table but those of NOT_USE_MODELS and django_migrations. So an ERP API key (even
    revoked), synced parties or documents, a second account, an invitation, a changed portal
    setting or profile image, two-factor set up: each makes the portal used. A table added
    later counts as use until someone decides otherwise here."""
    if any(getattr(company, name) for name in PROFILE_FIELDS):
        return False
    if EmailSettings.objects.filter(company_id=company.pk).exists():
        return False
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    ignored = {apps.get_model(app, model)._meta.db_table for app, model in NOT_USE_MODELS}
    ignored |= {MigrationRecorder.Migration._meta.db_table, user_table}
    quote = connection.ops.quote_name
    schema = quote(company.schema_name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                       " WHERE n.nspname = %s AND c.relkind IN ('r', 'p')", [company.schema_name])
        tables = [name for (name,) in cursor.fetchall() if name not in ignored]
        # One statement: a second account, or any row in any other table.
        cursor.execute(f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {schema}.{quote(user_table)} LIMIT 2) AS a) > 1"
                       + "".join(f" OR EXISTS (SELECT 1 FROM {schema}.{quote(table)})" for table in tables))
        return not cursor.fetchone()[0]


def orphan_schemas(*, now: datetime) -> list[str]:
    """Generated-name schemas with no Company row and no marker of a build still in time.
    One statement, so one snapshot: a build in progress shows its marker or its row."""
    grace = now - timedelta(minutes=settings.PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES)
    companies, markers = (connection.ops.quote_name(model._meta.db_table) for model in (Company, PendingSchema))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n.nspname FROM pg_namespace n WHERE n.nspname ~ %s"
            f" AND NOT EXISTS (SELECT 1 FROM {companies} c WHERE c.schema_name = n.nspname)"
            f" AND NOT EXISTS (SELECT 1 FROM {markers} m"
            f"                 WHERE m.schema_name = n.nspname AND m.started_at > %s)"
            " ORDER BY n.nspname",
            [f"^{GENERATED_SCHEMA_NAME.pattern}$", grace])
        return [name for (name,) in cursor.fetchall() if GENERATED_SCHEMA_NAME.fullmatch(name)]


def stale_markers(*, now: datetime) -> list[str]:
    """Markers of builds that ended without their schema (a crash before CREATE SCHEMA)."""
    grace = now - timedelta(minutes=settings.PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES)
    markers = connection.ops.quote_name(PendingSchema._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.schema_name FROM {markers} m WHERE m.started_at <= %s"
                       " AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = m.schema_name)"
                       " ORDER BY m.schema_name", [grace])
        return [name for (name,) in cursor.fetchall()]


def orphan_schema_drop(*, schema_name: str) -> None:
    if not GENERATED_SCHEMA_NAME.fullmatch(schema_name) or Company.objects.filter(schema_name=schema_name).exists():
        raise ValueError(f"{schema_name} is not an orphan schema")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema_name)} CASCADE")
    # An import saves the portal's files before its row exists (provisioning.portability).
    tenant_services.portal_files_delete(slug=None, schema_name=schema_name)
    logger.warning("Orphan schema %s dropped (left half-made by a crashed process)", schema_name)
