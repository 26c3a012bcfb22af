"""gunicorn's settings for the web container (`gunicorn -c config/gunicorn.py`).

Its hooks run in the master: it empties the metrics folder before any worker starts, serves
/metrics on METRICS_PORT (adding up the workers' files and reading the database gauges), and
forgets each worker that exits."""

import os

# Before anything imports prometheus_client, in the master and so in every worker it forks.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

wsgi_app = "config.wsgi"
bind = "0.0.0.0:8000"
# Sync workers: 5 is gunicorn's 2 x cores + 1 for the 2 cores it was measured on (set
# WEB_CONCURRENCY for other machines). A short page then waits less behind a login's Argon2, a
# PDF or an export holding another worker, as the kernel shares the cores among more of them
# (bench/load.py's default mix: section pages' p95 224-240 ms with 5, 257-294 ms with 3; see
# docs/scaling.md). Each worker holds about 100-150 MB and one database connection.
workers = int(os.environ.get("WEB_CONCURRENCY") or 5)
# A worker is replaced after about this many requests (its memory and its database connection
# with it); the jitter keeps the workers from restarting together.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The default line and the request id the app answered with, to find the request's log lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'


def on_starting(server):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    from config.observability.server import multiproc_dir_reset

    multiproc_dir_reset()


def when_ready(server):
    import django
    from django.conf import settings

    django.setup()  # the database gauges read through the ORM
    from config.observability.server import metrics_server_start

    metrics_server_start(port=settings.METRICS_PORT, db_gauges=True)


def child_exit(server, worker):
    from config.observability.server import process_dead

    process_dead(worker.pid)
