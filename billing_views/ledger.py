"""The current account page (cuenta corriente), one for all who see one: a customer and a
supplier their own, the portal admin any party's from Cuentas corrientes. The callers say
what differs: whose it is, whether balances show, the menu entry, the title."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal_core import exports
from portal_core.models import Customer, Supplier
from portal_core.web.menu import menu_for

from . import selectors, sheets
from .forms import ledger_filter_form
from .paging import party_version, rows_key, synced_page

LEDGER_RESOURCE = {Customer: "customer-account-entries", Supplier: "supplier-account-entries"}


def ledger_response(request, *, party: Customer | Supplier, show_balances: bool, menu_entry: str,
                    export_name: str, title: str, question_url_name: str = "", **context) -> HttpResponse:
    """The page, or its CSV/XLSX export (logged as `export_name`). `question_url_name`: the
    party's own page, whose rows have *Consultar* (the admin's has not). `context` adds to the
    page's (the admin's way back and the party's accounts)."""
    today = timezone.localdate()
    form = ledger_filter_form(party, request.GET or None, balances=show_balances)
    filters = form.filters(overdue=show_balances and request.GET.get("vencidos") == "on")
    entries = selectors.ledger_entries(party=party, filters=filters, today=today)
    export = exports.requested_format(request)
    if export:
        response = sheets.ledger_export(entries, export_format=export, with_balance=show_balances,
                                        filename=f"cuenta-corriente-{party.external_id}")
        return exports.export_logged(response, user=request.user, what=export_name, target=party.business_name,
                                     export_format=export)
    version = party_version(request, party, LEDGER_RESOURCE[type(party)])
    page = synced_page(request, entries, version=version)
    summary = selectors.ledger_summary(party=party, filters=filters, today=today, version=version)
    return render(request, "billing_views/ledger.html", {
        "menu": menu_for(request, menu_entry), "party": party, "form": form, "filters": filters,
        "show_balances": show_balances, "summary": summary, "page": page, "title": title,
        "question_url_name": question_url_name,
        "rows_key": rows_key(version, party, filters, page, show_balances, today, "ledger", question_url_name),
        **context,
    })
