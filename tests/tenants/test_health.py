"""The probes' health checks: liveness needs nothing but the process; readiness needs
PostgreSQL, and reports Redis without depending on it."""

import copy
import socket
import time

import pytest
from django.db import connection

from tests.conftest import host_client
from tests.mail import free_port

READY = {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.fixture
def cache_at(settings):
    """Points the cache (what readiness pings) at another Redis URL."""
    def point(url):
        caches = copy.deepcopy(settings.CACHES)
        caches["default"]["LOCATION"] = url
        settings.CACHES = caches
    return point


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection pointed at a port nothing listens on, for real; restored after."""
    saved = copy.deepcopy(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_liveness_answers_without_touching_the_database():
    # No `db` fixture: any query would raise pytest-django's "Database access not allowed".
    response = host_client().get("/salud/vivo/")

    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_answers_when_postgresql_and_redis_do(db):
    response = host_client().get("/salud/")

    assert response.status_code == 200 and response.json() == READY
    assert "no-cache" in response["Cache-Control"]


def test_readiness_stays_200_with_redis_down_and_says_so(db, cache_at):
    cache_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    response = host_client().get("/salud/")

    assert response.status_code == 200
    assert response.json() == {**READY, "redis": "unreachable"}


def test_readiness_does_not_wait_on_a_redis_that_never_answers(db, cache_at):
    # given a socket that accepts connections (the kernel's backlog) and never replies
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        cache_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")

        # when
        started = time.monotonic()
        response = host_client().get("/salud/")
        elapsed = time.monotonic() - started

    # then: well inside the probe's timeout
    assert response.status_code == 200 and response.json()["redis"] == "unreachable"
    assert elapsed < 2


def test_readiness_asked_again_and_again_keeps_its_redis_connection(db, settings):
    import redis

    from tenants.views import PROBE_CLIENT_NAME

    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    def probe_connections() -> list[int]:  # by name: other clients of a shared Redis do not count
        return [client["id"] for client in server.client_list() if client["name"] == PROBE_CLIENT_NAME]

    first = host_client().get("/salud/").json()["redis"]
    after_one = probe_connections()
    answers = [host_client().get("/salud/").json()["redis"] for _ in range(9)]
    after_ten = probe_connections()
    server.close()

    assert [first, *answers] == ["ok"] * 10
    assert len(after_one) == 1 and after_ten == after_one  # the same connection, kept


def test_with_the_database_unreachable_readiness_is_503_and_liveness_200(database_down):
    ready = host_client().get("/salud/")
    live = host_client().get("/salud/vivo/")

    assert ready.status_code == 503
    assert ready.json() == {"status": "error", "database": "unreachable", "redis": "ok"}
    assert live.status_code == 200 and live.json() == {"status": "ok"}


def test_portal_hosts_do_not_serve_the_probes(alfa):
    # The probes and load balancers ask the root domain; a portal's subdomain has no such page.
    for path in ("/salud/", "/salud/vivo/"):
        assert host_client(alfa).get(path).status_code == 404
