from portal_core.models import AccountLink
from tenants.fanout import due_when
from tenants.tasks import tenant_task

from . import selectors, services
from .models import Delivery


@tenant_task(name="portal_core.notifications_send")
def notifications_send() -> int:
    """Immediate notifications into emails: queued after each sync batch that recorded some, and
    every minute by beat for any the broker lost."""
    return services.notifications_send(delivery=Delivery.IMMEDIATE)


@tenant_task(name="portal_core.notifications_daily")
def notifications_daily() -> int:
    """Once a day per portal (beat): due-soon and overdue notifications, then the daily digests."""
    return services.due_dates_run()


due_when("portal_core.notifications_send", lambda: [selectors.pending(delivery=Delivery.IMMEDIATE)])
# Only portals where some account could get one.
due_when("portal_core.notifications_daily", lambda: [AccountLink.objects.filter(user__is_active=True)])
