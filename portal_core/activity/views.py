import csv
import json

from django.core.paginator import Paginator
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal_core.activity import selectors
from portal_core.activity.forms import ActivityFilterForm
from portal_core.spreadsheet import Echo, safe_text
from portal_core.web.decorators import portal_admin_required
from portal_core.web.pages import PAGE_SIZE, render_page


@portal_admin_required
def activity_log(request):
    """Registro de actividad: who did what, to whom, from where; filtered, and as CSV."""
    form = ActivityFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.audit_events(**filters)
    if request.GET.get("formato") == "csv":
        return _activity_csv(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render_page(request, "activity_log.html", "activity_log", form=form, page=page,
                   status=400 if form.errors else 200)


def _activity_csv(events):
    """The filtered log as CSV (es-AR dates, `;` as Excel in Argentina expects), streamed.
    Every text cell is neutralised: names and emails come from outside."""
    def lines():
        writer = csv.writer(Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow([_("Fecha"), _("Quién"), _("IP"), _("Qué"), _("Sobre quién"), _("Detalle")])
        for event in events.iterator(chunk_size=2000):
            when = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M:%S")
            detail = json.dumps(event.detail, ensure_ascii=False) if event.detail else ""
            yield writer.writerow([when, safe_text(event.actor_email), event.ip or "",
                                   safe_text(str(event.get_kind_display())), safe_text(event.target),
                                   safe_text(detail)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"registro-de-actividad-{connection.tenant.slug}-{timezone.localdate():%Y%m%d}.csv")
    response["Cache-Control"] = "private, no-store"
    return response
