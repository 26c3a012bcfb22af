import logging

from portal_core.access import services as access
from portal_core.mail import selectors, services
from portal_core.models import OutboxMessage
from tenants.fanout import due_when
from tenants.tasks import tenant_task

log = logging.getLogger(__name__)


@tenant_task(name="portal_core.outbox_send", bind=True, max_retries=None)
def outbox_send(self, message_id: int) -> str:
    """Send one stored email; a failure is retried when the outbox's backoff says (and, should
    the retry itself be lost, the sweep sends it once due)."""
    status = services.outbox_deliver(message_id=message_id)
    if status == OutboxMessage.Status.ERROR:
        retry_at = OutboxMessage.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        if retry_at is not None:
            raise self.retry(eta=retry_at)
    return status


@tenant_task(name="portal_core.outbox_sweep")
def outbox_sweep() -> int:
    """Every minute, per portal (beat): send what is due, then resume stalled invitation batches."""
    sent = 0
    for message_id in selectors.outbox_due_ids():
        try:
            sent += services.outbox_deliver(message_id=message_id) == OutboxMessage.Status.SENT
        except Exception:  # one message's trouble never holds up the others
            log.exception("Outbox sweep: message %s", message_id)
    for intake_id in access.intakes_stalled():  # registrations and recoveries the broker lost
        try:
            access.intake_process(intake_id=intake_id)
        except Exception:
            log.exception("Outbox sweep: access intake %s", intake_id)
    for batch_id in access.invitation_batches_stalled():
        try:
            access.invitation_batch_run(batch_id=batch_id)
        except Exception:
            log.exception("Outbox sweep: invitation batch %s", batch_id)
    return sent


# Beat sends the sweep only to the portals with one of these due (tenants.fanout).
due_when("portal_core.outbox_sweep", lambda: [
    selectors.outbox_due(), access.stalled_intakes(), access.stalled_invitation_batches()])
