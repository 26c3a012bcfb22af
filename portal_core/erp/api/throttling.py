from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiKeyThrottle(SimpleRateThrottle):
    """Requests per API key (ERP_SYNC_RATE); the cache key is also prefixed by the schema."""

    scope = "erp_sync"

    def get_rate(self):
        return settings.ERP_SYNC_RATE

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
