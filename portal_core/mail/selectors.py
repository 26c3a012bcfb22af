from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal_core.models import (
    OutboxMessage,
)
from tenants.mail import email_settings_for


def outbox_unsent_counts() -> dict[str, int]:
    """How many emails wait (pending) and how many failed their last attempt (error)."""
    counts = dict(OutboxMessage.objects.filter(status__in=OutboxMessage.UNSENT).values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in OutboxMessage.UNSENT}


def outbox_recent(*, limit: int = 50):

    return OutboxMessage.objects.order_by("-created_at").defer("body_text", "body_html")[:limit]


def company_email_configured() -> bool:
    return email_settings_for(connection.tenant) is not None


def outbox_due(*, now=None) -> QuerySet[OutboxMessage]:
    """What the sweep sends: due messages, not the ones their own task is about to send."""
    now = now or timezone.now()
    # A message queued a moment ago is left to its own task; the sweep takes it after this.
    settled = Q(attempts__gt=0) | Q(created_at__lte=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS))
    # CLAIMABLE: a message whose claim expired (its worker died mid-send) is due again.
    return OutboxMessage.objects.filter(settled, status__in=OutboxMessage.CLAIMABLE, next_attempt_at__lte=now)


def outbox_due_ids(*, now=None) -> list[int]:
    return list(outbox_due(now=now).order_by("next_attempt_at").values_list("pk", flat=True)[:500])
