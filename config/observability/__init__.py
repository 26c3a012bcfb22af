"""Observability: request ids and JSON logs (context, logs), Prometheus metrics (metrics,
gauges, server), the middleware and Celery hooks that feed them, and optional Sentry."""

import os

DEFAULT_MULTIPROC_DIR = "/tmp/prometheus"  # the chart mounts an emptyDir there


def multiproc_dir_default() -> None:
    """Production processes (gunicorn's workers, Celery's pool) write their metrics to files
    the serving process adds up: the folder must be known before prometheus_client is imported."""
    folder = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", DEFAULT_MULTIPROC_DIR)
    os.makedirs(folder, exist_ok=True)
