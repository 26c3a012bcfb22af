"""Reading an ERP export file (JSON or CSV) into sync rows, for the operator import."""

import csv
import json
from decimal import Decimal
from pathlib import Path

from .errors import SyncError
from .resources import RESOURCES

# Columns of a CSV that hold lists, separated by ";" in one cell.
LIST_COLUMNS = {"related"}


def rows_from_file(path: Path, *, resource: str) -> list[dict]:
    """JSON: a list of rows or `{"items": [...]}`. CSV (with a header row): one row per line,
    for resources without lines; empty cells are omitted so the field's default applies. A file
    that cannot be read as rows raises SyncError."""
    if resource not in RESOURCES:
        raise SyncError(SyncError.UNKNOWN_RESOURCE, resource=resource, known=", ".join(RESOURCES))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SyncError(SyncError.FILE_UNREADABLE, path=path, detail=error) from error
    if path.suffix.lower() == ".csv":
        return _csv_rows(text, resource)
    return _json_rows(text)


def _json_rows(text: str) -> list[dict]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as error:
        raise SyncError(SyncError.FILE_NOT_JSON, detail=error) from error
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    if isinstance(data, list):
        return data
    raise SyncError(SyncError.JSON_NOT_ROWS)


def _csv_rows(text: str, resource: str) -> list[dict]:
    if RESOURCES[resource].children:
        raise SyncError(SyncError.CSV_WITH_LINES, resource=resource)
    reader = csv.DictReader(text.splitlines())
    rows = []
    for record in reader:
        row = {}
        for column, value in record.items():
            if column is None or value in (None, ""):
                continue
            if column in LIST_COLUMNS:
                value = [part.strip() for part in value.split(";") if part.strip()]
            row[column] = value
        rows.append(row)
    return rows
