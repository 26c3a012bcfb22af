from portal_core.access import services as access
from portal_core.activity import services as audit
from portal_core.erp.events import events_prune
from portal_core.mail.services import outbox_prune
from portal_core.notifications.services import notifications_prune
from tenants.tasks import tenant_task


@tenant_task(name="portal_core.invitation_batch_run")
def invitation_batch_run(batch_id: int) -> None:
    access.invitation_batch_run(batch_id=batch_id)


@tenant_task(name="portal_core.access_intake_process")
def access_intake_process(intake_id: int) -> None:
    access.intake_process(intake_id=intake_id)


@tenant_task(name="portal_core.access_prune")
def access_prune() -> None:
    """Daily, per portal (beat): the activity log, the ERP's event feed, notifications and sent
    emails past their retention, expired unverified requests."""
    audit.audit_prune()
    events_prune()
    notifications_prune()
    outbox_prune()
    access.registrations_expired_delete()
