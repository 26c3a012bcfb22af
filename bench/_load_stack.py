"""bench/load.py's production stack: gunicorn, a Celery worker and beat as subprocesses on the
bench's database, and locust runs against them. Every process is stopped on the way out, also
when the bench fails."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from _setup import ROOT

BENCH = Path(__file__).resolve().parent


def database_url() -> str:
    """The URL of the database the bench made (the test runner renamed it in settings)."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{quote(db['USER'], safe='')}{password}@{quote(db['HOST'], safe='')}{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(port: int, profile: bool) -> list[str]:
    """config/gunicorn.py when the branch has one, else the Dockerfile's flags; with `profile`,
    the Dockerfile's flags and the bench's profiling hooks."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    if profile:
        command += ["-c", str(BENCH / "_load_profile_gunicorn.py")]
    elif (ROOT / "config" / "gunicorn.py").exists():
        return [*command, "-c", "config/gunicorn.py"]
    return [*command, "--workers", "3", "--max-requests", "2000", "--max-requests-jitter", "200",
            "--access-logfile", "-"]


class Stack:
    def __init__(self, workdir: Path, port: int):
        self.workdir, self.port, self.processes = workdir, port, []
        self.environment = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1",
                            "LOAD_PROFILE_DIR": str(workdir)}

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process, log))

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/salud/",
                                         headers={"Host": os.environ["PORTAL_BASE_DOMAIN"]})
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(request, timeout=2).status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer /salud/ in {timeout:.0f} s: see {self.workdir}/web.log")

    def warm(self, hosts: list[str], rounds: int = 3) -> None:
        """Each portal's login page a few times, so every worker has loaded its code, templates
        and connection before anything is measured (a deploy's first minute is not the figure)."""
        for _ in range(rounds):
            for host in hosts:
                request = urllib.request.Request(f"http://127.0.0.1:{self.port}/ingresar/",
                                                 headers={"Host": host, "X-Forwarded-Proto": "https"})
                urllib.request.urlopen(request, timeout=30).read()

    def stop(self) -> None:
        for _, process, _ in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for name, process, log in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in 20 s: killed")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()

    def locust(self, plan: Path, classes: list[str], *, users: int, seconds: int, think: float = 0,
               options: tuple = ()) -> dict:
        """A headless locust run of these user classes (and locust `options`); each request's
        (name, ms, failed)."""
        samples = self.workdir / f"samples-{classes[0]}.json"
        environment = {**self.environment, "LOAD_PLAN": str(plan), "LOAD_SAMPLES": str(samples),
                       "LOAD_THINK_S": str(think)}
        command = [sys.executable, "-m", "locust", "-f", str(BENCH / "load_locustfile.py"), "--headless",
                   "--host", f"http://127.0.0.1:{self.port}", "-u", str(users), "-r", str(users),
                   "-t", f"{seconds}s", "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING",
                   *options, *classes]
        with open(self.workdir / f"locust-{classes[0]}.log", "w") as log:
            subprocess.run(command, cwd=BENCH, env=environment, stdout=log, stderr=subprocess.STDOUT, check=False,
                           timeout=seconds + 120)
        return json.loads(samples.read_text())


@contextlib.contextmanager
def production_stack(workdir: Path, *, profile: bool = False):
    stack = Stack(workdir, _free_port())
    try:
        stack.start("web", _gunicorn(stack.port, profile))
        stack.start("worker", [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",
                               "--concurrency", "2"])
        stack.start("beat", [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                             "--schedule", str(workdir / "celerybeat-schedule")])
        stack.wait_ready()
        yield stack
    finally:
        stack.stop()
