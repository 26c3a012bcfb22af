"""Absolute URLs of portals, for redirects and for links sent outside a request."""

from django.conf import settings

from .models import Company


def request_port_suffix(request) -> str:
    """`:8000` when the request came to an explicit port, else an empty string."""
    host = request.get_host()
    return f":{host.rsplit(':', 1)[1]}" if ":" in host else ""


def portal_origin(company: Company, *, request=None) -> str:
    """`scheme://<slug>.<base domain>[:port]`, keeping the scheme and port of the current request."""
    if request is None:
        return f"{settings.PORTAL_URL_SCHEME}://{company.hostname}"
    return f"{request.scheme}://{company.hostname}{request_port_suffix(request)}"
