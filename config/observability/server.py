"""The /metrics HTTP server on its own port (METRICS_PORT), never through the public site.

The gunicorn master and the Celery worker's main process start it; both add up their worker
processes' files when PROMETHEUS_MULTIPROC_DIR is set. The web one also serves the gauges read
from the database (gauges.PortalGauges): web pods are up whenever the site is, so those stay
visible while workers are down, which is when the outbox grows."""

import logging
import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

logger = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class _ThisProcess:
    """The default registry, served through another registry (single-process runs)."""

    def collect(self):
        return REGISTRY.collect()


def multiproc_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def multiproc_dir_reset() -> None:
    """Empty the multiprocess folder before any worker starts: files a previous run left (a
    restarted container keeps its emptyDir) would be added to this run's values."""
    folder = multiproc_dir()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)


def metrics_registry(*, db_gauges: bool) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if multiproc_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    if db_gauges:
        from .gauges import PortalGauges

        registry.register(PortalGauges())
    return registry


def metrics_server_start(*, port: int, addr: str = "0.0.0.0", db_gauges: bool = False):
    """Serve /metrics on `port`; returns the server (its `shutdown()` stops it), or None when
    `port` is 0 or taken (the process goes on without metrics rather than failing to start)."""
    if not port:
        return None
    try:
        server, _thread = start_http_server(port, addr=addr, registry=metrics_registry(db_gauges=db_gauges))
    except OSError as error:
        logger.warning("Metrics server not started on port %s: %s", port, error)
        return None
    logger.info("Metrics on :%s/metrics", port)
    return server


def process_dead(pid: int) -> None:
    """A worker process ended: drop its live gauges (gunicorn's child_exit, Celery's shutdown)."""
    if multiproc_dir():
        multiprocess.mark_process_dead(pid)
