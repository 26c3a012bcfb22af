"""The filter bar of a list, rendered once per process for each set of values it shows.

Its HTML depends on nothing but the form's fields, the values typed in them, the page's path and
the language: no account, party or portal data. Django renders each widget through its own
templates, about a tenth of a section page's time, so the bars seen again (the same filters, or
none) are kept in a small in-process table, at most `LIMIT` of them, the oldest dropped first.
A form with errors is rendered each time (its messages are the point of showing it).
"""

import threading
from collections import OrderedDict

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

register = template.Library()

TEMPLATE = "billing_views/_filters.html"
LIMIT = 512
_rendered: OrderedDict = OrderedDict()
_lock = threading.Lock()


@register.simple_tag(takes_context=True)
def filter_bar(context, form):
    request = context["request"]
    if form.is_bound and form.errors:
        return render_to_string(TEMPLATE, {"form": form, "request": request})
    key = (type(form).__qualname__, request.path, get_language(),
           tuple((name, tuple(form.data.getlist(name)) if form.is_bound else ()) for name in form.fields))
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = render_to_string(TEMPLATE, {"form": form, "request": request})
    with _lock:
        _rendered[key] = html
        while len(_rendered) > LIMIT:
            _rendered.popitem(last=False)
    return html
