"""A task carries the request id of the request that queued it (Celery message headers), so its
log lines can be found with the request's; each task run is counted and timed by name."""

import json
import logging
import sys
import time

from celery.contrib.testing.worker import start_worker
from django_tenants.utils import tenant_context

from billing_views.tasks import expired_zips_delete
from config.celery import app
from config.observability.context import request_id_var
from tests.billing_views import test_downloads as download_all
from tests.config.observability import json_log_lines, metrics_server, sample
from tests.faults.processes import Process, child_env, wait_until

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


def test_a_worker_process_writes_json_lines_with_the_id_of_the_request_that_queued_its_task(portal_with_book,
                                                                                              tmp_path):
    # given a worker of its own, as production runs one (`celery worker`), on settings that log JSON
    log = tmp_path / "worker.log"
    app.control.purge()
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with Process(command, child_env(DJANGO_SETTINGS_MODULE="tests.config.json_log_settings"), log) as worker:
        wait_until(lambda: "ready." in worker.output(), timeout=60, what="the worker")

        # when a request of the portal queues a task
        token = request_id_var.set("pedido-tarea-000777")
        try:
            with tenant_context(portal_with_book):
                expired_zips_delete.delay()
        finally:
            request_id_var.reset(token)
        done = wait_until(lambda: [line for line in _json_lines(worker.output())
                                   if "expired_zips_delete" in line["message"] and "succeeded" in line["message"]],
                          what="the task's success line")

    # then the worker logged it as a JSON line with the request's id and the portal's schema
    assert [(line["request_id"], line["schema"]) for line in done] == [("pedido-tarea-000777",
                                                                        portal_with_book.schema_name)]
    ready = [line for line in _json_lines(worker.output()) if line["message"].endswith(" ready.")]
    assert ready and ready[0]["logger"] == "celery.apps.worker"


def _json_lines(output: str) -> list[dict]:
    """The worker's log lines (the banner it prints at start is not one)."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]
