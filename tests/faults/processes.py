"""Real processes the fault tests start, break and start again: a TCP proxy in front of
PostgreSQL that can be cut, an app server (gunicorn), a Celery worker, a redis-server of the
test's own. Each is a context manager that leaves nothing running."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from tests.mail import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a server. `cut()` closes the listener and every live
    connection (as a PostgreSQL restart does to its clients); `restore()` listens again on
    the same port."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port = upstream, free_port()
        self.listener, self.live, self.lock = None, set(), threading.Lock()

    def __enter__(self):
        self.restore()
        return self

    def __exit__(self, *exc):
        self.cut()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            live, self.live = self.live, set()
        if listener is not None:
            _close(listener)
        for sock in live:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut
                return
            try:
                server = _connect(self.upstream)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self.lock:
                if self.listener is not listener:  # cut meanwhile
                    _close(client), _close(server)
                    return
                self.live |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        _close(source), _close(target)


def _connect(upstream: tuple[str, int]) -> socket.socket:
    """TCP, or PostgreSQL's Unix socket in a folder (the embedded server)."""
    host, port = upstream
    if not host.startswith("/"):
        return socket.create_connection(upstream, timeout=5)
    server = socket.socket(socket.AF_UNIX)
    server.settimeout(5)
    server.connect(f"{host}/.s.PGSQL.{port}")
    return server


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def database_url(port: int | None = None) -> str:
    """The test database, directly or through a proxy listening on `port`."""
    settings = connection.settings_dict
    host, real_port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    if port is not None:
        host, real_port = "127.0.0.1", port
    # A socket folder (the embedded PostgreSQL) goes into the URL percent-encoded.
    return f"postgres://{settings['USER']}@{quote(host, safe='')}:{real_port}/{settings['NAME']}"


def child_env(**overrides) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "PYTHONUNBUFFERED": "1"}
    env.update({name: str(value) for name, value in overrides.items()})
    return env


class Process:
    """A child process of the test; `kill()` sends SIGKILL, the end of the test whatever is left."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.command, self.env, self.log = command, env, log
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()

    def start(self) -> None:
        output = open(self.log, "ab")  # noqa: SIM115 - the child writes to it until it ends
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=output,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        output.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the child and any process it forked
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


# The app server's connections, as pg_stat_activity names them.
APP_SERVER_DATABASE_NAME = "portal-fault-app"


def app_server(*, database_port: int, log: Path, workers: int = 2) -> tuple[Process, int]:
    """gunicorn serving the app as production does: persistent database connections
    (tests.faults.server_settings) and sync workers; its connections are named
    APP_SERVER_DATABASE_NAME."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "1"]
    env = child_env(DJANGO_SETTINGS_MODULE="tests.faults.server_settings",
                    DATABASE_URL=f"{database_url(database_port)}?application_name={APP_SERVER_DATABASE_NAME}")
    return Process(command, env, log), port


def celery_worker(*, broker_url: str, log: Path, name: str) -> Process:
    """A Celery worker of its own (one process, solo pool: SIGKILL ends the worker itself, as
    when its pod or machine dies), on the broker the test controls."""
    command = [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool", "solo",
               "--loglevel", "INFO", "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
               "--without-heartbeat"]
    return Process(command, child_env(REDIS_URL=broker_url), log)


def wait_until(condition, *, timeout: float = 30.0, every: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
