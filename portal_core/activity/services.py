"""Registro de actividad: the services that change access, settings or keys (and the views
that hand out exports) call `audit_record` inside their own transaction, so a change that
rolls back leaves no row and a committed one always has its row. Never from a signal.

Who acted comes as an argument; from where (the client's IP, as the trusted proxies report
it) comes from the request being served, which `AuditContextMiddleware` makes known here, so
services do not take the request. Work done by Celery has no IP.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from portal_core.activity.middleware import current_ip
from portal_core.models import AuditEvent

Kind = AuditEvent.Kind


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
        ip=ip or current_ip(), target=str(target)[:300], detail=detail or {})


def audit_prune(*, now=None) -> int:
    """Delete rows older than AUDIT_RETENTION_DAYS (beat, daily, per portal)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
