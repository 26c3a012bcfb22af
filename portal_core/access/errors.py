"""Codes of the refusals of access (registrations, invitations, accounts) and their messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError
from portal_core.mail.errors import EMAIL_NOT_CONFIGURED, MailError


class AccessError(DomainError):
    EMAIL_NOT_CONFIGURED = EMAIL_NOT_CONFIGURED
    NOT_PENDING = "not_pending"
    PARTY_NOT_FOUND = "party_not_found"
    ACCOUNT_EXISTS = "account_exists"
    LINK_INVALID = "link_invalid"
    NOTHING_SELECTED = "nothing_selected"
    OWN_ACCOUNT = "own_account"
    NOT_VERIFIED = "not_verified"
    ACKNOWLEDGEMENT_REQUIRED = "acknowledgement_required"
    COLLEAGUES_OFF = "colleagues_off"
    COLLEAGUE_ACCOUNT_EXISTS = "colleague_account_exists"
    COLLEAGUE_INVITED_ELSEWHERE = "colleague_invited_elsewhere"
    COLLEAGUE_NOT_FOUND = "colleague_not_found"

    MESSAGES = {
        EMAIL_NOT_CONFIGURED: MailError.MESSAGES[EMAIL_NOT_CONFIGURED],
        NOT_PENDING: _("Esta petición ya fue resuelta."),
        PARTY_NOT_FOUND: _("Elija un cliente o proveedor de la lista."),
        ACCOUNT_EXISTS: _("Ya existe una cuenta con el email %(email)s."),
        LINK_INVALID: _("El enlace no es válido, ya fue usado o venció. Pida uno nuevo."),
        NOTHING_SELECTED: _("Seleccione al menos un cliente o proveedor."),
        OWN_ACCOUNT: _("No puede desactivar su propia cuenta ni la de otro administrador."),
        NOT_VERIFIED: _("Esta petición todavía no confirmó su email: no se puede aprobar hasta que la "
                        "persona abra el enlace que le enviamos."),
        ACKNOWLEDGEMENT_REQUIRED: _("El email de la petición no es el que el ERP tiene para %(party)s. "
                                    "Para aprobarla confirme que verificó por otro medio que esta persona "
                                    "pertenece a la empresa."),
        COLLEAGUES_OFF: _("%(company)s no permite invitar a usuarios de la empresa en este portal."),
        COLLEAGUE_ACCOUNT_EXISTS: _("%(email)s ya tiene una cuenta en este portal: no se le puede enviar una "
                                    "invitación. Si es de su empresa, pídale a %(company)s que le dé acceso."),
        COLLEAGUE_INVITED_ELSEWHERE: _("%(email)s ya tiene una invitación pendiente de %(company)s para otra "
                                       "cuenta: no se puede invitar hasta que la use o venza."),
        COLLEAGUE_NOT_FOUND: _("Ese usuario no existe o no es de su empresa."),
    }
