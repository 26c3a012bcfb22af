"""Codes of the refusals of logging in and of two-factor, and their messages."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal_core.errors import DomainError


class AccountError(DomainError):
    # Also the `reason` of the activity log's OTP_FAILED rows: kept as they were first written.
    CODE_INVALID = "invalid"
    CODE_THROTTLED = "throttled"  # too many wrong codes in a row: wait `seconds`
    CONFIRMATION_WRONG = "confirmation_wrong"
    LOGIN_EXPIRED = "login_expired"
    LOCKED_OUT = "locked_out"

    MESSAGES = {
        CODE_INVALID: _("El código no es correcto. Revise que sea el que muestra ahora su aplicación."),
        CODE_THROTTLED: ngettext_lazy(
            "Demasiados códigos incorrectos seguidos. Espere %(seconds)d segundo y vuelva a intentar.",
            "Demasiados códigos incorrectos seguidos. Espere %(seconds)d segundos y vuelva a intentar.",
            "seconds"),
        CONFIRMATION_WRONG: _("La contraseña o el código no son correctos."),
        LOGIN_EXPIRED: _("Pasaron más de %(minutes)d minutos: vuelva a ingresar su email y contraseña."),
        LOCKED_OUT: _("Demasiados intentos fallidos. Por seguridad, el ingreso quedó bloqueado "
                      "por %(minutes)d minutos. Vuelva a intentar más tarde."),
    }
