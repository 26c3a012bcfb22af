"""`make run`: embedded services, migrations, the demo portal, the web server and a Celery
worker (with beat), until Ctrl-C stops everything it started."""

import os
import signal
import subprocess
import sys
import time

from config import embedded

PORT = os.environ.get("PORT", "8000")
# The demo portal's email goes to a local SMTP server that prints each message (config/devmail.py).
MAIL_PORT = os.environ.get("DEV_MAIL_PORT", "8025")
MANAGE = [sys.executable, "manage.py"]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C (SIGINT) or a SIGTERM stop everything, even when started with SIGINT ignored
    # (as background jobs of a non-interactive shell are).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    started = embedded.start()
    os.environ.update(started)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    children = []
    try:
        demo = ["demo_portal", "--smtp", f"127.0.0.1:{MAIL_PORT}"]
        # The deploy's command: public schema, pending portals, and the template new portals use.
        for command in (["portals_migrate", "-v", "0"], demo):
            subprocess.run(MANAGE + command, check=True)
        children.append(subprocess.Popen([sys.executable, "-m", "config.devmail", MAIL_PORT], start_new_session=True))
        # Each child leads its own process group so that stopping it also stops what it
        # spawned (runserver's reloader, the worker's pool and embedded beat).
        children.append(subprocess.Popen(MANAGE + ["runserver", f"127.0.0.1:{PORT}"], start_new_session=True))
        children.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel", "INFO",
             "--concurrency", "2", "--schedule", str(embedded.DEFAULT_DATA_DIR / "celerybeat-schedule")],
            start_new_session=True,
        ))
        _banner()
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)
        embedded.stop(only=started)
        print("\nServicios detenidos.")


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        _signal_group(child, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(child, signal.SIGKILL)  # whatever of the group is still there


def _banner() -> None:
    base = os.environ.get("PORTAL_BASE_DOMAIN", "localhost")
    print(
        "\n"
        "  Portal de Clientes y Proveedores\n"
        f"  Sitio público (Crear Portal): http://{base}:{PORT}/\n"
        f"  Portal demo:                  http://demo.{base}:{PORT}/\n"
        "  Administrador del demo:       admin@demo.test / demo1234\n"
        "  Cliente del demo:             cliente@demo.test / demo1234 (con clientes relacionados)\n"
        "  Proveedor del demo:           proveedor@demo.test / demo1234\n"
        f"  API del ERP (documentación):  http://demo.{base}:{PORT}/api/v1/docs/\n"
        f"  Emails del demo:              se muestran aquí y quedan en .local/mail/ (SMTP 127.0.0.1:{MAIL_PORT})\n"
        "  Ctrl-C detiene todo.\n",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
