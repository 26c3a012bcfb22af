"""The /metrics HTTP server on its own port (METRICS_PORT), never through the public site.

The gunicorn master and the Celery worker's main process start it; both add up their worker
processes' files when PROMETHEUS_MULTIPROC_DIR is set. The web one also serves the gauges read
from the database (gauges.PortalGauges): web pods are up whenever the site is, so those stay
visible while workers are down, which is when the outbox grows."""

import contextlib
import fcntl
import logging
import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server
from prometheus_client.mmap_dict import MmapedDict

logger = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The per-process files whose values add up across processes (every metric of ours is a
# counter or a histogram): a dead process's are folded into one `<type>_archive.db`.
SUMMED_TYPES = ("counter", "histogram", "summary")


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


@contextlib.contextmanager
def _files_locked(folder: str):
    """Between a scrape reading the files and a dead process's being folded, in any process."""
    with open(Path(folder) / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _FoldAwareCollector(multiprocess.MultiProcessCollector):
    """Reads the files while no dead process's are being folded: a value is then counted in its
    process's file or in the archive, never in both or in neither."""

    def collect(self):
        with _files_locked(self._path):
            return list(super().collect())


def _fold(folder: str, pid: int) -> None:
    """Add a dead process's counters and histograms to the archive and delete its files. Without
    this, every worker gunicorn replaced (each max_requests) left two files that every scrape
    read again: thousands a day, a scrape slower each hour. The raw values add up key by key,
    as the collector adds them, so the totals scraped do not move."""
    for kind in SUMMED_TYPES:
        dead = Path(folder) / f"{kind}_{pid}.db"
        if not dead.exists():
            continue
        archive = MmapedDict(str(Path(folder) / f"{kind}_archive.db"))
        try:
            for key, value, timestamp, _position in MmapedDict.read_all_values_from_file(str(dead)):
                total, _ = archive.read_value(key)
                archive.write_value(key, total + value, timestamp)
        finally:
            archive.close()
        dead.unlink()


def metrics_registry(*, db_gauges: bool) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if multiproc_dir():
        _FoldAwareCollector(registry)
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
    """A worker process ended (gunicorn's child_exit, Celery's shutdown): drop its live gauges and
    fold its counters and histograms into the archive."""
    folder = multiproc_dir()
    if not folder:
        return
    try:
        multiprocess.mark_process_dead(pid)
        with _files_locked(folder):
            _fold(folder, pid)
    except Exception:  # in gunicorn's master: an error here would stop the whole server
        logger.exception("Metrics files of process %s not folded", pid)
