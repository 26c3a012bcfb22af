"""PostgreSQL restarted under traffic: a real gunicorn talks to the test database through a
TCP proxy that the test cuts (listener closed, live connections killed) and restores; and
PostgreSQL itself ends the app's connections, as a restart's shutdown does.

While the database is away every request gets a clean 503 (a Spanish page; JSON on the API
and on the health probe), never a 500; once it is back the app recovers by itself, with no
restart, and no request fails."""

import http.client
import json
import threading
import time
from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from provisioning.services import portal_create
from tests.conftest import PASSWORD
from tests.faults.processes import APP_SERVER_DATABASE_NAME, TcpProxy, app_server, wait_until


@dataclass
class Answer:
    path: str
    started: float
    finished: float
    status: int  # 0: no HTTP answer at all
    content_type: str
    body: str


class Traffic:
    """Threads sending the same requests over and over, keeping every answer."""

    def __init__(self, port: int, requests: list[tuple[str, str, dict]], threads: int = 2):
        self.port, self.requests, self.answers = port, requests, []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def _run(self):
        while not self.stopping.is_set():
            for host, path, headers in self.requests:
                self.answers.append(send(self.port, host, path, headers))

    def between(self, start: float, end: float) -> list[Answer]:
        return [answer for answer in list(self.answers) if start <= answer.started < end]


def send(port: int, host: str, path: str, headers: dict | None = None) -> Answer:
    started = time.monotonic()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        client.request("GET", path, headers={"Host": host, **(headers or {})})
        response = client.getresponse()
        body = response.read().decode(errors="replace")
        return Answer(path, started, time.monotonic(), response.status, response.getheader("Content-Type", ""), body)
    except OSError as error:
        return Answer(path, started, time.monotonic(), 0, "", repr(error))
    finally:
        client.close()


@pytest.fixture
def portal_with_api_key(committed_db):
    company = portal_create(name="Cortes", email="admin@cortes.test", password=PASSWORD)
    with tenant_context(company):
        _key, secret = api_key_create(name="ERP")
    connection.set_schema_to_public()
    return company, secret


def test_requests_during_a_database_cut_get_a_clean_503_and_the_app_recovers_by_itself(
        portal_with_api_key, tmp_path):
    # given gunicorn (persistent connections, as in production) behind a proxy to PostgreSQL
    company, secret = portal_with_api_key
    settings = connection.settings_dict
    requests = [(company.hostname, "/ingresar/", {}),
                (company.hostname, "/api/v1/sync-status/", {"Authorization": f"Bearer {secret}"}),
                ("localhost", "/salud/", {})]
    with TcpProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))) as proxy:
        server, port = app_server(database_port=proxy.port, log=tmp_path / "gunicorn.log")
        with server:
            wait_until(lambda: send(port, "localhost", "/salud/").status == 200, what="gunicorn")
            for _warm_up in range(4):  # both workers have loaded every view and kept a connection
                assert [send(port, *request).status for request in requests] == [200, 200, 200]
            # when the database blinks while no request runs (every kept connection is killed)
            proxy.cut()
            proxy.restore()
            blinked = time.monotonic()
            with Traffic(port, requests) as traffic:
                time.sleep(1.5)

                # and then goes away for a while under traffic, and comes back
                cut = time.monotonic()
                proxy.cut()
                time.sleep(1.5)
                proxy.restore()
                restored = time.monotonic()
                time.sleep(2)
                ended = time.monotonic()
            log = server.output()

    answers = traffic.answers
    # then nothing ever answered 500 or dropped the connection
    assert answers and {answer.status for answer in answers} <= {200, 503}, log[-3000:]
    # and while the database was away every kind of request got its clean 503
    during = {answer.path: answer for answer in traffic.between(cut + 0.2, restored) if answer.status == 503}
    assert set(during) == {"/ingresar/", "/api/v1/sync-status/", "/salud/"}, log[-3000:]
    page, api, health = during["/ingresar/"], during["/api/v1/sync-status/"], during["/salud/"]
    assert page.content_type.startswith("text/html") and "no está disponible por un momento" in page.body
    assert json.loads(api.body) == {"error": {
        "code": "service_unavailable",
        "message": "El servicio no está disponible por un momento. Reintente en unos segundos."}}
    assert json.loads(health.body) | {"redis": None} == {"status": "error", "database": "unreachable", "redis": None}
    # and every request sent once it was back succeeded, after the blink as after the outage
    # (a kept connection the blink killed is replaced, not used: CONN_HEALTH_CHECKS)
    after = [answer for answer in traffic.between(blinked, cut) if answer.finished < cut]
    assert after, "no traffic between the blink and the outage"
    after += traffic.between(restored, ended)
    assert after and [answer for answer in after if answer.status != 200] == [], log[-3000:]


def test_connections_postgresql_itself_ends_under_traffic_give_a_clean_503_at_worst(portal_with_api_key, tmp_path):
    """What a restart's shutdown sends each backend (57P01 admin_shutdown, 'terminating connection
    due to administrator command'), mid-query or idle: the server's own error, not a cut wire."""
    # given gunicorn (persistent connections) on the test database, under traffic
    company, secret = portal_with_api_key
    requests = [(company.hostname, "/ingresar/", {}),
                (company.hostname, "/api/v1/sync-status/", {"Authorization": f"Bearer {secret}"}),
                ("localhost", "/salud/", {})]
    settings = connection.settings_dict
    # the proxy only passes bytes here (it reaches the embedded PostgreSQL's socket as well)
    with TcpProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))) as proxy:
        server, port = app_server(database_port=proxy.port, log=tmp_path / "gunicorn.log")
        with server:
            wait_until(lambda: send(port, "localhost", "/salud/").status == 200, what="gunicorn")
            with Traffic(port, requests) as traffic:
                time.sleep(1)
                # when PostgreSQL ends the app server's connections, five times in a row
                ended = 0
                with connection.cursor() as cursor:
                    for _ in range(5):
                        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE application_name = %s", [APP_SERVER_DATABASE_NAME])
                        ended += cursor.fetchone()[0]
                        time.sleep(0.3)
                ended_connections = time.monotonic()
                time.sleep(2)
                done = time.monotonic()
            log = server.output()

    # then nothing answered 500 or dropped the connection, and every request after it succeeded
    answers = traffic.answers
    assert ended >= 2, "PostgreSQL ended none of the app server's connections"
    assert answers and {answer.status for answer in answers} <= {200, 503}, log[-3000:]
    after = traffic.between(ended_connections + 0.1, done)
    assert after and [answer for answer in after if answer.status != 200] == [], log[-3000:]
