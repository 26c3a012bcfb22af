"""Celery signal handlers: a task carries the request id of the request (or task) that queued
it, each task run is counted and timed, and the worker and beat log as the web does.
Connected by config/celery.py."""

import logging.config
import os
import time

from celery import signals

from .context import request_id_new, request_id_var
from .metrics import TASK_DURATION, TASKS

HEADER = "x_request_id"
_running: dict[str, tuple[float, object]] = {}  # task id: (start, context token)


@signals.before_task_publish.connect
def request_id_to_headers(headers=None, **_):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def _header(task) -> str | None:
    # The Redis transport merges message headers into the request; others keep them apart.
    request = task.request
    return (getattr(request, "headers", None) or {}).get(HEADER) or request.get(HEADER)


@signals.task_prerun.connect
def task_started(task_id=None, task=None, **_):
    # An eager task (run inside the request that sent it) keeps that request's id.
    request_id = _header(task) or request_id_var.get() or request_id_new()
    _running[task_id] = (time.perf_counter(), request_id_var.set(request_id))


@signals.task_postrun.connect
def task_finished(task_id=None, task=None, state=None, **_):
    started, token = _running.pop(task_id, (None, None))
    TASKS.labels(task.name, (state or "unknown").lower()).inc()
    if started is not None:
        TASK_DURATION.labels(task.name).observe(time.perf_counter() - started)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a thread pool); nothing to restore there
            pass


@signals.after_setup_logger.connect
def logging_from_settings(**_):
    """Celery has just put its own plain-text handler on the root logger: where the settings'
    LOGGING configures the root logger (local, production), it is applied over it, so the
    worker and beat log as the web does (JSON in production, with the request id, schema and
    account). LOG_LEVEL then sets the level, not --loglevel. The test settings configure none:
    their workers keep Celery's lines."""
    from django.conf import settings

    if _settings_log_root():
        logging.config.dictConfig(settings.LOGGING)


@signals.after_setup_task_logger.connect
def task_logger_to_root(logger=None, **_):
    """Celery's `celery.task` logger has a handler of its own and does not propagate: its lines
    go to the root's handler instead, formatted as every other."""
    if _settings_log_root():
        logger.handlers = []
        logger.propagate = True


def _settings_log_root() -> bool:
    from django.conf import settings

    return "root" in settings.LOGGING


@signals.task_revoked.connect
def task_dropped(sender=None, expired=False, **_):
    """A task the worker did not run: expired (it waited past its `expires`) or revoked."""
    TASKS.labels(sender.name, "expired" if expired else "revoked").inc()


@signals.worker_init.connect
def worker_metrics_folder(**_):
    """Before the pool's processes start: no values left from the worker's previous run."""
    from .server import multiproc_dir_reset

    multiproc_dir_reset()


@signals.worker_ready.connect
def worker_metrics_serve(**_):
    from django.conf import settings

    from .server import metrics_server_start

    metrics_server_start(port=settings.METRICS_PORT)


@signals.worker_process_shutdown.connect
def worker_process_gone(**_):
    from .server import process_dead

    process_dead(os.getpid())
