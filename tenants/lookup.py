"""Which portal a hostname is, remembered by each process.

Every request starts by finding its portal: a Domain row joined to its Company, read after a
`SET search_path` to the public schema. On a warm section page that was about a quarter of the
request's CPU (bench/load.py, the closing note of issue #14), for rows that change a few times
in a portal's life. Each process keeps them here by hostname and checks them on every request
against one number in Redis, the *generation*, which every change to a Company or a Domain
raises once its transaction has committed: a suspension, a new or removed domain or a deleted
portal is seen by every web worker on its next request.

When Redis cannot confirm the generation (down, or restarted and the number lost), an entry is
trusted for at most `TENANT_CACHE_SECONDS` (default 5) and then read again from PostgreSQL; a
failed Redis read is not retried for that long either, so a Redis outage costs no request a
timeout here. Unknown hostnames are never remembered (each one is a query, as before).
"""

import copy
import secrets
import time

import redis
from django.conf import settings
from django.db import transaction

GENERATION_KEY = "tenants:lookup-generation"
MAX_ENTRIES = 20_000  # hostnames of real portals; past it everything is read again
REDIS_TIMEOUT_SECONDS = 0.25

_entries: dict[str, tuple[float, int | None, object]] = {}
_redis = {"client": None, "down_until": 0.0}


def company_for_host(hostname: str, load):
    """The Company `hostname` routes to: a copy of the remembered one (each request may set
    attributes on its own), or `load(hostname)` read now. `load` raises for an unknown host."""
    generation = _generation()
    entry = _entries.get(hostname)
    if entry is not None and _fresh(entry, generation):
        return copy.copy(entry[2])
    company = load(hostname)
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[hostname] = (time.monotonic(), generation, company)
    return copy.copy(company)


def _fresh(entry, generation: int | None) -> bool:
    loaded_at, entry_generation, _ = entry
    if generation is not None and entry_generation == generation:
        return True
    return generation is None and time.monotonic() - loaded_at < settings.TENANT_CACHE_SECONDS


def forget() -> None:
    """Drop this process's entries now, and every process's once the current transaction
    commits (a process reading before the commit would otherwise keep the old row)."""
    _entries.clear()
    transaction.on_commit(_generation_raise)


def _generation() -> int | None:
    """The current generation, or None when Redis does not answer. A lost key (a Redis
    restart) starts again from a random number, never from one an entry may already hold."""
    client = _client()
    if client is None:
        return None
    try:
        value = client.get(GENERATION_KEY)
        if value is None:
            client.set(GENERATION_KEY, secrets.randbits(62), nx=True)
            value = client.get(GENERATION_KEY)
        return int(value)
    except (redis.RedisError, ValueError, TypeError):
        _redis["down_until"] = time.monotonic() + settings.TENANT_CACHE_SECONDS
        return None


def _generation_raise() -> None:
    _entries.clear()
    client = _client()
    if client is None:
        return
    try:
        client.incr(GENERATION_KEY)
    except redis.RedisError:
        _redis["down_until"] = time.monotonic() + settings.TENANT_CACHE_SECONDS


def _client():
    if time.monotonic() < _redis["down_until"]:
        return None
    if _redis["client"] is None:
        location = settings.CACHES["default"].get("LOCATION")
        if not location:
            return None
        # Its own client with short timeouts: the cache's ignores errors and waits a second.
        _redis["client"] = redis.Redis.from_url(location if isinstance(location, str) else location[0],
                                                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                                socket_timeout=REDIS_TIMEOUT_SECONDS)
    return _redis["client"]


def reset() -> None:
    """Forget every entry and the Redis client (tests; a forked process)."""
    _entries.clear()
    _redis.update(client=None, down_until=0.0)
