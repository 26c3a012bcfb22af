from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal_core.web.client import client_ip, client_network


def rate_limited(request, action: str, *, limit: int | None = None, window: int = 3600) -> bool:
    """At most `limit` (default ACCESS_REQUESTS_PER_HOUR) posts of `action` per client IP and
    `window` seconds (per portal: cache keys carry the schema). The client as the trusted proxies
    report it, so one visitor's posts do not use up everyone's behind the ingress; an IPv6 client
    by its /64. While Redis is down nobody is turned away for that."""
    key = f"rate:{action}:{client_network(client_ip(request))}"
    cache.add(key, 0, timeout=window)
    count = cache.incr(key)
    return count is not None and count > (settings.ACCESS_REQUESTS_PER_HOUR if limit is None else limit)


def too_many_response(request, template: str, form):
    message = _("Demasiados intentos desde su conexión. Espere una hora y vuelva a intentar.")
    return render(request, template, {"form": form, "error_message": message}, status=429)
