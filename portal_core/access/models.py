"""The two ways into a portal (DESIGN, Access): requests (peticiones) and invitations."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal_core.erp.models.parties import AccountLink, Customer, Supplier


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits: a fast hash is enough, there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class AccessIntake(models.Model):
    """A registration or a password-recovery request as the form posted it, before anything is
    looked up: the request stores one of these and queues one task whatever the email, so
    neither the answer nor the work it does tells a known email from an unknown one. The task
    (or the sweep, should the broker have lost it) decides and deletes the row."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registro")
        PASSWORD_RESET = "password_reset", _("Recuperar contraseña")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField()
    data = models.JSONField(default=dict)  # the form's other fields (the password already hashed), base_url
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class RegistrationRequest(models.Model):
    """Someone registered from the shared link ("P" in Activaciones). The request is
    *sin verificar* until its email's confirmation link is opened; only then can the admin
    link it to a customer or supplier and approve it. The password they chose is kept hashed."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Sin verificar")
        PENDING = "pending", _("Pendiente")
        APPROVED = "approved", _("Aprobada")
        REJECTED = "rejected", _("Rechazada")

    OPEN = (Status.UNVERIFIED, Status.PENDING)

    email = models.EmailField(_("email"))
    password = models.CharField(max_length=128)
    full_name = models.CharField(_("nombre"), max_length=150, blank=True)
    tax_id = models.CharField(_("CUIT"), max_length=11, blank=True)
    message = models.TextField(_("mensaje"), max_length=1000, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.UNVERIFIED)
    verify_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    verify_expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("verificada"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("recibida"), default=timezone.now)
    decided_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("petición")
        verbose_name_plural = _("peticiones")
        constraints = [
            # One open request per email: registering again replaces an unverified one and
            # leaves a verified one as it is.
            models.UniqueConstraint(fields=["email"], condition=Q(status__in=["unverified", "pending"]),
                                    name="registration_one_open_per_email"),
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
    # A titular's invitation of a colleague (usuario de la empresa): the account it makes gets this
    # role and these permissions (AccountLink.Role, AccountLink.Permission); `created_by` is the titular.
    role = models.CharField(max_length=10, choices=AccountLink.Role.choices, default=AccountLink.Role.TITULAR)
    permissions = models.JSONField(default=list, blank=True)

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


class OwnerNotice(models.Model):
    """The email told to a customer's or supplier's ERP address when an account with another
    email was linked to it: who got access, when, and a link to object. An objection shows in
    Activaciones ("O") until the admin revokes the access or dismisses it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owner_notices",
                             verbose_name=_("cuenta"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("cliente"))
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("proveedor"))
    sent_to = models.EmailField(_("avisado a"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("avisado"), default=timezone.now)
    objected_at = models.DateTimeField(_("objetado"), null=True, blank=True)
    objection = models.TextField(_("motivo"), max_length=1000, blank=True)
    resolved_at = models.DateTimeField(_("resuelto"), null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True)  # "revoked" or "dismissed"

    class Meta:
        verbose_name = _("aviso al titular")
        verbose_name_plural = _("avisos al titular")

    @property
    def party(self):
        return self.customer or self.supplier
