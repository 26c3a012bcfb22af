"""Sentry, only when SENTRY_DSN is set: errors of the web and the Celery workers, with personal
data scrubbed before an event leaves the process (`event_scrub`, a pure function)."""

import re

FILTERED = "[Filtered]"
# Keys whose values are never sent, wherever they appear in an event.
_SECRET_KEY = re.compile(r"pass|secret|token|auth|cookie|session|csrf|api[-_]?key|signature|"
                         r"email|cuit|cuil|tax|dni", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# CUIT/CUIL: 11 digits, usually written 20-12345678-9.
_TAX_ID = re.compile(r"\b\d{2}-?\d{8}-?\d\b")
# The request's parts that carry personal data or credentials as a whole.
_REQUEST_DROPPED = ("cookies", "query_string", "data", "env")


def text_scrub(value: str) -> str:
    return _TAX_ID.sub(FILTERED, _EMAIL.sub(FILTERED, value))


def _scrub(value):
    if isinstance(value, str):
        return text_scrub(value)
    if isinstance(value, dict):
        return {key: FILTERED if isinstance(key, str) and _SECRET_KEY.search(key) else _scrub(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _request_scrub(request: dict) -> dict:
    request = {key: value for key, value in request.items() if key not in _REQUEST_DROPPED}
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    return request


def event_scrub(event: dict, hint: dict | None = None) -> dict:
    """`event` without emails, CUITs, passwords, cookies, credentials or query strings; the user
    reduced to its id. Sentry's `before_send` (and `before_send_transaction`)."""
    event = dict(event)
    if isinstance(event.get("request"), dict):
        event["request"] = _request_scrub(event["request"])
    if isinstance(event.get("user"), dict):
        event["user"] = {"id": event["user"]["id"]} if "id" in event["user"] else {}
    return _scrub(event)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn, environment=environment or None, traces_sample_rate=traces_sample_rate,
        send_default_pii=False, before_send=event_scrub, before_send_transaction=event_scrub,
        # A frame's variables hold rows (names, addresses, amounts) no pattern can tell apart.
        include_local_variables=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
