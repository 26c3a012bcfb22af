"""Codes of what Consultas refuse, and their messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError

TEXT_MAX_CHARS = 5000
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


class QuestionError(DomainError):
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TYPE = "attachment_type"
    ATTACHMENT_TOO_MANY_PIXELS = "attachment_too_many_pixels"
    ATTACHMENT_DAMAGED = "attachment_damaged"

    MESSAGES = {
        TEXT_EMPTY: _("Escriba su mensaje."),
        TEXT_TOO_LONG: _("El mensaje es demasiado largo: como máximo %(max)d caracteres."),
        ATTACHMENT_TOO_LARGE: _("El archivo adjunto supera los %(mb)d MB: elija uno más liviano."),
        ATTACHMENT_TYPE: _("El archivo adjunto debe ser un PDF o una imagen PNG o JPEG."),
        ATTACHMENT_TOO_MANY_PIXELS: _("La imagen adjunta es demasiado grande: como máximo %(side)d × %(side)d "
                                      "píxeles."),
        ATTACHMENT_DAMAGED: _("El archivo adjunto está dañado o incompleto: vuelva a guardarlo e intente de nuevo."),
    }

    def __init__(self, code: str, **params):
        from tenants.images import IMAGE_MAX_SIDE

        super().__init__(code, max=TEXT_MAX_CHARS, mb=ATTACHMENT_MAX_BYTES // (1024 * 1024), side=IMAGE_MAX_SIDE,
                         **params)
