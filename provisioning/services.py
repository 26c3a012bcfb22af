"""Creating portals: the spare-schema pool and the "Crear Portal" service.

Running every tenant migration for each new portal grows with the migration history, so
portals are created by claiming a spare schema that a background task made in advance
(status `spare`, no domain, unreachable). Spares are ordinary Company rows, so
`portals_migrate` migrates them with every deploy. When the pool is empty the request
creates a spare synchronously and claims it. Either way a schema is made from the captured
template (tenants.schema_template), flat in the migration history, and migrated the standard
way only when no capture matches the code.
"""

import contextlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context
from redis.exceptions import LockError

from portal_core.accounts.models import normalize_email
from portal_core.accounts.services import admin_account_create
from tenants import schema_template
from tenants.models import Company, Domain, PendingSchema, new_schema_name
from tenants.queue import enqueue_on_commit
from tenants.selectors import subdomain_taken

from . import errors
from .confirmation import owner_confirm_send
from .errors import FieldError, PortalCreateError
from .limits import portal_create_limit_check, portal_create_limit_lock
from .subdomains import SubdomainError, subdomain_from_name, subdomain_variants

logger = logging.getLogger(__name__)

CLAIM_ATTEMPTS = 3
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
ERP_COMPANY_ID_MAX_LENGTH = 64
# Long enough for one spare made through the migrations; renewed after each spare, so a
# refill of many keeps it, and one whose worker was killed frees it within this time.
POOL_REFILL_LOCK_SECONDS = 120


# --- The pool ------------------------------------------------------------------------------


def spare_portal_create() -> Company:
    """Create and migrate one spare schema, then record it. Leaves nothing behind on failure.

    The row is inserted only after the schema is fully migrated, so a claim never sees a
    half-built spare. A PendingSchema marker, committed before the schema exists and removed
    with the row's insert, tells the sweeper this schema is being built (a crash leaves the
    marker to age; see `provisioning.sweep.orphan_schemas`).
    """
    schema_name = new_schema_name()
    PendingSchema.objects.create(schema_name=schema_name)
    company = Company(schema_name=schema_name, status=Company.Status.SPARE)
    try:
        schema_build(company)
        with transaction.atomic():
            company.save()
            PendingSchema.objects.filter(schema_name=schema_name).delete()
    except BaseException:
        connection.set_schema_to_public()
        if schema_exists(schema_name):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema_name)} CASCADE")
        with contextlib.suppress(DatabaseError):  # else the sweeper removes the aged marker
            PendingSchema.objects.filter(schema_name=schema_name).delete()
        raise
    return company


def schema_build(company: Company) -> None:
    """The company's new schema: from the captured template (flat in the migration history) or,
    with no capture for this code, through the migrations."""
    if not schema_template.schema_create(company.schema_name):
        company.create_schema(check_if_exists=False, verbosity=0)


