"""What each billing export holds: its columns and its rows. How they are written (CSV or
XLSX, formula-safe, as an attachment) is portal_core.exports."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse

from portal_core.exports import csv_response, export_response, safe_text

from .formats import date_ar, decimal_ar

LEDGER_HEADER = ["Fecha", "Razón social", "CUIT", "Comprobante", "Vencimiento", "Importe", "Saldo"]
BALANCES_HEADER = ["Razón social", "CUIT", "Saldo", "Movimientos del período", "Vencido"]
RANKING_HEADER = ["Puesto", "Cliente", "Importe"]
ARTICLES_HEADER = ["Puesto", "Código", "Artículo", "Cantidad", "Importe"]
CHUNK = 2000


def csv_cell(value) -> str:
    """A cell of a CSV as Excel in es-AR reads it: dd/mm/aaaa, amounts with a decimal comma."""
    if isinstance(value, Decimal):
        return decimal_ar(value)
    if isinstance(value, date):
        return date_ar(value)
    return "" if value is None else str(value)


def ledger_export(entries: QuerySet, *, export_format: str, filename: str, with_balance: bool) -> HttpResponse:
    """A current account's movements. Without balances (switched off for the account's kind)
    the "Saldo" column is left out."""
    width = len(LEDGER_HEADER) if with_balance else len(LEDGER_HEADER) - 1

    def rows():
        for entry in entries.iterator(chunk_size=CHUNK):
            party = entry.customer if hasattr(entry, "customer") else entry.supplier
            yield [entry.date, safe_text(party.business_name), party.tax_id_display,
                   safe_text(entry.display_number), entry.due_date, entry.amount, entry.open_balance][:width]

    return export_response(export_format, rows(), header=LEDGER_HEADER[:width], filename=filename,
                           sheet="Cuenta corriente", csv_cell=csv_cell)


def balances_export(parties: QuerySet, *, export_format: str, filename: str) -> HttpResponse:
    """Every party's balance, movements in the period and overdue amount (admin_selectors)."""
    rows = ([safe_text(party.business_name), party.tax_id_display, party.balance, party.movements, party.overdue]
            for party in parties.iterator(chunk_size=CHUNK))
    return export_response(export_format, rows, header=BALANCES_HEADER, filename=filename, sheet="Saldos",
                           csv_cell=csv_cell)


def ranking_csv(ranking: list[dict]) -> HttpResponse:
    rows = ([position, safe_text(row["customer__business_name"]), decimal_ar(row["amount"])]
            for position, row in enumerate(ranking, start=1))
    return csv_response(rows, header=RANKING_HEADER, filename="ranking")


def articles_csv(articles: list[dict]) -> HttpResponse:
    rows = ([position, safe_text(row["article__code"]), safe_text(row["article__description"]),
             decimal_ar(row["quantity"], 3), decimal_ar(row["amount"])]
            for position, row in enumerate(articles, start=1))
    return csv_response(rows, header=ARTICLES_HEADER, filename="articulos")
