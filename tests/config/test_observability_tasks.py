"""A task carries the request id of the request that queued it (Celery message headers), so its
log lines can be found with the request's; each task run is counted and timed by name."""

import logging
import time

from celery.contrib.testing.worker import start_worker

from config.celery import app
from tests.billing_views import test_downloads as download_all
from tests.config.observability import json_log_lines, metrics_server, sample

portal_with_book = download_all.portal_with_book


def test_a_task_queued_by_a_request_logs_the_request_id_and_is_counted(portal_with_book):
    # given a customer logged in, and a real worker
    client = download_all._login(portal_with_book, "cliente@zeta.test")
    trace_logger = logging.getLogger("celery.app.trace")
    previous_level = trace_logger.level
    trace_logger.setLevel(logging.INFO)  # before the worker builds its tracers, which read it once
    app.control.purge()  # tasks earlier tests queued with no worker would run (and be counted) here
    with metrics_server() as scrape, start_worker(app, pool="solo", perform_ping_check=False,
                                                    shutdown_timeout=10):
        before = scrape()
        with json_log_lines() as lines:
            # when the customer asks for every invoice's PDF (the ZIP is built by a task)
            response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"},
                                   HTTP_X_REQUEST_ID="pedido-zip-000123")
            state = download_all.wait_until_ready(client, response["Location"] + "estado/")
            # the job is ready before the task returns; the task is counted once it has returned,
            # after Celery logged its success (task_postrun comes after that line)
            zip_task, timed = "billing_views.sales_documents_zip", "portal_celery_task_duration_seconds_count"
            after = _scraped_once(scrape, lambda figures: sample(figures, timed, task=zip_task)
                                  > sample(before, timed, task=zip_task))
    trace_logger.setLevel(previous_level)

    # then the task's log line carries the request's id, and the task was counted and timed
    assert state["status"] == "ready"
    task = "billing_views.sales_documents_zip"
    done = [line for line in lines if line["logger"] == "celery.app.trace"
            and line["message"].startswith(f"Task {task}[") and "succeeded" in line["message"]]
    assert [line["request_id"] for line in done] == ["pedido-zip-000123"]
    counted = "portal_celery_tasks_total"
    assert sample(after, counted, task=task, outcome="success") - sample(before, counted, task=task,
                                                                         outcome="success") == 1
    timed = "portal_celery_task_duration_seconds_count"
    assert sample(after, timed, task=task) - sample(before, timed, task=task) == 1


def _scraped_once(scrape, done, timeout: float = 20):
    deadline = time.monotonic() + timeout
    figures = scrape()
    while not done(figures) and time.monotonic() < deadline:
        time.sleep(0.1)
        figures = scrape()
    return figures
