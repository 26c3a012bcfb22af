"""Stable error codes of "Crear Portal", and the Spanish message for each.

Services raise codes; forms, views and commands turn them into messages with `message_for`.
"""

from django.utils.translation import gettext_lazy as _

from .subdomains import SubdomainError

NAME_REQUIRED = "name_required"
NAME_TOO_LONG = "name_too_long"
ERP_COMPANY_ID_INVALID = "erp_company_id_invalid"
NAME_TAKEN = "name_taken"
EMAIL_INVALID = "email_invalid"
ERP_COMPANY_HAS_PORTAL = "erp_company_has_portal"
PASSWORDS_DIFFER = "passwords_differ"
TOO_MANY_FROM_IP = "too_many_from_ip"
TOO_MANY_FOR_EMAIL = "too_many_for_email"
TOO_MANY_NOW = "too_many_now"
PREVIEW_RATE_LIMITED = "rate_limited"

MESSAGES = {
    NAME_REQUIRED: _("Ingrese el nombre del portal."),
    NAME_TOO_LONG: _("Use como máximo 100 caracteres."),
    ERP_COMPANY_ID_INVALID: _("El id de empresa del ERP no es válido."),
    SubdomainError.EMPTY: _("El nombre debe contener letras: con él se arma la dirección del portal."),
    SubdomainError.NOT_LETTER_FIRST: _("El nombre del portal debe empezar con una letra."),
    SubdomainError.RESERVED: _("«%(subdomain)s» es un nombre reservado de la plataforma. Elija otro nombre."),
    NAME_TAKEN: _("Ya existe un portal con la dirección «%(subdomain)s». Pruebe con «%(suggestion)s»."),
    EMAIL_INVALID: _("Ingrese un email válido, por ejemplo nombre@empresa.com.ar."),
    ERP_COMPANY_HAS_PORTAL: _("Esta empresa del ERP ya tiene un portal."),
    PASSWORDS_DIFFER: _("Las contraseñas no coinciden."),
    TOO_MANY_FROM_IP: _("Se crearon demasiados portales desde esta conexión hoy. Vuelva a intentarlo "
                        "mañana o escríbanos."),
    TOO_MANY_FOR_EMAIL: _("Ya se crearon hoy varios portales con este email. Vuelva a intentarlo mañana "
                          "o escríbanos."),
    TOO_MANY_NOW: _("En este momento se están creando demasiados portales. Vuelva a intentarlo en una hora "
                    "o escríbanos."),
    PREVIEW_RATE_LIMITED: _("Demasiadas consultas seguidas. Espere un minuto y vuelva a intentarlo."),
}


class PortalCreateError(Exception):
    """Input that cannot become a portal. `errors` maps a field to a list of `FieldError`."""

    def __init__(self, errors: dict[str, list["FieldError"]]):
        super().__init__(errors)
        self.errors = errors

    @property
    def codes(self) -> dict[str, list[str]]:
        return {field: [error.code for error in errors] for field, errors in self.errors.items()}


class PortalCreateLimited(PortalCreateError):
    """Too many portals from this client or for this email today: refused before any work, and
    answered with HTTP 429. Shown above the form, not beside a field."""

    def __init__(self, code: str):
        super().__init__({"__all__": [FieldError(code)]})
        self.code = code


class FieldError:
    def __init__(self, code: str, message: str | None = None, **params):
        self.code = code
        self.params = params
        self._message = message

    @property
    def message(self) -> str:
        if self._message is not None:
            return self._message
        return str(MESSAGES[self.code]) % self.params

    def __repr__(self):
        return f"FieldError({self.code!r})"
