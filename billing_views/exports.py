"""CSV and XLSX of a current account, streamed row by row (constant memory for any size)."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from portal_core.activity.services import Kind, audit_record
from portal_core.spreadsheet import Echo, safe_text

from .formats import date_ar, decimal_ar

HEADER = ["Fecha", "Razón social", "CUIT", "Comprobante", "Vencimiento", "Importe", "Saldo"]
CHUNK = 2000


def _rows(entries):
    for entry in entries.iterator(chunk_size=CHUNK):
        party = entry.customer if hasattr(entry, "customer") else entry.supplier
        yield [entry.date, safe_text(party.business_name), party.tax_id_display, safe_text(entry.display_number),
               entry.due_date, entry.amount, entry.open_balance]


def ledger_export(entries, *, export_format: str, filename: str, with_balance: bool = True):
    """Without balances (switched off for the account's kind) the "Saldo" column is left out."""
    width = len(HEADER) if with_balance else len(HEADER) - 1
    if export_format == "csv":
        return _csv(entries, filename, width)
    return _xlsx(entries, filename, width)


def _csv(entries, filename, width):
    """Semicolon-separated with decimal commas and a BOM: what Excel in es-AR opens cleanly."""
    writer = csv.writer(Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(HEADER[:width])
        for row in _rows(entries):
            row[0], row[4] = date_ar(row[0]), date_ar(row[4])
            row[5], row[6] = decimal_ar(row[5]), decimal_ar(row[6])
            yield writer.writerow(row[:width])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.csv")
    return response


def _xlsx(entries, filename, width):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cuenta corriente")
    sheet.append(HEADER[:width])
    for row in _rows(entries):
        sheet.append(row[:width])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.xlsx")
    return response


def logged(response, *, user, what: str, target: str = "", export_format: str = ""):
    """An export handed out, with its row in the activity log (who exported what)."""
    audit_record(kind=Kind.EXPORT, actor=user, target=target, detail={"what": what, "format": export_format})
    return response
