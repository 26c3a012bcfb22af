"""Response headers that keep private pages out of caches, and the per-view exceptions to the
Content-Security-Policy (see the "Security" section of config/settings/services.py)."""

from functools import wraps

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.utils.functional import empty

from .hosts import request_port_suffix

PRIVATE = "private, no-store"


def _signed_in(request) -> bool:
    """Whether a logged-in account made the request, without loading a session that is not there
    (anonymous requests keep their cacheability and cost no session read)."""
    user = getattr(request, "user", None)
    if user is None:
        return False
    if getattr(user, "_wrapped", None) is empty:
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return False
    return bool(user.is_authenticated)


def _is_download(response) -> bool:
    """A file to save (PDF, ZIP, CSV, XLSX). Inline images such as the portal's own image are
    not: anonymous visitors of the login page may cache those."""
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a logged-in account, on every file
    download and on every API call that carried a key: a shared cache, the browser's disk cache
    or the back button never keep someone's invoices. Anonymous pages stay cacheable. Every
    response also gets PERMISSIONS_POLICY.

    Sits inside WhiteNoise, so static files never pass through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "HTTP_AUTHORIZATION" in request.META or _is_download(response) or _signed_in(request):
            # Replaces public, max-age or no-cache; keeps never_cache's header, already as strict.
            current = response.get("Cache-Control", "")
            if "no-store" not in current or "private" not in current:
                response["Cache-Control"] = PRIVATE
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def erp_widget_framing(view):
    """The ERP widget may be framed by the ERP's web UI: frame-ancestors lists 'self' and the
    origins in ERP_WIDGET_FRAME_ANCESTORS (read per request, so settings overrides apply)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = {"frame-ancestors": list(settings.ERP_WIDGET_FRAME_ANCESTORS)}
        return csp_replace(policy)(view)(request, *args, **kwargs)

    return wrapped


def form_action_portals(view):
    """Crear Portal posts to the root domain, which then redirects to the new portal's login on
    its own subdomain; browsers check that redirect against form-action too."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        portals = f"{request.scheme}://*.{settings.PORTAL_BASE_DOMAIN}{request_port_suffix(request)}"
        return csp_update({"form-action": [portals]})(view)(request, *args, **kwargs)

    return wrapped
