"""Errors of the ERP sync. A batch (or an import file) refused whole is a SyncError; each bad
row of a refused batch is a RowError, `{index, field, code, message}`. Messages are Spanish,
translated when shown: SyncError's are %-formatted like every DomainError's, a row's take
str.format placeholders filled from pydantic's context (`{max_length}`)."""

import dataclasses

from django.utils.translation import gettext_lazy as _
from pydantic_core import PydanticCustomError

from portal_core.errors import DomainError

UNKNOWN_REFERENCE = "unknown_reference"
DUPLICATE_IN_BATCH = "duplicate_in_batch"
INVALID_ROW = "invalid_row"
INVALID_CHARACTERS = "invalid_characters"
# Deleting rows the ERP removed (deletes.py).
NOT_IN_PORTAL = "not_in_portal"
STILL_REFERENCED = "still_referenced"
# The schemas' own validators (schemas.py).
INVALID_CUIT = "invalid_cuit"
INVALID_EMAIL = "invalid_email"
INVALID_CAE = "invalid_cae"

_DATE = _("Fecha inválida: use AAAA-MM-DD.")
_DATETIME = _("Fecha y hora inválida: use ISO 8601 (AAAA-MM-DDTHH:MM:SS).")
_INTEGER = _("Debe ser un número entero.")
_JSON_OBJECT = _("Debe ser un objeto JSON.")
_INVALID_VALUE = _("Valor inválido.")  # any other pydantic error type

# Our codes, and pydantic's error types worded for the ERP's developers.
ROW_MESSAGES = {
    UNKNOWN_REFERENCE: _("No existe {label} «{value}»."),
    DUPLICATE_IN_BATCH: _("Este external_id ya aparece antes en el mismo lote."),
    INVALID_ROW: _("Cada registro debe ser un objeto JSON."),
    INVALID_CHARACTERS: _("Contiene caracteres no permitidos (NUL)."),
    NOT_IN_PORTAL: _("No existe «{value}» en el portal."),
    STILL_REFERENCED: _("No se puede borrar «{value}»: lo usan {label} ({count}). Bórrelos o cámbielos antes."),
    INVALID_CUIT: _("CUIT inválido: deben ser 11 dígitos con dígito verificador correcto."),
    INVALID_EMAIL: _("Email inválido."),
    INVALID_CAE: _("El CAE debe tener 14 dígitos."),
    "missing": _("Campo obligatorio."),
    "extra_forbidden": _("Campo desconocido."),
    "string_type": _("Debe ser un texto."),
    "string_unicode": _("Contiene caracteres no permitidos (Unicode inválido)."),
    "string_too_short": _("No puede estar vacío."),
    "string_too_long": _("Demasiado largo: máximo {max_length} caracteres."),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": _INTEGER,
    "bool_type": _("Debe ser true o false."),
    "bool_parsing": _("Debe ser true o false."),
    "decimal_type": _("Debe ser un número."),
    "decimal_parsing": _("Debe ser un número."),
    "decimal_max_digits": _("Demasiados dígitos: máximo {max_digits}."),
    "decimal_max_places": _("Demasiados decimales: máximo {decimal_places}."),
    "decimal_whole_digits": _("Demasiados dígitos enteros."),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "literal_error": _("Valor no permitido: use {expected}."),
    "greater_than": _("Debe ser mayor que {gt}."),
    "greater_than_equal": _("Debe ser mayor o igual que {ge}."),
    "less_than_equal": _("Debe ser menor o igual que {le}."),
    "list_type": _("Debe ser una lista."),
    "too_short": _("Debe tener al menos {min_length} elemento(s)."),
    "too_long": _("Demasiados elementos: máximo {max_length}."),
    "model_type": _JSON_OBJECT,
    "model_attributes_type": _JSON_OBJECT,
    "dict_type": _JSON_OBJECT,
}


@dataclasses.dataclass(frozen=True)
class RowError:
    """Where a row went wrong (`index` in the batch, `field` as `lines[2].quantity`), its code,
    and what its message needs (pydantic's context, or ours)."""

    index: int
    field: str
    code: str
    params: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def message(self) -> str:
        template = str(ROW_MESSAGES.get(self.code, _INVALID_VALUE))
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template

    def as_dict(self) -> dict:
        return {"index": self.index, "field": self.field, "code": self.code, "message": self.message}


def row_refusal(code: str) -> PydanticCustomError:
    """What a schema's validator raises: pydantic reports `code` as the error's type."""
    return PydanticCustomError(code, str(ROW_MESSAGES[code]))


class SyncError(DomainError):
    TOO_MANY_ROWS = "too_many_rows"
    INVALID_ROWS = "invalid_rows"
    INVALID_DELETES = "invalid_deletes"
    # Reading an ERP export file (erp_import).
    UNKNOWN_RESOURCE = "unknown_resource"
    FILE_UNREADABLE = "file_unreadable"
    FILE_NOT_JSON = "file_not_json"
    JSON_NOT_ROWS = "json_not_rows"
    CSV_WITH_LINES = "csv_with_lines"

    MESSAGES = {
        TOO_MANY_ROWS: _("El lote tiene %(rows)d registros: el máximo es %(limit)d."),
        INVALID_ROWS: _("%(count)d error(es): no se guardó ningún registro del lote."),
    INVALID_DELETES: _("%(count)d error(es): no se borró ningún registro."),
        UNKNOWN_RESOURCE: _("Recurso desconocido «%(resource)s». Use uno de: %(known)s."),
        # `detail`: the system's or the JSON parser's own words, which say where the file is wrong.
        FILE_UNREADABLE: _("No se pudo leer «%(path)s»: %(detail)s"),
        FILE_NOT_JSON: _("El archivo no es JSON válido: %(detail)s"),
        JSON_NOT_ROWS: _("El JSON debe ser una lista de registros o un objeto con la clave «items»."),
        CSV_WITH_LINES: _("«%(resource)s» tiene renglones: impórtelo en JSON."),
    }


class BatchTooLarge(SyncError):
    def __init__(self, rows: int, limit: int):
        super().__init__(SyncError.TOO_MANY_ROWS, rows=rows, limit=limit)


class BatchInvalid(SyncError):
    """The batch changed nothing: each bad row is listed."""

    def __init__(self, errors: list[RowError], code: str = SyncError.INVALID_ROWS):
        super().__init__(code, count=len(errors))
        self.errors = sorted(errors, key=lambda error: (error.index, error.field))


def field_path(loc: tuple) -> str:
    """('lines', 2, 'quantity') -> 'lines[2].quantity'"""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
