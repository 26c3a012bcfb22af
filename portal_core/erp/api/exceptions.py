"""Every API error is JSON: `{"error": {"code", "message"}}`, plus `errors` for bad rows.

Messages are Spanish through i18n, in the language LocaleMiddleware picked for the request:
the ERP sends no Accept-Language as a rule, so they come in LANGUAGE_CODE's Spanish."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal_core.errors import DomainError

# By code: DRF's refusals, then the endpoints' own. A service's refusal brings its message.
MESSAGES = {
    "not_authenticated": _("Falta la clave de API: envíe «Authorization: Bearer <clave>»."),
    "authentication_failed": None,  # the authentication class's own message
    "permission_denied": _("No tiene permiso para esta operación."),
    "not_found": _("No existe."),
    "method_not_allowed": _("Método no permitido."),
    "unsupported_media_type": _("Envíe el cuerpo como JSON (Content-Type: application/json)."),
    "throttled": _("Demasiadas solicitudes con esta clave: espere %(wait)s segundos."),
    "invalid_json": _("El cuerpo no es JSON válido."),
    "invalid_envelope": _("Envíe un objeto JSON con una única clave «items» que sea una lista."),
    "payload_too_large": _("El cuerpo supera el máximo de %(megabytes)d MB: envíe lotes más chicos."),
}
# Codes that also have a more precise message where they come from.
PDF_TOO_LARGE = _("El PDF supera el tamaño máximo.")
NO_SUCH_ENDPOINT = _("No existe este recurso de la API.")
INVALID_REQUEST = _("Solicitud inválida.")
DELETE_ENVELOPE = _("Envíe un objeto JSON con una única clave «external_ids» que sea una lista.")


def error_response(code: str, http_status: int, *, message=None, errors: list | None = None, **params) -> Response:
    """The answer for `code`, with its message (filled from `params`) unless given `message`."""
    body = {"error": {"code": code, "message": str(MESSAGES[code] % params if message is None else message)}}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=http_status)


def domain_error_response(error: DomainError, http_status: int, **extra) -> Response:
    """A service's refusal: its code and its message."""
    return error_response(error.code, http_status, message=error.message, **extra)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else "invalid"
    template = MESSAGES.get(code)
    if template is None:
        message = str(exc.detail) if isinstance(exc.detail, str) else str(INVALID_REQUEST)
    else:
        message = str(template % {"wait": getattr(exc, "wait", None) and int(exc.wait + 0.999)})
    if response.status_code == status.HTTP_403_FORBIDDEN and code == "not_authenticated":
        response.status_code = status.HTTP_401_UNAUTHORIZED
    response.data = {"error": {"code": code, "message": message}}
    return response
