"""The ERP's event feed (`GET /api/v1/events/?after=`): services record what the ERP should
learn about, in the transaction of the change, so a change that rolls back leaves no event and
a committed one always has its event. Never from a signal."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal_core.models import ErpEvent

Kind = ErpEvent.Kind


def event_record(*, kind: str, resource: str = "", external_id: str = "", data: dict | None = None) -> ErpEvent:
    """One event. The lock (per portal's schema, released at commit) makes ids commit in the
    order they are handed out: a reader paging with `after=<last id seen>` never misses one."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return event_record(kind=kind, resource=resource, external_id=external_id, data=data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('erp_events.' || current_schema()))")
    return ErpEvent.objects.create(kind=kind, occurred_at=timezone.now(), resource=resource,
                                   external_id=str(external_id)[:100], data=data or {})


def events_prune(*, now=None) -> int:
    """Delete events older than ERP_EVENTS_RETENTION_DAYS (beat, daily, per portal, with the
    activity log): an ERP that pulls at least that often has read them all."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ERP_EVENTS_RETENTION_DAYS)
    deleted, _ = ErpEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
