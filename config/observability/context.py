"""What every log line of a request or task carries: its request id, the portal's schema and
the account. The request id lives in a context variable (per thread, per task); the schema is
read from the database connection (django-tenants switches it); the account from the request's
user once something in the request has loaded it (the filter never queries)."""

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# A kept page asked for again by a worker (portal_core.web.rewarm): a WSGI environ key, not an
# HTTP header, so no client can set it; such a request is not counted as a visit.
REWARM_ENVIRON = "portal.rewarm"
# A proxy's or client's id is kept when it is short and plain: no spaces, quotes or control
# characters reach a log line or a response header.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
request_var: ContextVar[object | None] = ContextVar("request", default=None)


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str:
    """`value` when it is a safe request id, else a new one."""
    if value and _SAFE_REQUEST_ID.match(value):
        return value
    return request_id_new()


def current_schema() -> str | None:
    from django.db import connection

    return getattr(connection, "schema_name", None)


def current_account_id() -> int | None:
    """The request's account, only when the request has already loaded its user."""
    request = request_var.get()
    user = getattr(request, "__dict__", {}).get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # a lazy user nobody has asked for yet
        return None
    return user.pk if user.is_authenticated else None


class LogContextFilter(logging.Filter):
    """Adds `request_id`, `schema` and `account_id` to every record (None when not known)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        try:
            record.schema = current_schema()
            record.account_id = current_account_id()
        except Exception:  # a log line is never lost to its context
            record.schema = record.account_id = None
        return True
