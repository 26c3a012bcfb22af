"""The Prometheus metrics the processes record. No label is unbounded: views are the URL
resolver's names, tasks the registered task names, resources the ERP sync's; a portal label
exists only on the request metrics and only when the operator sets METRICS_PORTAL_LABEL.

Under gunicorn and Celery's prefork pool each process writes its values to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode, chosen when the variable is
set before this module is first imported); the process serving /metrics adds them up."""

from dataclasses import dataclass

from prometheus_client import REGISTRY, Counter, Histogram

UNMATCHED_VIEW = "<unmatched>"  # the resolver found no view (unknown host or path)

ERP_SYNC_ROWS = Counter("portal_erp_sync_rows_upserted", "Rows the ERP sync API created or updated.",
                        ["resource"])
ERP_SYNC_ERRORS = Counter("portal_erp_sync_errors", "ERP sync batches rejected (nothing written).",
                          ["resource"])
TASKS = Counter("portal_celery_tasks", "Celery tasks run (or dropped unrun: expired, revoked), by name and outcome.",
                ["task", "outcome"])
# Kept pages built again after a batch (portal_core.web.rewarm): "kept", or "skipped" (the session
# had ended or lacks its two-factor step, or the page was kept already).
PAGES_REWARMED = Counter("portal_kept_pages_rewarmed", "Kept pages asked for again after an ERP batch.",
                         ["outcome"])
TASK_DURATION = Histogram("portal_celery_task_duration_seconds", "Time a Celery task ran.", ["task"],
                          buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, float("inf")))


@dataclass(frozen=True)
class RequestMetrics:
    requests: Counter
    latency: Histogram
    portal_label: bool


_request_metrics: RequestMetrics | None = None


def request_metrics(*, portal_label: bool) -> RequestMetrics:
    """The request counter and latency histogram, with a `portal` label only when asked.
    A label set is fixed when a metric is made, so a change of the setting (tests) makes them anew."""
    global _request_metrics  # one pair per process, like every metric here
    if _request_metrics is None or _request_metrics.portal_label != portal_label:
        if _request_metrics is not None:
            REGISTRY.unregister(_request_metrics.requests)
            REGISTRY.unregister(_request_metrics.latency)
        extra = ["portal"] if portal_label else []
        _request_metrics = RequestMetrics(
            Counter("portal_http_requests", "HTTP requests answered, by view and status.",
                    ["view", "status", *extra]),
            Histogram("portal_http_request_duration_seconds", "Time to answer an HTTP request, by view.",
                      ["view", *extra]),
            portal_label,
        )
    return _request_metrics


def erp_sync_recorded(*, resource: str, rows: int | None) -> None:
    """A batch of `resource`: `rows` written, or None when it was rejected."""
    if rows is None:
        ERP_SYNC_ERRORS.labels(resource).inc()
    else:
        ERP_SYNC_ROWS.labels(resource).inc(rows)
