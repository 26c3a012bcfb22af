from celery import shared_task
from django.conf import settings

from . import services


@shared_task(ignore_result=True)
def spare_pool_refill() -> int:
    """Keep PORTAL_SPARE_POOL_SIZE migrated spare schemas waiting (runs in the public schema)."""
    return services.spare_pool_refill(size=settings.PORTAL_SPARE_POOL_SIZE)


@shared_task(ignore_result=True)
def portals_sweep() -> dict:
    """Suspend unconfirmed portals, delete unconfirmed unused ones, drop orphan schemas."""
    from .sweep import portals_sweep as sweep

    report = sweep()
    return {"suspended": report.suspended, "deleted": report.deleted, "orphans_dropped": report.orphans_dropped}
