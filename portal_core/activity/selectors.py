from django.db.models import Q, QuerySet

from portal_core.models import (
    AuditEvent,
)


def audit_events(*, since=None, until=None, person: str = "", kind: str = "") -> QuerySet[AuditEvent]:
    """The portal's activity log, newest first. `until` is inclusive (a date)."""
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    if person:
        events = events.filter(Q(actor_email__icontains=person) | Q(target__icontains=person))
    if kind:
        events = events.filter(kind=kind)
    return events
