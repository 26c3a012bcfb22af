"""Sentry: nothing personal leaves in an event (the scrubber, a pure function), and with
SENTRY_DSN set the settings start it and a scrubbed event reaches the server (a real loopback
HTTP server standing in for Sentry)."""

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from config.observability.sentry import FILTERED, event_scrub

ROOT = Path(__file__).resolve().parents[2]


def test_the_scrubber_removes_personal_data_and_credentials():
    event = {
        "message": "Fallo para ana.perez@example.com (CUIT 20-12345678-9, también 30712345671)",
        "request": {"url": "https://alfa.example.com/facturas/?cliente=ana@example.com", "method": "GET",
                    "query_string": "cliente=ana@example.com", "cookies": {"sessionid": "s3cr3t"},
                    "data": {"password": "clave123"},
                    "headers": {"Authorization": "Bearer k", "Cookie": "sessionid=s3cr3t", "User-Agent": "x"}},
        "user": {"id": 7, "email": "ana@example.com", "ip_address": "10.0.0.1"},
        "extra": {"tax_id": "20123456789", "new_password": "x", "count": 3},
        "exception": {"values": [{"type": "ValueError", "value": "ana@example.com"}]},
    }

    scrubbed = event_scrub(event, {})

    assert scrubbed["request"] == {"url": "https://alfa.example.com/facturas/", "method": "GET",
                                   "headers": {"Authorization": FILTERED, "Cookie": FILTERED, "User-Agent": "x"}}
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["extra"] == {"tax_id": FILTERED, "new_password": FILTERED, "count": 3}
    assert scrubbed["message"] == f"Fallo para {FILTERED} (CUIT {FILTERED}, también {FILTERED})"
    assert scrubbed["exception"]["values"][0] == {"type": "ValueError", "value": FILTERED}
    assert event["user"]["email"] == "ana@example.com"  # the original is left alone


class _Sentry(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk prefers brotli when the package is installed
            import brotli

            body = brotli.decompress(body)
        _Sentry.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SEND = """
import django, sentry_sdk
django.setup()
def invoice_send():
    business_name = "Ferreteria Gomez Hermanos"  # a local variable: often a person's name
    raise ValueError("Factura de ana.perez@example.com, CUIT 20-12345678-9")
try:
    invoice_send()
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


def test_with_a_dsn_the_settings_start_sentry_and_send_a_scrubbed_event():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "SENTRY_ENVIRONMENT": "pruebas",
           "SENTRY_DSN": f"http://clave@127.0.0.1:{server.server_address[1]}/1"}
    try:
        subprocess.run([sys.executable, "-c", SEND], cwd=ROOT, env=env, check=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()

    sent = b"".join(_Sentry.received).decode()
    assert "ValueError" in sent and '"environment":"pruebas"' in sent.replace(" ", "")
    assert "ana.perez@example.com" not in sent and "20-12345678-9" not in sent
    assert "invoice_send" in sent and "Ferreteria Gomez" not in sent  # the frames, without their variables
    assert FILTERED in sent
