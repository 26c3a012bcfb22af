"""Reading an ERP export file (JSON or CSV) into sync rows, for the operator import."""

import csv
import json
from decimal import Decimal
from pathlib import Path

from .resources import RESOURCES

# Columns of a CSV that hold lists, separated by ";" in one cell.
LIST_COLUMNS = {"related"}


class ImportFileError(Exception):
    pass


def rows_from_file(path: Path, *, resource: str) -> list[dict]:
    """JSON: a list of rows or `{"items": [...]}`. CSV (with a header row): one row per line,
    for resources without lines; empty cells are omitted so the field's default applies."""
    if resource not in RESOURCES:
        raise ImportFileError(f"Recurso desconocido «{resource}». Use uno de: {', '.join(RESOURCES)}.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"No se pudo leer «{path}»: {error}") from error
    if path.suffix.lower() == ".csv":
        return _csv_rows(text, resource)
    return _json_rows(text)


def _json_rows(text: str) -> list[dict]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as error:
        raise ImportFileError(f"El archivo no es JSON válido: {error}") from error
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    if isinstance(data, list):
        return data
    raise ImportFileError("El JSON debe ser una lista de registros o un objeto con la clave «items».")


def _csv_rows(text: str, resource: str) -> list[dict]:
    if RESOURCES[resource].children:
        raise ImportFileError(f"«{resource}» tiene renglones: impórtelo en JSON.")
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
