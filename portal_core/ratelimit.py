from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache


def rate_limited(request, action: str) -> bool:
    """At most ACCESS_REQUESTS_PER_HOUR posts of `action` per IP and hour (per portal: cache
    keys carry the schema). While Redis is down nobody is turned away for that."""
    key = f"rate:{action}:{get_client_ip_address(request)}"
    cache.add(key, 0, timeout=3600)
    count = cache.incr(key)
    return count is not None and count > settings.ACCESS_REQUESTS_PER_HOUR
