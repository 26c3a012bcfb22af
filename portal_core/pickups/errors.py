"""Codes of the refusals of Programar retiro and Entregas del día, and their Spanish messages."""

from django.utils.translation import gettext_lazy as _

from portal_core.errors import DomainError


class PickupError(DomainError):
    NOT_READY = "not_ready"
    ALREADY_SCHEDULED = "already_scheduled"
    SLOT_UNKNOWN = "slot_unknown"
    SLOT_FULL = "slot_full"
    TOO_LATE = "too_late"
    CODE_UNKNOWN = "code_unknown"
    CODE_CANCELLED = "code_cancelled"
    CODE_DONE = "code_done"
    CODE_OTHER_DAY = "code_other_day"
    PAYMENT_COLLECTED = "payment_collected"
    SYNC_BUSY = "sync_busy"

    MESSAGES = {
        NOT_READY: _("Esta orden de pago no está lista para retirar."),
        ALREADY_SCHEDULED: _("Esta orden de pago ya tiene un retiro programado. Puede reprogramarlo o cancelarlo."),
        SLOT_UNKNOWN: _("Ese turno ya no está disponible. Elija otro."),
        SLOT_FULL: _("Ese turno se completó recién. Elija otro."),
        TOO_LATE: _("El turno ya empezó: no se puede cambiar ni cancelar."),
        CODE_UNKNOWN: _("El código %(pickup_code)s no corresponde a ningún retiro. Revíselo e intente de nuevo."),
        CODE_CANCELLED: _("El retiro con el código %(pickup_code)s fue cancelado: no se puede entregar."),
        CODE_DONE: _("La orden de pago %(number)s ya fue retirada el %(when)s. No se registró nada."),
        CODE_OTHER_DAY: _("El código %(pickup_code)s es de un retiro programado para el %(day)s, no para hoy."),
        PAYMENT_COLLECTED: _("La orden de pago %(number)s ya figura como retirada. No se registró nada."),
        SYNC_BUSY: _("El ERP está actualizando las órdenes de pago en este momento. No se registró nada: "
                     "intente de nuevo en unos segundos."),
    }
