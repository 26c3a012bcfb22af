import json

from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_core.activity import selectors
from portal_core.activity.forms import ActivityFilterForm
from portal_core.exports import csv_response, requested_format, safe_text
from portal_core.web.decorators import portal_admin_required
from portal_core.web.pages import PAGE_SIZE, render_page


@portal_admin_required
def activity_log(request):
    """Registro de actividad: who did what, to whom, from where; filtered, and as CSV."""
    form = ActivityFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.audit_events(**filters)
    if requested_format(request, offered=("csv",)):
        return _activity_csv(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render_page(request, "activity_log.html", "activity_log", form=form, page=page,
                   status=400 if form.errors else 200)


def _activity_csv(events):
    """The filtered log as CSV (es-AR dates, `;` as Excel in Argentina expects), streamed.
    Every text cell is neutralised: names and emails come from outside."""
    def rows():
        for event in events.iterator(chunk_size=2000):
            when = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M:%S")
            detail = json.dumps(event.detail, ensure_ascii=False) if event.detail else ""
            yield [when, safe_text(event.actor_email), event.ip or "", safe_text(str(event.get_kind_display())),
                   safe_text(event.target), safe_text(detail)]

    response = csv_response(rows(), header=[_("Fecha"), _("Quién"), _("IP"), _("Qué"), _("Sobre quién"), _("Detalle")],
                            filename=f"registro-de-actividad-{connection.tenant.slug}-{timezone.localdate():%Y%m%d}")
    response["Cache-Control"] = "private, no-store"
    return response
