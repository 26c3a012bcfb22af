"""The web's task: kept pages built again after a batch (portal_core.web.rewarm)."""

from tenants.tasks import tenant_task

from .kept_pages import KEPT_SECONDS
from .rewarm import recipes_replay


@tenant_task(name="portal_core.kept_pages_rewarm", ignore_result=True)
def kept_pages_rewarm(keys: list[str]) -> int:
    return recipes_replay(keys, kept_seconds=KEPT_SECONDS)
