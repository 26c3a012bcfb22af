"""Fixtures of the fault tests: a broker of the test's own, Celery worker processes, and a
second database session that holds locks so a process can be stopped at a known point."""

import psycopg
import pytest
from django.db import connection

from config.celery import app
from tests.brokers import RedisServer, broker_use
from tests.faults.processes import celery_worker, database_url, wait_until


@pytest.fixture
def own_broker(tmp_path):
    """A redis-server of the test's own as Celery's broker, here and in the workers: a killed
    worker's unacknowledged messages stay there, not in the shared Redis of other tests."""
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url
    broker_use(server.url)
    yield server
    broker_use(previous)
    server.stop()


@pytest.fixture
def workers(own_broker, tmp_path):
    """Start Celery workers: `workers.start("a")`; all are killed when the test ends."""
    started = []

    class Workers:
        @staticmethod
        def start(name: str):
            worker = celery_worker(broker_url=own_broker.url, log=tmp_path / f"worker-{name}.log", name=name)
            worker.start()
            started.append(worker)
            return worker

    yield Workers
    for worker in started:
        worker.kill()


class Holder:
    """A database session of its own, in a transaction, holding the locks it took until
    `release()`: what another process needs next then waits, at a point the test chose."""

    def __init__(self):
        self.session = psycopg.connect(database_url().replace("postgres://", "postgresql://", 1))

    def lock(self, sql: str, params=()) -> None:
        self.session.execute(sql, params)

    def release(self) -> None:
        self.session.rollback()

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def holder(committed_db):
    session = Holder()
    yield session
    session.close()


def backends_waiting_on_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock'")
        return [pid for (pid,) in cursor.fetchall()]


def backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def wait_for_the_waiting_backend(process) -> int:
    """The one backend waiting on a lock: the process's, stopped where the test held it."""
    pids = wait_until(backends_waiting_on_a_lock, timeout=60, what="a backend waiting on the held lock")
    assert len(pids) == 1 and process.process.poll() is None, process.output()[-3000:]
    return pids[0]


def kill_held(process, holder: Holder, pid: int) -> None:
    """SIGKILL the process while its backend waits; release the lock, and wait for PostgreSQL
    to end the orphan backend (it rolls back on its next read from the dead client)."""
    process.kill()
    holder.release()
    wait_until(lambda: backend_gone(pid), timeout=30, what=f"backend {pid} to end")
