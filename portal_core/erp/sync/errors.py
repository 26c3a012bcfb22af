"""Per-row errors of a batch: `{index, field, code, message}`, messages in Spanish."""

from dataclasses import asdict, dataclass

UNKNOWN_REFERENCE = "unknown_reference"
DUPLICATE_IN_BATCH = "duplicate_in_batch"
INVALID_ROW = "invalid_row"
INVALID_CHARACTERS = "invalid_characters"

# pydantic's error types, worded for the ERP's developers.
_MESSAGES = {
    "missing": "Campo obligatorio.",
    "extra_forbidden": "Campo desconocido.",
    "string_type": "Debe ser un texto.",
    "string_unicode": "Contiene caracteres no permitidos (Unicode inválido).",
    "string_too_short": "No puede estar vacío.",
    "string_too_long": "Demasiado largo: máximo {max_length} caracteres.",
    "int_type": "Debe ser un número entero.",
    "int_parsing": "Debe ser un número entero.",
    "int_from_float": "Debe ser un número entero.",
    "bool_type": "Debe ser true o false.",
    "bool_parsing": "Debe ser true o false.",
    "decimal_type": "Debe ser un número.",
    "decimal_parsing": "Debe ser un número.",
    "decimal_max_digits": "Demasiados dígitos: máximo {max_digits}.",
    "decimal_max_places": "Demasiados decimales: máximo {decimal_places}.",
    "decimal_whole_digits": "Demasiados dígitos enteros.",
    "date_type": "Fecha inválida: use AAAA-MM-DD.",
    "date_parsing": "Fecha inválida: use AAAA-MM-DD.",
    "date_from_datetime_parsing": "Fecha inválida: use AAAA-MM-DD.",
    "date_from_datetime_inexact": "Fecha inválida: use AAAA-MM-DD.",
    "datetime_type": "Fecha y hora inválida: use ISO 8601 (AAAA-MM-DDTHH:MM:SS).",
    "datetime_parsing": "Fecha y hora inválida: use ISO 8601 (AAAA-MM-DDTHH:MM:SS).",
    "datetime_from_date_parsing": "Fecha y hora inválida: use ISO 8601 (AAAA-MM-DDTHH:MM:SS).",
    "literal_error": "Valor no permitido: use {expected}.",
    "greater_than": "Debe ser mayor que {gt}.",
    "greater_than_equal": "Debe ser mayor o igual que {ge}.",
    "less_than_equal": "Debe ser menor o igual que {le}.",
    "list_type": "Debe ser una lista.",
    "too_short": "Debe tener al menos {min_length} elemento(s).",
    "too_long": "Demasiados elementos: máximo {max_length}.",
    "model_type": "Debe ser un objeto JSON.",
    "model_attributes_type": "Debe ser un objeto JSON.",
    "dict_type": "Debe ser un objeto JSON.",
}


@dataclass(frozen=True)
class RowError:
    index: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class BatchInvalid(Exception):
    """The batch changed nothing: each bad row is listed."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = sorted(errors, key=lambda error: (error.index, error.field))


class BatchTooLarge(Exception):
    def __init__(self, rows: int, limit: int):
        super().__init__(f"{rows} rows > {limit}")
        self.rows = rows
        self.limit = limit


def field_path(loc: tuple) -> str:
    """('lines', 2, 'quantity') -> 'lines[2].quantity'"""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def message_for(error: dict) -> str:
    template = _MESSAGES.get(error["type"])
    if template is None:
        # Our own validators (PydanticCustomError) already speak Spanish.
        return error["msg"] if error["type"].startswith("invalid_") else "Valor inválido."
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template
