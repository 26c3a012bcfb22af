"""Health checks for the load balancer and the Kubernetes probes (root domain only).

Liveness (`/salud/vivo/`) says the process answers and touches nothing else, so a database or
Redis outage never makes Kubernetes restart healthy pods. Readiness (`/salud/`, the path load
balancers already ask) says whether the pod can serve: 503 without PostgreSQL; Redis down
keeps it 200 (pages work without the cache, queued work waits in its table) but is reported.
CompanyMiddleware routes both without loading the public Company, so neither needs the
database before the view runs.
"""

import functools

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

# Probes time out after a few seconds: a Redis that does not answer must not use them up.
REDIS_TIMEOUT_SECONDS = 0.5
PROBE_CLIENT_NAME = "portal-salud"  # as Redis' CLIENT LIST shows the probe's connection


@never_cache
def liveness(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readiness(request):
    database = "ok" if _database_answers() else "unreachable"
    cache = "ok" if _redis_answers() else "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database, "redis": cache},
                        status=status)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def _redis_answers() -> bool:
    location = settings.CACHES["default"].get("LOCATION")
    if not location:
        return False
    try:
        return bool(_redis_client(location if isinstance(location, str) else location[0]).ping())
    except redis.RedisError:
        return False


@functools.lru_cache(maxsize=4)
def _redis_client(location: str) -> redis.Redis:
    """A client of its own, not the cache's (the cache ignores errors, and its timeouts are
    longer), kept with its connection pool: the probe is public, and a new connection a
    request would let anyone have Redis accept connections as fast as they ask."""
    return redis.Redis.from_url(location, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_timeout=REDIS_TIMEOUT_SECONDS, client_name=PROBE_CLIENT_NAME)
