"""What each billing export holds: its columns and its rows. How they are written (CSV or
XLSX, formula-safe, as an attachment) is portal_core.exports."""

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


# --- Descargar resumen ---------------------------------------------------------------------

DATE_FORMAT, MONEY_FORMAT = "dd/mm/yyyy", "#,##0.00"
AGING_HEADER = ["A vencer", "1-30 días vencido", "31-60 días vencido", "61-90 días vencido",
                "Más de 90 días vencido"]


def statement_xlsx(*, statement, lines: Iterable, company) -> bytes:
    """The statement (billing_views.statements) as one sheet: its heading, the movements with
    real dates and numbers (amounts as numbers, formatted #.##0,00 by the reader's locale), the
    totals and the aging. Text from the ERP goes through safe_text, as in every export."""
    request = statement.request
    several = request.related or request.associated
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Resumen de cuenta")
    cell = _cell_maker(sheet)
    _statement_heading(sheet, statement, company, cell)
    header = ["Fecha", "Comprobante", *(["Razón social"] if several else []), "Vencimiento", "Debe", "Haber",
              *(["Saldo"] if request.with_balances else [])]
    sheet.append([cell(title, bold=True) for title in header])
    debit_column = header.index("Debe")
    if request.with_balances:
        sheet.append([cell(request.date_from), "Saldo anterior", *[None] * (len(header) - 3), cell(statement.opening)])
    for line in lines:
        entry = line.entry
        party = entry.customer if request.is_customer else entry.supplier
        document = f"{entry.get_doc_type_display()} {entry.display_number}" if entry.doc_type else entry.display_number
        row = [cell(entry.date), cell(document), *([cell(party.business_name)] if several else []),
               cell(entry.due_date, number_format=DATE_FORMAT), cell(line.debit, number_format=MONEY_FORMAT),
               cell(line.credit, number_format=MONEY_FORMAT)]
        sheet.append(row + ([cell(line.balance)] if request.with_balances else []))
    totals = [cell("Totales del período", bold=True), *[None] * (debit_column - 1), cell(statement.debits, bold=True),
              cell(statement.credits, bold=True)]
    if request.with_balances:
        totals.append(cell(statement.closing, bold=True))
    sheet.append(totals)
    if request.with_balances:
        _aging_rows(sheet, statement, cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_maker(sheet):
    """`cell(value)`: a write-only cell, text made safe, dates and amounts with their formats."""
    def cell(value, *, number_format: str | None = None, bold: bool = False):
        if isinstance(value, str):
            value = safe_text(value)
        one = WriteOnlyCell(sheet, value=value)
        if number_format or isinstance(value, date | Decimal):
            one.number_format = number_format or (DATE_FORMAT if isinstance(value, date) else MONEY_FORMAT)
        if bold:
            one.font = Font(bold=True)
        return one

    return cell


def _statement_heading(sheet, statement, company, cell) -> None:
    request = statement.request
    kind = "Cliente" if request.is_customer else "Proveedor"
    sheet.append([cell("Resumen de cuenta", bold=True), cell(company.display_name)])
    sheet.append([kind, cell(request.party.business_name), "CUIT", cell(request.party.tax_id_display)])
    sheet.append(["Desde", cell(request.date_from), "Hasta", cell(request.date_to), "Emitido", cell(statement.issued)])
    sheet.append([])


def _aging_rows(sheet, statement, cell) -> None:
    aging = statement.aging
    sheet.append([])
    sheet.append([cell("Saldo al", bold=True), cell(statement.request.date_to), cell(statement.closing, bold=True)])
    if aging["in_favour"]:
        sheet.append(["Saldo a favor", cell(aging["in_favour"])])
    sheet.append([])
    sheet.append([cell("Antigüedad del saldo", bold=True)])
    sheet.append([cell(title, bold=True) for title in AGING_HEADER])
    sheet.append([cell(aging[bucket]) for bucket in ("not_due", "days_1_30", "days_31_60", "days_61_90",
                                                     "days_90_plus")])
