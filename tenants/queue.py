"""Queueing Celery work: one way, with one failure policy.

Every job the portal queues is first recorded in the database (an outbox message, an access
intake, an invitation batch, a ZIP job, a missing spare schema), and a periodic sweep takes
whatever its task never ran for. So sending the task is only a head start: if the broker is
unreachable the request logs a warning and goes on, and the sweep does the work later.
"""

import logging

from celery import Task
from django.db import connection, transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    The task runs in the schema active now, when the work was recorded, even if the commit
    happens after a switch. An unreachable broker never raises into the caller: the job waits,
    recorded, for its sweep (CELERY_TASK_PUBLISH_RETRY_POLICY and the broker's connect timeout
    bound how long a send tries)."""
    headers = {"_schema_name": connection.schema_name}
    transaction.on_commit(lambda: _send(task, args, kwargs, headers))


def _send(task: Task, args: tuple, kwargs: dict, headers: dict) -> None:
    try:
        task.apply_async(args, kwargs, headers=headers)
    except (OperationalError, OSError) as error:
        log.warning("%s not queued (broker unavailable: %s); its sweep will take it", task.name, error)
