"""Section pages kept whole: a page a session has seen, whose data has not changed since, is
served again from the cache instead of being built and rendered again (its menu, its filters
and its layout were most of what a warm list page cost, bench/request_cpu.py).

Only the rendering is kept, never the decision to show it: the view runs its access checks
(login, two-factor, the account's party, the section's switch) on every request and calls
`kept_page` only after them. The key holds everything else the page shows:

- the session (so a page is only ever served again to the session that saw it) and the path
  with its query;
- the language and today's date (the overdue marks);
- the version of the ERP data the page reads (billing_views.paging.party_version: the party's
  own batches and the master data);
- the account, its link (permissions) and the portal's switches and company, as they were read
  for this request.

Two parts of a page change without any of that changing, and are filled in on every request:
the CSRF token of its forms (the token is masked anew each time, as Django does) and the
"Datos actualizados al ..." line, which moves with every batch of any party. An admin's page
is never kept (its menu counts open questions); a page that shows messages (Retiro de pagos,
after booking a pickup) is rendered and not kept while there are messages to show.
"""

import hashlib
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

KEPT_SECONDS = 300
# What the template writes instead of the two parts filled in per request (letters only: they
# come through HTML escaping unchanged).
CSRF_MARK = "keptpagecsrftokenmark"
UPDATED_AT_MARK = "keptpageupdatedatmark"


def kept_page(request, version: str, build: Callable[[], HttpResponse], *, shows_messages: bool = False
              ) -> HttpResponse:
    """The page `build` renders, or the one it rendered earlier for this session, path and
    state (see the module). `version`: the data version of what the page reads;
    `shows_messages`: its template shows the request's messages."""
    key = _key(request, version)
    if key is None or (shows_messages and len(get_messages(request))):
        return build()
    content = cache.get(key)
    if content is None:
        request.page_marks = True  # read by portal_core.web.context_processors
        response = build()
        if response.status_code != 200 or response.streaming:
            return response
        cache.set(key, response.content, KEPT_SECONDS)
        response.content = _filled(response.content, request)
        return response
    return HttpResponse(_filled(content, request))


def updated_at_line(updated) -> str:
    """The "Datos actualizados al dd/mm/aaaa hh:mm" line of a portal page ("" before any sync)."""
    if updated is None:
        return ""
    when = dateformat.format(timezone.localtime(updated), "d/m/Y H:i")
    return format_html('<p class="updated-at muted">{}</p>', _("Datos actualizados al %(when)s") % {"when": when})


def _filled(content: bytes, request) -> bytes:
    text = content.decode()
    if CSRF_MARK in text:
        text = text.replace(CSRF_MARK, get_token(request))
    return text.replace(UPDATED_AT_MARK, updated_at_line(request.viewer.data_updated_at)).encode()


def _key(request, version: str) -> str | None:
    viewer = request.viewer
    session_key = request.session.session_key
    if not session_key or viewer.is_admin:
        return None
    parts = (session_key, request.get_full_path(), get_language(), timezone.localdate().isoformat(), version,
             _fields(request.user), _fields(viewer.link), _fields(viewer.settings), _fields(request.tenant))
    return "kept-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _fields(instance) -> list:
    """A model instance's stored values as read for this request (not what middleware attached
    to it, such as django-otp's bound methods, whose repr differs from process to process)."""
    if instance is None:
        return []
    return [getattr(instance, field.attname) for field in instance._meta.concrete_fields]
