import logging

from portal_core.access import services as access
from portal_core.activity import services as audit
from portal_core.erp.events import events_prune
from portal_core.mail.services import outbox_prune
from portal_core.notifications.services import notifications_prune
from tenants.tasks import tenant_task

log = logging.getLogger(__name__)


@tenant_task(name="portal_core.invitation_batch_run")
def invitation_batch_run(batch_id: int) -> None:
    access.invitation_batch_run(batch_id=batch_id)


@tenant_task(name="portal_core.access_intake_process")
def access_intake_process(intake_id: int) -> None:
    access.intake_process(intake_id=intake_id)


class PruneIncomplete(RuntimeError):
    """Some steps of the daily prune failed (each logged); the others ran."""


# Each forgets a different table: one that fails leaves the others to run.
PRUNE_STEPS = (audit.audit_prune, events_prune, notifications_prune, outbox_prune,
               access.registrations_expired_delete)


@tenant_task(name="portal_core.access_prune")
def access_prune() -> None:
    """Daily, per portal (beat): the activity log, the ERP's event feed, notifications and sent
    emails past their retention, expired unverified requests. A step that fails is logged and
    the rest still run; the task then fails, naming them, so it is counted as failed."""
    failed = []
    for step in PRUNE_STEPS:
        try:
            step()
        except Exception:
            log.exception("daily prune: %s failed; the other steps still run", step.__name__)
            failed.append(step.__name__)
    if failed:
        raise PruneIncomplete(", ".join(failed))
