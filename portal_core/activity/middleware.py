"""The client of the request being served, for the activity-log rows services write meanwhile."""

from contextvars import ContextVar

from portal_core.web.client import client_ip

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def current_ip() -> str | None:
    """The client IP of the request being served (None in Celery tasks and commands)."""
    return _client_ip.get()
