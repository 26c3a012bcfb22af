"""Request ids: kept from a proxy when safe, replaced when not, made when absent; returned in
X-Request-ID and written, with the portal's schema and the account, on the request's log lines."""

import json
import logging
import re
import sys

import pytest

from config.observability.logs import JsonFormatter, logging_config
from tests.config.observability import json_log_lines
from tests.conftest import PASSWORD, host_client

GENERATED = re.compile(r"^[0-9a-f]{32}$")


def test_a_safe_request_id_from_the_proxy_is_kept(alfa):
    response = host_client(alfa).get("/ingresar/", HTTP_X_REQUEST_ID="lb-7f3a9c.2026_01")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a9c.2026_01"


@pytest.mark.parametrize("given", ["short", "has spaces in it", "x" * 65, "<script>alert(1)</script>",
                                   "abc\r\nSet-Cookie: a=b", "ñandú-12345"])
def test_an_unsafe_request_id_is_replaced_by_a_new_one(alfa, given):
    response = host_client(alfa).get("/ingresar/", HTTP_X_REQUEST_ID=given)

    assert GENERATED.match(response["X-Request-ID"])


def test_a_request_without_an_id_gets_a_new_one_each_time(public_client):
    first, second = public_client.get("/salud/"), public_client.get("/salud/")

    assert GENERATED.match(first["X-Request-ID"]) and GENERATED.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_request_log_line_carries_request_id_schema_and_account(alfa):
    # given the portal's admin, logged in
    client = host_client(alfa)
    assert client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD}).status_code == 302
    account_id = client.session["_auth_user_id"]

    # when a page that does not exist is asked for (Django logs the 404)
    with json_log_lines(logging.WARNING) as lines:
        response = client.get("/no-existe/", HTTP_X_REQUEST_ID="req-0123456789")

    # then its log line is one JSON object with the request's id, schema and account
    assert response.status_code == 404
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert len(not_found) == 1
    assert not_found[0]["message"] == "Not Found: /no-existe/"
    assert not_found[0]["level"] == "WARNING"
    assert (not_found[0]["request_id"], not_found[0]["schema"], str(not_found[0]["account_id"])) == (
        "req-0123456789", alfa.schema_name, account_id)


def test_the_json_formatter_writes_one_line_with_extras_and_the_traceback():
    try:
        raise ValueError("roto")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, "f.py", 1, "falló %s", ("algo",),
                                                   exc_info=sys.exc_info(),
                                                   extra={"resource": "customers"})

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "falló algo" and entry["resource"] == "customers"
    assert entry["exception"].startswith("Traceback") and "ValueError: roto" in entry["exception"]


def test_production_logs_json_to_stdout_and_local_runs_readable_lines():
    production = logging_config(log_format="json", level="INFO")
    local = logging_config(log_format="text", level="INFO")

    assert production["formatters"]["main"] == {"()": JsonFormatter}
    assert production["handlers"]["console"]["stream"] == "ext://sys.stdout"
    assert "%(request_id)s" in local["formatters"]["main"]["format"]
