from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationSettings(models.Model):
    """One row per portal (Perfil → Notificaciones): which kinds exist and when a document is
    "por vencer". Kinds are stored as the ones turned off, so a kind added later is on."""

    disabled_kinds = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    due_soon_days = models.PositiveSmallIntegerField(_("días de anticipación"), default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("configuración de notificaciones")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Inmediata")
    DIGEST = "digest", _("Resumen diario")
    OFF = "off", _("No recibir")


class NotificationPreference(models.Model):
    """An account's choice for one kind (Mi cuenta → Notificaciones); none stored: immediate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_uniq")]


class Notification(models.Model):
    """One thing to tell one account, recorded where it happened (the sync batch's transaction,
    the daily due-date run). `key` names the event: one account never gets the same key twice
    for a kind (a replayed batch, a second run of the day, two workers at once)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        SENT = "sent", _("Enviada")
        SKIPPED = "skipped", _("Descartada")  # no longer true (voided, paid) or no longer wanted

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=120)
    object_id = models.BigIntegerField()  # the row it tells about (document, movement, payment)
    data = models.JSONField(default=dict)  # what the email shows, as it was when recorded
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="notification_event_uniq")]
        indexes = [models.Index(fields=["delivery", "id"], condition=Q(status="pending"),
                                name="notification_pending_idx")]
