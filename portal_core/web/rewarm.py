"""Kept pages built again right after the ERP's batch, before their person asks.

A batch moves the data version of the parties it touched (portal_core.erp.sync.stamps), so the
pages their sessions keep (kept_pages) move to new keys, and the next view of each renders it
again: a count and a summary over thousands of documents, 25 rows, the layout, 3-13 times a kept
page (bench/pages.py). So a kept page records, under its party and for as long as it is kept,
how to ask for it again (its *recipe*: host, path, query, language and session). Once a batch
commits, a task asks for the recorded pages of the parties it stamped, and of the customers whose
*Relacionado* lists show them, through the whole middleware stack as their session would: the
same access checks, the same key. The page is stored as if its person had asked, and the
person's next view is a kept one.

A replayed request changes nothing. Its session is read-only (`SessionMiddleware`), a session
the two-factor step would end is left for its person's own request to end
(accounts.middleware), it renders only a page it keeps, and it is counted as a rewarm, not as
a request. It carries no message cookie and never consumes a message: a person with a message to
show gets the page rendered live, as before (kept_pages).
"""

import contextvars
import io
import sys
import time
from functools import cache

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.core.cache import cache as shared_cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language

from config.observability.context import REWARM_ENVIRON as ENVIRON_FLAG
from config.observability.context import request_id_var
from config.observability.metrics import PAGES_REWARMED
from portal_core.models import Customer, PartyStamp

RECIPES_PER_PARTY = 8  # a party's sessions' most recently seen pages
REPLAYS_PER_BATCH = 32
QUEUED_SECONDS = 60  # a rebuild not started by then is dropped (tasks.py), and its party's mark lapses
REMEMBERED_AGAIN_AFTER = 60  # seconds: a page seen again refreshes its recipe at most this often
_remembered: dict[str, float] = {}  # recipe -> when this process last recorded it


def is_rewarm(request) -> bool:
    return bool(request.META.get(ENVIRON_FLAG))


def recipes_key(kind: str, party_id: int) -> str:
    return f"kept-recipes:{kind}:{party_id}"


def _party_kind(party) -> str:
    return PartyStamp.Kind.CUSTOMER if isinstance(party, Customer) else PartyStamp.Kind.SUPPLIER


def recipe_remember(request, party, *, kept_seconds: int) -> None:
    """Record how to ask for this page again (a kept page's request, hit or render) under
    `party`, for `kept_seconds`; at most every REMEMBERED_AGAIN_AFTER seconds per process."""
    recipe = (request.get_host(), request.path, request.META.get("QUERY_STRING", ""), get_language() or "",
              request.session.session_key, request.is_secure())
    recipe_id = repr(recipe)
    now = time.time()
    if now - _remembered.get(recipe_id, 0) < REMEMBERED_AGAIN_AFTER:
        return
    if len(_remembered) > 10_000:
        _remembered.clear()
    _remembered[recipe_id] = now
    key = recipes_key(_party_kind(party), party.pk)
    recipes = {other: seen_and_recipe for other, seen_and_recipe in (shared_cache.get(key) or {}).items()
               if seen_and_recipe[0] > now - kept_seconds}
    recipes[recipe_id] = (now, recipe)
    newest = sorted(recipes.items(), key=lambda item: item[1][0], reverse=True)[:RECIPES_PER_PARTY]
    shared_cache.set(key, dict(newest), kept_seconds)


def rewarm_on_commit(parties: set[tuple[str, int]]) -> None:
    """In a batch's transaction: once it commits, queue the rebuild of the pages recorded for
    these parties (and for the customers related to them). An error here is logged, never
    raised: the batch has committed, and its pages render on demand as before."""
    if parties:
        transaction.on_commit(lambda: _queue(parties), robust=True)


