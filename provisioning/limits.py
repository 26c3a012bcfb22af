"""How many portals the public site creates: in all per hour, and per client and per owner
mailbox per day.

Counted in PostgreSQL from the Company rows themselves (`created_from_ip`, `owner_email`,
`activated_at`) over a rolling day: exact, durable across restarts, independent of Redis, and
only portals actually created count (a post that fails validation costs nothing). A portal
deleted since no longer counts. The check runs before any work (hashing, claiming a spare)
and again inside the claim's transaction under advisory locks on the IP and the email, so
concurrent posts cannot overshoot the limit.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tenants.models import Company

from . import errors
from .errors import PortalCreateLimited

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=1)
# Advisory-lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_LOCK_IP, _LOCK_EMAIL = 5101, 5102


def portal_create_limit_check(*, client_ip: str | None, email: str) -> None:
    """Raise PortalCreateLimited when the public site already created PORTAL_CREATES_PER_HOUR
    portals this hour, or this client (an IPv6 one by its /64) or this owner's mailbox the most
    a day allows. `client_ip` None (an address nobody could resolve) only skips the per-client
    count."""
    now = timezone.now()
    from_site = Company.objects.exclude(status=Company.Status.SPARE).filter(created_from_ip__isnull=False)
    if from_site.filter(activated_at__gte=now - timedelta(hours=1)).count() >= settings.PORTAL_CREATES_PER_HOUR:
        logger.warning("Crear Portal refused: PORTAL_CREATES_PER_HOUR (%s) reached", settings.PORTAL_CREATES_PER_HOUR)
        raise PortalCreateLimited(errors.TOO_MANY_NOW)
    recent = Company.objects.exclude(status=Company.Status.SPARE).filter(activated_at__gte=now - WINDOW)
    if client_ip and recent.filter(created_from_ip=client_ip).count() >= settings.PORTAL_CREATES_PER_IP_PER_DAY:
        raise PortalCreateLimited(errors.TOO_MANY_FROM_IP)
    if recent.filter(same_mailbox(email)).count() >= settings.PORTAL_CREATES_PER_EMAIL_PER_DAY:
        raise PortalCreateLimited(errors.TOO_MANY_FOR_EMAIL)


def mailbox(email: str) -> str:
    """`ana@x.com` for `ana+portal2@x.com`: the inbox an address reaches."""
    local, _at, domain = email.partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def same_mailbox(email: str) -> Q:
    """Owner emails that reach the same inbox as `email` (already lower-case): its `+tag`
    variants (`ana+1@x.com`, `ana+2@x.com` are `ana@x.com`)."""
    base, _at, domain = mailbox(email).partition("@")
    return Q(owner_email__regex=rf"^{re.escape(base)}(\+[^@]*)?@{re.escape(domain)}$")


def portal_create_limit_lock(*, client_ip: str | None, email: str) -> None:
    """Inside the claim's transaction: serialize creations from this IP and for this email
    (always in this order, so two posts cannot deadlock), then check again."""
    with connection.cursor() as cursor:
        if client_ip:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_IP, client_ip])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_EMAIL, mailbox(email)])
    portal_create_limit_check(client_ip=client_ip, email=email)

