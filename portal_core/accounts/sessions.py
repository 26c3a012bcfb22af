"""Ending an account's open sessions (in the active schema: each portal keeps its own)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone


def sessions_end_others(*, user, keep_session_key: str | None) -> int:
    """End every open session of the account except `keep_session_key`; returns how many.

    Sessions are read through the cache but always written to the database (`cached_db`), so
    the table has them all; the store's delete drops the cached copy too. The scan decodes the
    portal's unexpired sessions: a rare action (turning two-factor off, using a recovery code)
    over at most a few thousand rows."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store_class()
    rows = (store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
            .exclude(session_key=keep_session_key or "").values_list("session_key", "session_data"))
    ended = 0
    for session_key, data in rows.iterator():
        if decoder.decode(data).get(SESSION_KEY) == str(user.pk):
            store_class(session_key=session_key).delete()
            ended += 1
    return ended
