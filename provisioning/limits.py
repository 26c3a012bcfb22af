"""How many portals the public site lets one client, and one owner email, create.

Counted in PostgreSQL from the Company rows themselves (`created_from_ip`, `owner_email`,
`activated_at`) over a rolling day: exact, durable across restarts, independent of Redis, and
only portals actually created count (a post that fails validation costs nothing). A portal
deleted since no longer counts. The check runs before any work (hashing, claiming a spare)
and again inside the claim's transaction under advisory locks on the IP and the email, so
concurrent posts cannot overshoot the limit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tenants.models import Company

from . import errors
from .errors import PortalCreateLimited

WINDOW = timedelta(days=1)
# Advisory-lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_LOCK_IP, _LOCK_EMAIL = 5101, 5102


def portal_create_limit_check(*, client_ip: str | None, email: str) -> None:
    """Raise PortalCreateLimited when this client or this owner email already created the most
    portals a day allows. `client_ip` None (an address nobody could resolve) only skips the
    per-IP count; the per-email one still applies."""
    since = timezone.now() - WINDOW
    recent = Company.objects.exclude(status=Company.Status.SPARE).filter(activated_at__gte=since)
    if client_ip and recent.filter(created_from_ip=client_ip).count() >= settings.PORTAL_CREATES_PER_IP_PER_DAY:
        raise PortalCreateLimited(errors.TOO_MANY_FROM_IP)
    if recent.filter(owner_email=email).count() >= settings.PORTAL_CREATES_PER_EMAIL_PER_DAY:
        raise PortalCreateLimited(errors.TOO_MANY_FOR_EMAIL)


def portal_create_limit_lock(*, client_ip: str | None, email: str) -> None:
    """Inside the claim's transaction: serialize creations from this IP and for this email
    (always in this order, so two posts cannot deadlock), then check again."""
    with connection.cursor() as cursor:
        if client_ip:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_IP, client_ip])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_EMAIL, email])
    portal_create_limit_check(client_ip=client_ip, email=email)

