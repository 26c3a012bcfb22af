"""Every CSV and XLSX the portal hands out is written here, one way.

- `safe_text`: text that goes into a cell. Anything a spreadsheet would run as a formula is
  prefixed with an apostrophe (OWASP "CSV injection"): ERP names and log entries are data,
  never formulas. Callers pass each text cell through it; numbers and dates are no text
  (a CSV's "-300,00" is a number, and must stay one).
- `requested_format`: the `formato` a request asks for. Absent or empty is the page itself;
  any value the page does not offer is a 404, on every export URL alike.
- `csv_response`: streamed row by row, in constant memory.
- `xlsx_response`: built in memory, then sent whole (see its docstring).
- `export_response`: either of the two, for the format asked.
- `export_logged`: an export handed out, with its row in the activity log.
"""

import csv
import io
from collections.abc import Callable, Collection, Iterable, Sequence

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from portal_core.activity.services import Kind, audit_record

CSV, XLSX = "csv", "xlsx"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


def requested_format(request, *, offered: Collection[str] = (CSV, XLSX)) -> str | None:
    """`None` for the page; one of `offered`; or a 404 for anything else."""
    export_format = request.GET.get("formato")
    if not export_format:
        return None
    if export_format not in offered:
        raise Http404
    return export_format


class _Echo:
    """A file whose write() returns the line, for csv.writer rows streamed one by one."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Iterable], *, header: Sequence[str], filename: str) -> StreamingHttpResponse:
    """Semicolon-separated with a BOM: what Excel in es-AR opens cleanly. Each cell is written
    as it comes (amounts already with their decimal comma); `rows` is read while the response
    is sent. `filename` without its extension."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    return _attachment(StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE), f"{filename}.{CSV}")


def xlsx_response(rows: Iterable[Iterable], *, header: Sequence[str], filename: str, sheet: str) -> HttpResponse:
    """Not streamed: the file is built in memory, then sent whole. openpyxl's write-only mode
    writes each row to a temporary file as it comes (the rows are never all held as cells), and
    only the finished, compressed file is kept in memory. `filename` without its extension."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), f"{filename}.{XLSX}")


def export_response(export_format: str, rows: Iterable[Sequence], *, header: Sequence[str], filename: str,
                    sheet: str, csv_cell: Callable[[object], str] = str) -> HttpResponse:
    """The same rows as CSV or XLSX: XLSX keeps numbers and dates as such, CSV writes each
    cell as `csv_cell(cell)` (the caller's es-AR text of an amount or a date)."""
    if export_format == XLSX:
        return xlsx_response(rows, header=header, filename=filename, sheet=sheet)
    return csv_response((map(csv_cell, row) for row in rows), header=header, filename=filename)


def export_logged(response: HttpResponse, *, user, what: str, target: str = "", export_format: str = ""):
    """An export handed out, with its row in the activity log (who exported what)."""
    audit_record(kind=Kind.EXPORT, actor=user, target=target, detail={"what": what, "format": export_format})
    return response


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
