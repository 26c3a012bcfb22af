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
}


class PortalCreateError(Exception):
    """Input that cannot become a portal. `errors` maps a field to a list of `FieldError`."""

    def __init__(self, errors: dict[str, list["FieldError"]]):
        super().__init__(errors)
        self.errors = errors

    @property
    def codes(self) -> dict[str, list[str]]:
        return {field: [error.code for error in errors] for field, errors in self.errors.items()}


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
