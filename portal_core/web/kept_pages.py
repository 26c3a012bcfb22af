"""Section pages kept whole: a page a session has seen, whose data has not changed since, is
served again from the cache instead of being built and rendered again (its menu, its filters
and its layout were most of what a warm list page cost, bench/request_cpu.py).

Only the rendering is kept, never the decision to show it: the view runs its access checks
(login, two-factor, the account's party, the section's switch) on every request and calls
`kept_page` only after them. The key holds everything else the page shows:

- the session (so a page is only ever served again to the session that saw it), the path and
  its query (only the parameters the page reads: each variant is an entry);
- the language and today's date (the overdue marks);
- the version of the ERP data the page reads (billing_views.paging.party_version: the party's
  own batches and the master data);
- the account, its link (permissions) and the portal's switches and company, as they were read
  for this request.

Two parts of a page change without any of that changing, and are filled in on every request:
the CSRF token of its forms (the token is masked anew each time, as Django does) and the
"Datos actualizados al ..." line, which moves with every batch of any party. The template
writes marks drawn at random for each render in their place, kept with the page. An admin's page
is never kept (its menu counts open questions); a page that shows messages (Retiro de pagos,
after booking a pickup) is rendered and not kept while there are messages to show.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .rewarm import is_rewarm, recipe_remember

KEPT_SECONDS = 300
MAX_VALUE_LENGTH = 100
PAGE_PARAMETER = "pagina"


def kept_page(request, version: str, build: Callable[[], HttpResponse], *, party, params: Iterable[str] = (),
              shows_messages: bool = False) -> HttpResponse:
    """The page `build` renders, or the one it rendered earlier for this session, query and
    state (see the module). `version`: the data version of what the page reads, `party`'s;
    `params`: the query parameters it reads besides the page number (a query with any other, or
    with one twice, is rendered and not kept: pages echo their query into their links, and every
    variant would be kept); `shows_messages`: its template shows the request's messages.

    A kept page is also recorded to be built again after its party's next batch
    (portal_core.web.rewarm); such a rebuild renders only what it keeps."""
    key = _key(request, version, {*params, PAGE_PARAMETER})
    rewarm = is_rewarm(request)
    if key is None or (shows_messages and len(get_messages(request))):
        return HttpResponse(status=204) if rewarm else build()
    if not rewarm:
        recipe_remember(request, party, kept_seconds=KEPT_SECONDS)
    kept = cache.get(key)
    if kept is not None:
        marks, content = kept
        return HttpResponse(status=204) if rewarm else HttpResponse(_filled(content, marks, request))
    # Marks drawn for this render: a query cannot name them, so nothing a visitor writes into
    # the page (its links echo the query) is ever replaced by the token.
    marks = request.page_marks = {"csrf": f"keptpage{secrets.token_hex(8)}",
                                  "updated": f"keptpage{secrets.token_hex(8)}"}
    response = build()
    if response.streaming:
        return response
    if response.status_code == 200:
        cache.set(key, (marks, response.content), KEPT_SECONDS)
    if rewarm:
        return response
    response.content = _filled(response.content, marks, request)
    return response


def updated_at_line(updated) -> str:
    """The "Datos actualizados al dd/mm/aaaa hh:mm" line of a portal page ("" before any sync)."""
    if updated is None:
        return ""
    when = dateformat.format(timezone.localtime(updated), "d/m/Y H:i")
    return format_html('<p class="updated-at muted">{}</p>', _("Datos actualizados al %(when)s") % {"when": when})


def _filled(content: bytes, marks: dict, request) -> bytes:
    text = content.decode()
    if marks["csrf"] in text:
        text = text.replace(marks["csrf"], get_token(request))
    return text.replace(marks["updated"], updated_at_line(request.viewer.data_updated_at)).encode()


def _key(request, version: str, params: set[str]) -> str | None:
    viewer = request.viewer
    session_key = request.session.session_key
    if not session_key or viewer.is_admin:
        return None
    query = request.GET
    if any(name not in params or len(values) > 1 or len(values[0]) > MAX_VALUE_LENGTH
           for name, values in query.lists()):
        return None
    parts = (session_key, request.path, sorted(query.items()), get_language(), timezone.localdate().isoformat(),
             version, _fields(request.user), _fields(viewer.link), _fields(viewer.settings), _fields(request.tenant))
    return "kept-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _fields(instance) -> list:
    """A model instance's stored values as read for this request (not what middleware attached
    to it, such as django-otp's bound methods, whose repr differs from process to process)."""
    if instance is None:
        return []
    return [getattr(instance, field.attname) for field in instance._meta.concrete_fields]
