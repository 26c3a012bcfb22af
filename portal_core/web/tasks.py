"""The web's task: kept pages built again after a batch (portal_core.web.rewarm)."""

from tenants.tasks import tenant_task

from .kept_pages import KEPT_SECONDS
from .rewarm import QUEUED_SECONDS, recipes_replay


# A rebuild the worker has not started within QUEUED_SECONDS is dropped (the worker is behind; the
# pages render on demand, as without it), and the party's mark lapses with it (rewarm._queue).
@tenant_task(name="portal_core.kept_pages_rewarm", ignore_result=True, expires=QUEUED_SECONDS)
def kept_pages_rewarm(keys: list[str]) -> int:
    return recipes_replay(keys, kept_seconds=KEPT_SECONDS)
