"""config/gunicorn.py: the image's web server settings, and a real gunicorn started with it
serving the workers' request metrics and the database gauges on the metrics port."""

import os
import runpy
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.config.observability import sample, scrape
from tests.faults.processes import database_url
from tests.mail import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn.py"


def test_the_gunicorn_config_keeps_the_image_settings(monkeypatch, tmp_path):
    # the file sets PROMETHEUS_MULTIPROC_DIR when it is unset: never for the rest of the suite
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(CONFIG))

    assert (config["bind"], config["workers"], config["wsgi_app"]) == ("0.0.0.0:8000", 5, "config.wsgi")
    assert (config["max_requests"], config["max_requests_jitter"], config["accesslog"]) == (2000, 200, "-")
    assert all(callable(config[hook]) for hook in ("on_starting", "when_ready", "child_exit"))
    monkeypatch.setenv("WEB_CONCURRENCY", "3")  # the machine's own count
    assert runpy.run_path(str(CONFIG))["workers"] == 3


def _wait_for(url: str, seconds: float = 30, **headers) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_a_real_gunicorn_serves_its_workers_metrics_on_the_metrics_port(committed_db, tmp_path):
    web_port, metrics_port = free_port(), free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "METRICS_PORT": str(metrics_port),
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
           "DATABASE_URL": database_url()}
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", f"127.0.0.1:{web_port}",
                            "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = _wait_for(f"http://127.0.0.1:{web_port}/salud/", Host="localhost")
        samples = scrape(metrics_port)
    finally:
        web.terminate()
        web.wait(timeout=30)

    assert body
    assert sample(samples, "portal_http_requests_total", view="health", status="200") >= 1
    assert sample(samples, "portal_spare_pool_size") == 1
    assert ("portal_outbox_messages", frozenset({("status", "pending")})) in samples


def test_workers_gunicorn_replaced_leave_their_counts_but_not_their_files(committed_db, tmp_path):
    # given: one worker, replaced every 5 requests
    web_port, metrics_port, folder = free_port(), free_port(), tmp_path / "prometheus"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "METRICS_PORT": str(metrics_port),
           "PROMETHEUS_MULTIPROC_DIR": str(folder), "DATABASE_URL": database_url()}
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--bind", f"127.0.0.1:{web_port}",
                            "--workers", "1", "--max-requests", "5", "--max-requests-jitter", "0"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(f"http://127.0.0.1:{web_port}/salud/", Host="localhost")
        # when: 22 more health checks, so four workers come and go
        for _ in range(22):
            _wait_for(f"http://127.0.0.1:{web_port}/salud/", Host="localhost")
        time.sleep(1)  # the last replacement's fold
        samples = scrape(metrics_port)
        files = sorted(path.name for path in folder.glob("*.db"))
    finally:
        web.terminate()
        web.wait(timeout=30)

    # then: every request is still counted, once; only the live worker's files and the archive remain
    assert sample(samples, "portal_http_requests_total", view="health", status="200") == 23
    assert sample(samples, "portal_http_request_duration_seconds_count", view="health") == 23
    archives = [name for name in files if name.endswith("_archive.db")]
    live_pids = {name.rsplit("_", 1)[1] for name in files if name not in archives}
    assert archives == ["counter_archive.db", "histogram_archive.db"], files
    assert len(live_pids) <= 1, files
