"""Beat's per-portal tasks go only to the portals with some of their work due."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

import billing_views.tasks  # noqa: F401 (tasks say what makes them due when loaded, as in a worker)
import portal_core.tasks  # noqa: F401
from portal_core.models import OutboxMessage
from tenants.fanout import schemas_due


def _message(**fields) -> OutboxMessage:
    long_ago = timezone.now() - timedelta(hours=1)
    message = OutboxMessage.objects.create(to="x@cliente.test", kind="invitation", subject="s", body_text="t",
                                           body_html="<p>t</p>", message_id=f"<{fields}@x>",
                                           next_attempt_at=long_ago, **fields)
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=long_ago)
    return message


def test_only_the_portal_with_an_email_due_gets_the_sweep(alfa, beta):
    # given: alfa has an email due, beta only one already sent
    with tenant_context(alfa):
        _message()
    with tenant_context(beta):
        _message(status=OutboxMessage.Status.SENT)

    # when
    due = schemas_due("portal_core.outbox_sweep", [alfa.schema_name, beta.schema_name])

    # then
    assert due == [alfa.schema_name]


def test_nothing_due_anywhere_sends_nothing(alfa, beta):
    assert schemas_due("portal_core.outbox_sweep", [alfa.schema_name, beta.schema_name]) == []
    assert schemas_due("billing_views.zip_jobs_requeue", [alfa.schema_name, beta.schema_name]) == []


def test_a_task_that_does_not_say_what_makes_it_due_goes_to_every_portal(alfa, beta):
    assert schemas_due("portal_core.access_prune", [alfa.schema_name, beta.schema_name]) == [
        alfa.schema_name, beta.schema_name]
