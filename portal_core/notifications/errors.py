"""Codes of the refusals of notification settings and links, and their messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError

INVALID_LINK = "invalid_link"
UNKNOWN_KIND = "unknown_kind"
DAYS_OUT_OF_RANGE = "days_out_of_range"


class NotificationError(DomainError):
    INVALID_LINK = INVALID_LINK
    UNKNOWN_KIND = UNKNOWN_KIND
    DAYS_OUT_OF_RANGE = DAYS_OUT_OF_RANGE

    MESSAGES = {
        INVALID_LINK: _("El enlace no es válido: no pudimos reconocerlo, así que no cambiamos nada. Puede elegir "
                        "qué avisos recibe en Mi cuenta → Notificaciones."),
        UNKNOWN_KIND: _("Ese aviso no está disponible para su cuenta."),
        DAYS_OUT_OF_RANGE: _("Elija entre %(low)d y %(high)d días."),
    }