def _queue(parties: set[tuple[str, int]]) -> None:
    from tenants.queue import enqueue_on_commit

    from .tasks import kept_pages_rewarm

    customers = [party_id for kind, party_id in parties if kind == PartyStamp.Kind.CUSTOMER]
    if customers:
        through = Customer.related.through.objects.filter(
            Q(from_customer_id__in=customers) | Q(to_customer_id__in=customers))
        parties = parties | {(PartyStamp.Kind.CUSTOMER, party_id)
                             for pair in through.values_list("from_customer_id", "to_customer_id")
                             for party_id in pair}
    recorded = sorted(shared_cache.get_many([recipes_key(kind, party_id) for kind, party_id in parties]))
    # One rebuild waiting per party: a burst of batches queues one task, not one each, however
    # long the worker takes to reach it (the mark lapses with the task's expiry, or should the
    # broker refuse or lose it).
    keys = [key for key in recorded if shared_cache.add(f"{key}:queued", True, QUEUED_SECONDS)]
    if keys:
        enqueue_on_commit(kept_pages_rewarm, keys)


def recipes_replay(keys: list[str], *, kept_seconds: int) -> int:
    """Ask again for the pages recorded under `keys` (the newest REPLAYS_PER_BATCH seen in the
    last `kept_seconds`). Returns how many were asked for."""
    shared_cache.delete_many([f"{key}:queued" for key in keys])  # a batch from now on queues anew
    fresh = time.time() - kept_seconds
    recipes = {recipe_id: seen_and_recipe for value in shared_cache.get_many(keys).values()
               for recipe_id, seen_and_recipe in value.items() if seen_and_recipe[0] > fresh}
    newest = sorted(recipes.values(), key=lambda seen_and_recipe: seen_and_recipe[0], reverse=True)
    for _, recipe in newest[:REPLAYS_PER_BATCH]:
        _replay(recipe)
    return min(len(newest), REPLAYS_PER_BATCH)


def _replay(recipe: tuple) -> None:
    host, path, query, language, session_key, secure = recipe
    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path.encode().decode("iso-8859-1"),
        "QUERY_STRING": query, "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "443" if secure else "80",
        "HTTP_HOST": host, "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_key}",
        "HTTP_ACCEPT_LANGUAGE": language, "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "https" if secure else "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        ENVIRON_FLAG: True,
    }
    if secure and settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    # In a context of its own: what the request sets for itself (its log context, its language)
    # does not stay with the worker's next task. Its log lines carry the batch's request id.
    environ["HTTP_X_REQUEST_ID"] = request_id_var.get() or ""
    response = contextvars.copy_context().run(_handler(), environ, lambda status, headers, exc_info=None: None)
    response.close()  # request_finished, as after any request
    PAGES_REWARMED.labels("kept" if response.status_code == 200 else "skipped").inc()


@cache
def _handler():
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, except that a rewarm's session is read-only: nothing it does (not even
    Django's own re-keying when a rotated SECRET_KEY verified it) saves, renews or ends the
    session its person holds, nor puts it back in the cache (a logout in between would have
    deleted it there)."""

    def process_request(self, request):
        if is_rewarm(request):
            request.session = _read_only(self.SessionStore)(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        else:
            super().process_request(request)

    def process_response(self, request, response):
        return response if is_rewarm(request) else super().process_response(request, response)


def _nothing(*args, **kwargs):
    return None


class _CacheReads:
    """A cache that answers reads and ignores writes."""

    READS = frozenset({"get", "aget", "get_many", "has_key", "ahas_key"})

    def __init__(self, cache):
        self._cache = cache

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name) if name in self.READS else _nothing


@cache
def _read_only(store):
    def init(self, session_key=None):
        store.__init__(self, session_key)
        if hasattr(self, "_cache"):  # cached_db: a miss would write the row it read into the cache
            self._cache = _CacheReads(self._cache)

    async def anothing(self, *args, **kwargs):
        return None

    # Session data is signed with the store class's name: the read-only one reads the same rows.
    salt = "django.contrib.sessions." + store.__qualname__
    return type(f"ReadOnly{store.__name__}", (store,), {
        "__init__": init, "key_salt": property(lambda self: salt), "save": _nothing, "delete": _nothing,
        "create": _nothing, "asave": anothing, "adelete": anothing, "acreate": anothing})
