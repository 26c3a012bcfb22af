"""The current account page (cuenta corriente) and its *Descargar resumen*, one for all who
see one: a customer and a supplier their own, the portal admin any party's from Cuentas
corrientes. The callers say what differs: whose it is, whether balances show, the menu entry,
the title."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal_core import exports
from portal_core.activity.services import Kind, audit_record
from portal_core.models import AccountLink, Customer, Supplier
from portal_core.web.kept_pages import kept_page
from portal_core.web.menu import menu_for

from . import pdf, selectors, sheets, statements
from .access import require_download
from .errors import BillingError
from .forms import StatementForm, ledger_filter_form
from .paging import party_version, rows_key, synced_page

LEDGER_RESOURCE = {Customer: "customer-account-entries", Supplier: "supplier-account-entries"}


def ledger_response(request, *, party: Customer | Supplier, show_balances: bool, menu_entry: str,
                    export_name: str, title: str, question_url_name: str = "", kept: bool = False,
                    **context) -> HttpResponse:
    """The page, or its CSV/XLSX export (logged as `export_name`). `question_url_name`: the
    party's own page, whose rows have *Consultar* (the admin's has not). `kept`: the page may be
    served again whole (portal_core.web.kept_pages; the party's own, not the admin's, whose
    `context` reads more than the party's data). `context` adds to the page's (the admin's way
    back and the party's accounts)."""
    today = timezone.localdate()
    form = ledger_filter_form(party, request.GET or None, balances=show_balances)
    filters = form.filters(overdue=show_balances and request.GET.get("vencidos") == "on")
    export = exports.requested_format(request)
    if export:
        require_download(request)
        entries = selectors.ledger_entries(party=party, filters=filters, today=today)
        response = sheets.ledger_export(entries, export_format=export, with_balance=show_balances,
                                        filename=f"cuenta-corriente-{party.external_id}")
        return exports.export_logged(response, user=request.user, what=export_name, target=party.business_name,
                                     export_format=export)
    version = party_version(request, party, LEDGER_RESOURCE[type(party)])

    def build():
        page = synced_page(request, lambda: selectors.ledger_entries(party=party, filters=filters, today=today),
                           version=version, key=("ledger_entries", party._meta.label_lower, party.pk, filters, today))
        summary = selectors.ledger_summary(party=party, filters=filters, today=today, version=version)
        return render(request, "billing_views/ledger.html", {
            "menu": menu_for(request, menu_entry), "party": party, "form": form, "filters": filters,
            "show_balances": show_balances, "summary": summary, "page": page, "title": title,
            "downloads": request.viewer.may(AccountLink.Permission.DOWNLOADS),
            "question_url_name": question_url_name,
            "rows_key": rows_key(version, party, filters, page, show_balances, today, "ledger", question_url_name),
            **context,
        })

    # The day the page was computed for is in its version: at midnight a page of yesterday's
    # overdue marks is not kept under today's date.
    return kept_page(request, f"{version}:{today}", build, party=party, params=form.fields) if kept else build()


def statement_response(request, *, party: Customer | Supplier, show_balances: bool, menu_entry: str, ledger_url: str,
                       export_name: str, title: str) -> HttpResponse:
    """*Descargar resumen*: the form (the current month to start with) or, once it is valid,
    the file, with its row in the activity log. A bad period, or a PDF too long, shows the form
    again with the reason and makes nothing."""
    form = StatementForm(request.GET or None, customer=isinstance(party, Customer), today=timezone.localdate())
    if form.is_valid():
        try:
            return _statement_download(request, party=party, data=form.cleaned_data, show_balances=show_balances,
                                       export_name=export_name)
        except BillingError as error:
            form.add_error(None, error.as_form_error())
    return render(request, "billing_views/statement.html", {
        "menu": menu_for(request, menu_entry), "title": title, "party": party, "form": form,
        "show_balances": show_balances, "ledger_url": ledger_url,
        "max_movements": statements.thousands(settings.STATEMENT_PDF_MAX_MOVEMENTS)})


def _statement_download(request, *, party, data: dict, show_balances: bool, export_name: str) -> HttpResponse:
    file = statements.statement_file(
        party=party, date_from=data["desde"], date_to=data["hasta"], file_format=data["formato"],
        company=request.tenant, related=data.get("relacionado", False), associated=data.get("asociado", False),
        with_balances=show_balances,
        logo=pdf.logo_path(request.tenant, profile_image=request.viewer.settings.profile_image))
    audit_record(kind=Kind.EXPORT, actor=request.user, target=party.business_name, detail={
        "what": export_name, "format": data["formato"], "desde": data["desde"].isoformat(),
        "hasta": data["hasta"].isoformat()})
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file.filename)
    return response
