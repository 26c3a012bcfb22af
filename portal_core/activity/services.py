"""Registro de actividad: the services that change access, settings or keys (and the views
that hand out exports) call `audit_record` inside their own transaction, so a change that
rolls back leaves no row and a committed one always has its row. Never from a signal.

Who acted comes as an argument; from where (the client's IP, as the trusted proxies report
it) comes from the request being served, which `AuditContextMiddleware` makes known here, so
services do not take the request. Work done by Celery has no IP.
"""

import ipaddress
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from portal_core.models import AuditEvent

Kind = AuditEvent.Kind

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address as the trusted proxies report it (django-axes' resolver, which calls
    portal_core.accounts.lockout.client_ip_address: TRUSTED_PROXY_COUNT / TRUSTED_PROXY_IPS),
    the one every lockout, limit and log row counts."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def client_network(ip: str | None) -> str | None:
    """What per-client limits count: an IPv4 address as it is, an IPv6 one by its /64 (one
    subscriber gets a whole /64, and could rotate through its 2^64 addresses)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def current_ip() -> str | None:
    """The client IP of the request being served (None in Celery tasks and commands)."""
    return _client_ip.get()


def audit_record(*, kind: str, actor=None, actor_email: str = "", target: str = "", detail: dict | None = None,
                 ip: str | None = None) -> AuditEvent | None:
    """One row of the portal's activity log. `actor` is the account that acted (None for
    someone not logged in: then `actor_email` says who they said they were). `ip` defaults to
    the request's; a task passes the one its work was asked from."""
    if connection.schema_name == get_public_schema_name():
        return None  # operators' own actions are Django admin's LogEntry
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        kind=kind, actor=actor, actor_email=(actor.email if actor is not None else actor_email)[:254],
        ip=ip or _client_ip.get(), target=str(target)[:300], detail=detail or {})


def audit_prune(*, now=None) -> int:
    """Delete rows older than AUDIT_RETENTION_DAYS (beat, daily, per portal)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
