"""Who a login attempt comes from, and when attempts lock: the two things django-axes' own
settings cannot say.

* The client's IP behind our own proxies (AXES_CLIENT_IP_CALLABLE). Each reverse proxy appends
  the address it received the request from to X-Forwarded-For, so with TRUSTED_PROXY_COUNT
  proxies in front the client is that many entries from the right; whatever stands further
  left was written by the client and is ignored. With TRUSTED_PROXY_IPS set, a peer outside
  those networks is itself taken as the client, whatever header it sends.
* A second, higher limit per IP across emails (password spraying). Axes compares every lockout
  parameter with the one AXES_FAILURE_LIMIT, and listing "ip_address" as a parameter would also
  let one successful login from the IP wipe the IP's whole count (reset on success deletes the
  attempts matching every parameter). So the parameters stay email+IP and the handler adds the
  IP-wide count: AXES_IP_FAILURE_LIMIT failures from one IP within the cool-off lock that IP for
  every email. Axes' tables are per schema, so both counts are per portal.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from ipware.ip import get_client_ip


def client_ip_address(request) -> str | None:
    """The client's IP as our trusted proxies report it. Callers use `portal_core.activity.services.client_ip`
    (axes' resolver, which calls this), so lockouts, rate limits and the activity log agree."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 1 or not _is_trusted_proxy(peer):
        return peer
    # django-ipware's proxy_count counts the hops *inside* the header: the last proxy's own
    # address is the peer, not an entry. Not strict, so a client's own garbage further left
    # does not make us fall back to the proxy's address.
    client, _routable = get_client_ip(
        request, proxy_order="left-most", proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False,
    )
    # No usable header (a probe straight to the pod, or fewer hops than proxies): the peer.
    return client or peer


def _is_trusted_proxy(peer: str | None) -> bool:
    if not settings.TRUSTED_PROXY_IPS:
        return True
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.TRUSTED_PROXY_IPS)


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler plus the IP-wide limit (see the module's docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures that count for this attempt: the email+IP pair's, or the failure limit
        itself once the IP reached AXES_IP_FAILURE_LIMIT over any emails, so it is locked
        whatever email it tries next. Axes both checks and sets the lockout with this number."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self._ip_limit_reached(request):
            return limit
        return failures

    @staticmethod
    def _ip_limit_reached(request) -> bool:
        ip_limit = settings.AXES_IP_FAILURE_LIMIT
        if not ip_limit or not request.axes_ip_address:
            return False
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=request.axes_attempt_time - cool_off)
        failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        return failures >= ip_limit
