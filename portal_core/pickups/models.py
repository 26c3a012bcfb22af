"""Pickup windows (when and where the company hands payment orders over) and the appointments
suppliers take in them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal_core.erp.models import SupplierPayment

WEEKDAY_SHORT = (_("lun"), _("mar"), _("mié"), _("jue"), _("vie"), _("sáb"), _("dom"))


class PickupWindow(models.Model):
    """Days of the week and hours at a place, cut into slots of `slot_minutes` that each take
    up to `capacity` pickups. Never deleted (its appointments keep pointing at it): «Eliminar»
    makes it inactive, and it offers no more slots."""

    weekdays = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("días"))  # 0 = lunes (date.weekday())
    starts_at = models.TimeField(_("desde"))
    ends_at = models.TimeField(_("hasta"))
    place = models.CharField(_("lugar"), max_length=200)
    slot_minutes = models.PositiveSmallIntegerField(_("duración de cada turno (minutos)"))
    capacity = models.PositiveSmallIntegerField(_("retiros por turno"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("ventana de retiro")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="pickup_window_hours"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                                   name="pickup_window_slot_minutes"),
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=100), name="pickup_window_capacity"),
        ]

    def __str__(self):
        return f"{self.place} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def weekday_names(self) -> str:
        return ", ".join(str(WEEKDAY_SHORT[day]) for day in self.weekdays)


class PickupSchedule(models.Model):
    """A supplier's appointment to collect one payment order. The slot and place are copied
    from the window, so editing the window later does not move an appointment already given."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Programado")
        CANCELLED = "cancelled", _("Cancelado")
        DONE = "done", _("Retirado")

    payment = models.ForeignKey(SupplierPayment, on_delete=models.CASCADE, related_name="pickups")
    window = models.ForeignKey(PickupWindow, on_delete=models.PROTECT, related_name="pickups")
    slot_start = models.DateTimeField(_("turno"))
    slot_end = models.DateTimeField()
    place = models.CharField(_("lugar"), max_length=200)
    person_name = models.CharField(_("quién retira"), max_length=120)
    person_dni = models.CharField(_("DNI"), max_length=8)
    code = models.CharField(_("código de retiro"), max_length=12, unique=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Cancelled or collected: when, and by whom (the supplier's account that cancelled, the admin
    # that handed it over); `closed_by_erp` when the ERP's sync marked the payment collected.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    closed_by_erp = models.BooleanField(default=False)
    # A collection done in the portal that the ERP has since sent back as picked_up: from then on
    # a "ready" from the ERP is deliberate (it reopened the order), not a stale resend.
    erp_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["slot_start", "id"]
        verbose_name = _("retiro programado")
        constraints = [
            # One active appointment per payment order, whatever the races.
            models.UniqueConstraint(fields=["payment"], condition=Q(status="scheduled"),
                                    name="pickup_one_active_per_payment"),
        ]
        indexes = [models.Index(fields=["window", "slot_start"], name="pickup_slot_idx"),
                   models.Index(fields=["slot_start"], name="pickup_day_idx")]

    def __str__(self):
        return self.code
