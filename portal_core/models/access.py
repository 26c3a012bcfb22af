"""The two ways into a portal (DESIGN, Access): requests (peticiones) and invitations."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .parties import Customer, Supplier


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits: a fast hash is enough, there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class RegistrationRequest(models.Model):
    """Someone registered from the shared link ("P" in Activaciones). The password they chose
    is kept hashed until the admin links them to a customer or supplier and approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        APPROVED = "approved", _("Aprobada")
        REJECTED = "rejected", _("Rechazada")

    email = models.EmailField(_("email"))
    password = models.CharField(max_length=128)
    full_name = models.CharField(_("nombre"), max_length=150, blank=True)
    tax_id = models.CharField(_("CUIT"), max_length=11, blank=True)
    message = models.TextField(_("mensaje"), max_length=1000, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("recibida"), default=timezone.now)
    decided_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("petición")
        verbose_name_plural = _("peticiones")
        constraints = [
            # One pending request per email: registering again changes nothing.
            models.UniqueConstraint(fields=["email"], condition=Q(status="pending"),
                                    name="registration_one_pending_per_email"),
        ]

    def __str__(self):
        return self.email


class Invitation(models.Model):
    """An invitation ("I" in Activaciones): the email carries the username and a single-use
    link to set a password, valid INVITATION_TTL_DAYS. Re-sending replaces the link."""

    email = models.EmailField(_("email"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("cliente"))
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("proveedor"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    sent_at = models.DateTimeField(_("enviada"), default=timezone.now)
    expires_at = models.DateTimeField(_("vence"))
    accepted_at = models.DateTimeField(_("aceptada"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("invitación")
        verbose_name_plural = _("invitaciones")
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=Q(accepted_at=None),
                                    name="invitation_one_open_per_email"),
        ]

    def __str__(self):
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()


class InvitationBatch(models.Model):
    """"Invitar" on the loaded customers and suppliers: invitations are created and queued by
    a Celery task, which reports progress here and resumes where it stopped if interrupted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        RUNNING = "running", _("Enviando")
        DONE = "done", _("Terminado")

    parties = models.JSONField()  # [{"email": ..., "customer": id|None, "supplier": id|None}, ...]
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total
