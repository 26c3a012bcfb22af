"""Query parameters of the API's reads, checked strictly: a bad one is a JSON 400 that names it,
never a silent default (an ERP that sent `limit=5000` must learn it got 1000 at most)."""

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

INVALID_PARAMETER = "invalid_parameter"
_INTEGER = _("El parámetro «%(name)s» debe ser un número entero entre %(minimum)d y %(maximum)d.")
_DATETIME = _("El parámetro «%(name)s» debe ser una fecha y hora ISO 8601 con zona horaria "
              "(AAAA-MM-DDTHH:MM:SS-03:00).")
_CHOICE = _("El parámetro «%(name)s» debe ser uno de: %(choices)s.")
_CURSOR = _("El parámetro «%(name)s» no es un cursor de esta API: use el valor de «next» de la página anterior.")


class BadParameter(APIException):
    """Answered by the API's exception handler as `{"error": {"code": "invalid_parameter", ...}}`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = INVALID_PARAMETER

    def __init__(self, message: str):
        super().__init__(detail=message, code=INVALID_PARAMETER)


def query_int(request, name: str, *, default: int | None, minimum: int, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not minimum <= int(raw) <= maximum:
        raise BadParameter(gettext(_INTEGER) % {"name": name, "minimum": minimum, "maximum": maximum})
    return int(raw)


def query_datetime(request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None or is_naive(value):
        raise BadParameter(gettext(_DATETIME) % {"name": name})
    try:
        # In UTC: PostgreSQL refuses offsets Python accepts (up to 24 hours).
        return value.astimezone(UTC)
    except OverflowError:
        raise BadParameter(gettext(_DATETIME) % {"name": name}) from None


def query_choice(request, name: str, choices, *, default: str | None = None) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise BadParameter(gettext(_CHOICE) % {"name": name, "choices": ", ".join(choices)})
    return raw


def bad_cursor(name: str) -> BadParameter:
    return BadParameter(gettext(_CURSOR) % {"name": name})