def spare_pool_refill(*, size: int) -> int:
    """Create spares until `size` are waiting. Returns how many were created (0 as well when
    another refill is already running: the per-claim task and the periodic one may overlap)."""
    # A Redis lock rather than a PostgreSQL one: migrating a schema closes the DB connection.
    lock = cache.lock("provisioning:spare-pool-refill", timeout=POOL_REFILL_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        return 0
    created = 0
    try:
        schema_template.template_refresh()  # current after a deploy: one query
        while Company.objects.filter(status=Company.Status.SPARE).count() < size:
            spare_portal_create()
            created += 1
            lock.reacquire()
    except LockError:
        pass  # a spare took longer than the lock time: another refill may be running, leave it the work
    finally:
        with contextlib.suppress(LockError):
            lock.release()
    return created


# --- Crear Portal --------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    """Who posted Crear Portal on the public site. Their portals count against the daily limits
    and must have the owner email confirmed; portals made without one (operators' commands, the
    demo, test fixtures) are trusted and confirmed from the start."""

    ip: str | None  # an IPv6 client by its /64 (portal_core.activity.services.client_network)
    scheme: str = "http"
    port_suffix: str = ""  # ":8000" when the visitor came to an explicit port

    def portal_origin(self, company: Company) -> str:
        return f"{self.scheme}://{company.hostname}{self.port_suffix}"


def portal_create(
    *, name: str, email: str, password: str, erp_company_id: str | None = None,
    visitor: Visitor | None = None,
) -> Company:
    """Create a portal and its first administrator, or raise PortalCreateError and change nothing.

    For a `visitor`, the daily limits are checked before any work (PortalCreateLimited), and
    the owner is sent the email confirmation link once the portal exists."""
    name = " ".join((name or "").split())
    email = normalize_email(email)
    if visitor is not None:
        portal_create_limit_check(client_ip=visitor.ip, email=email)
    subdomain = portal_create_validate(
        name=name, email=email, password=password, erp_company_id=erp_company_id
    )
    password_hash = make_password(password)  # slow by design: computed before any lock is held
    for _attempt in range(CLAIM_ATTEMPTS):
        try:
            company = _claim_spare(
                name=name, subdomain=subdomain, email=email,
                password_hash=password_hash, erp_company_id=erp_company_id, visitor=visitor,
            )
        except IntegrityError:
            # Another request took the same subdomain (or ERP company) a moment before us.
            _raise_if_taken(subdomain=subdomain, erp_company_id=erp_company_id)
            raise
        if company is not None:
            _schedule_pool_refill()
            if visitor is not None:
                owner_confirm_send(company=company, origin=visitor.portal_origin(company))
            return company
        spare_portal_create()
    raise RuntimeError("Could not claim a spare schema")


def portal_create_validate(
    *, name: str, email: str, password: str, erp_company_id: str | None = None
) -> str:
    """Check every rule of "Crear Portal" and return the subdomain, or raise PortalCreateError
    listing every problem found (all fields at once, so the form shows them together)."""
    email = normalize_email(email)
    subdomain, name_errors = _name_checked(" ".join((name or "").split()))
    found = {field: problems for field, problems in (
        ("name", name_errors), ("email", _email_errors(email)), ("password", _password_errors(password, email)),
        ("erp_company_id", _erp_company_errors(erp_company_id))) if problems}
    if found:
        raise PortalCreateError(found)
    return subdomain


def _name_checked(name: str) -> tuple[str, list[FieldError]]:
    if not name:
        return "", [FieldError(errors.NAME_REQUIRED)]
    if len(name) > NAME_MAX_LENGTH:
        return "", [FieldError(errors.NAME_TOO_LONG)]
    try:
        subdomain = subdomain_from_name(name)
    except SubdomainError as error:
        return "", [FieldError(error.code, subdomain=error.subdomain)]
    taken = subdomain_taken_error(subdomain)
    return subdomain, [taken] if taken else []


def _email_errors(email: str) -> list[FieldError]:
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        return [FieldError(errors.EMAIL_INVALID)]
    return []


def _password_errors(password: str, email: str) -> list[FieldError]:
    try:
        # A stand-in of the first admin, so the similarity rule compares with the email (and the
        # 6-character rule of portal accounts applies, not the operators' 12).
        validate_password(password, user=get_user_model()(email=email, is_portal_admin=True))
    except ValidationError as error:
        return [FieldError(item.code, message) for item, message in zip(error.error_list, error.messages, strict=True)]
    return []


def _erp_company_errors(erp_company_id: str | None) -> list[FieldError]:
    if erp_company_id and len(erp_company_id) > ERP_COMPANY_ID_MAX_LENGTH:
        return [FieldError(errors.ERP_COMPANY_ID_INVALID)]
    if erp_company_id and Company.objects.filter(erp_company_id=erp_company_id).exists():
        return [FieldError(errors.ERP_COMPANY_HAS_PORTAL)]
    return []


def subdomain_taken_error(subdomain: str) -> FieldError | None:
    """The "taken" error, with a free variant to suggest, or None when the subdomain is free."""
    if not subdomain_taken(subdomain):
        return None
    return FieldError(errors.NAME_TAKEN, subdomain=subdomain, suggestion=subdomain_suggestion(subdomain))


def subdomain_suggestion(subdomain: str) -> str:
    """The first free `name-N` variant of a taken subdomain."""
    for candidate in subdomain_variants(subdomain):
        if not subdomain_taken(candidate):
            return candidate
    raise AssertionError("unreachable")


def _raise_if_taken(*, subdomain: str, erp_company_id: str | None) -> None:
    taken = subdomain_taken_error(subdomain)
    if taken:
        raise PortalCreateError({"name": [taken]})
    if erp_company_id and Company.objects.filter(erp_company_id=erp_company_id).exists():
        raise PortalCreateError({"erp_company_id": [FieldError(errors.ERP_COMPANY_HAS_PORTAL)]})


@transaction.atomic
def _claim_spare(
    *, name: str, subdomain: str, email: str, password_hash: str, erp_company_id: str | None,
    visitor: Visitor | None,
) -> Company | None:
    if visitor is not None:
        portal_create_limit_lock(client_ip=visitor.ip, email=email)
    company = (
        Company.objects.select_for_update(skip_locked=True)
        .filter(status=Company.Status.SPARE, slug=None)
        .exclude(Exists(Domain.objects.filter(tenant=OuterRef("pk"))))
        .order_by("id")
        .first()
    )
    if company is None:
        return None
    company.name = name
    company.slug = subdomain
    company.status = Company.Status.ACTIVE
    company.owner_email = email
    company.erp_company_id = erp_company_id or None
    company.activated_at = timezone.now()
    company.created_from_ip = visitor.ip if visitor is not None else None
    company.owner_email_confirmed_at = None if visitor is not None else company.activated_at
    company.save()
    Domain.objects.create(domain=company.hostname, tenant=company, is_primary=True)
    with tenant_context(company):
        admin_account_create(email=email, password_hash=password_hash)
    return company


def _schedule_pool_refill() -> None:
    from .tasks import spare_pool_refill as refill_task

    # The broker being down must not fail a created portal; the periodic refill catches up.
    enqueue_on_commit(refill_task)
