"""Absolute URLs of portals, for redirects and for links sent outside a request."""

from django.conf import settings

from .models import Company


def portal_origin(company: Company, *, request=None) -> str:
    """`scheme://<slug>.<base domain>[:port]`, keeping the scheme and port of the current request."""
    if request is None:
        return f"{settings.PORTAL_URL_SCHEME}://{company.hostname}"
    host = request.get_host()
    port = f":{host.rsplit(':', 1)[1]}" if ":" in host else ""
    return f"{request.scheme}://{company.hostname}{port}"
