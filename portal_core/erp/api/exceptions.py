"""Every API error is JSON: `{"error": {"code", "message"}}`, plus `errors` for bad rows."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_authenticated": "Falta la clave de API: envíe «Authorization: Bearer <clave>».",
    "authentication_failed": None,  # the authentication class's own message
    "permission_denied": "No tiene permiso para esta operación.",
    "not_found": "No existe.",
    "method_not_allowed": "Método no permitido.",
    "unsupported_media_type": "Envíe el cuerpo como JSON (Content-Type: application/json).",
    "throttled": "Demasiadas solicitudes con esta clave: espere {wait} segundos.",
}


def error_response(code: str, message: str, http_status: int, **extra) -> Response:
    return Response({"error": {"code": code, "message": message}, **extra}, status=http_status)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else "invalid"
    template = MESSAGES.get(code)
    if template is None:
        message = str(exc.detail) if isinstance(exc.detail, str) else "Solicitud inválida."
    else:
        message = template.format(wait=getattr(exc, "wait", None) and int(exc.wait + 0.999))
    if response.status_code == status.HTTP_403_FORBIDDEN and code == "not_authenticated":
        response.status_code = status.HTTP_401_UNAUTHORIZED
    response.data = {"error": {"code": code, "message": message}}
    return response
