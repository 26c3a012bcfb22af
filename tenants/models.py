"""The companies (tenants) of the platform and the hostnames that route to them.

A Company row is one PostgreSQL schema. Its schema name is opaque (`p_<hex>`) and separate
from its subdomain (`slug`), so a portal can be renamed without touching its data. Rows in
status `spare` are pre-migrated schemas waiting in the pool to be claimed by "Crear Portal".
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

SCHEMA_NAME_BYTES = 6
# What `new_schema_name` makes, and nothing else: the sweeper drops only orphans of this shape.
GENERATED_SCHEMA_NAME = re.compile(rf"p_[0-9a-f]{{{SCHEMA_NAME_BYTES * 2}}}")


def new_schema_name() -> str:
    return f"p_{secrets.token_hex(SCHEMA_NAME_BYTES)}"


class Company(TenantMixin):
    class Status(models.TextChoices):
        SPARE = "spare", _("Reserva")
        ACTIVE = "active", _("Activo")
        SUSPENDED = "suspended", _("Suspendido")

    class SuspendedReason(models.TextChoices):
        OPERATOR = "operator", _("Por un operador")
        UNCONFIRMED = "unconfirmed", _("Email del creador sin confirmar")

    # Schemas are created explicitly by the provisioning services, never as a side effect of save().
    auto_create_schema = False

    name = models.CharField(_("nombre del portal"), max_length=100, blank=True)
    slug = models.CharField(_("subdominio"), max_length=63, unique=True, null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.SPARE)
    owner_email = models.EmailField(_("email del creador"), blank=True)
    erp_company_id = models.CharField(
        _("id de empresa en el ERP"), max_length=64, unique=True, null=True, blank=True
    )
    # The company as it appears on its documents (PDF header, emails).
    legal_name = models.CharField(_("razón social"), max_length=200, blank=True)
    trade_name = models.CharField(_("nombre de fantasía"), max_length=120, blank=True)
    tax_id = models.CharField(_("CUIT"), max_length=11, blank=True)
    address = models.CharField(_("domicilio"), max_length=250, blank=True)
    # "Logo de empresa": shown in every email the portal sends (a path in default storage).
    logo = models.CharField(_("logo de empresa"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activado"), null=True, blank=True)
    # Crear Portal from the public site: the visitor's address, an IPv6 one by its /64 (the
    # per-client daily limit counts these rows), and the owner email, which must be confirmed
    # within PORTAL_CONFIRM_DAYS. Portals made by operators are confirmed from the start.
    created_from_ip = models.GenericIPAddressField(_("creado desde la IP"), null=True, blank=True)
    owner_email_confirmed_at = models.DateTimeField(_("email del creador confirmado"), null=True, blank=True)
    owner_confirm_sent_at = models.DateTimeField(_("confirmación enviada"), null=True, blank=True)
    # How many confirmation emails went out: each "Reenviar" waits twice as long as the last.
    owner_confirm_sends = models.PositiveSmallIntegerField(_("confirmaciones enviadas"), default=0)
    suspended_reason = models.CharField(
        _("motivo de la suspensión"), max_length=12, choices=SuspendedReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("empresa")
        verbose_name_plural = _("empresas")
        indexes = [
            models.Index(fields=["status"], name="company_status_idx"),
            models.Index(fields=["created_from_ip", "activated_at"], name="company_created_ip_idx"),
            models.Index(fields=["owner_email", "activated_at"], name="company_owner_email_idx"),
        ]

    def __str__(self):
        return self.name or self.schema_name

    @property
    def is_public(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def is_suspended_unconfirmed(self) -> bool:
        """Suspended only because the owner never confirmed the email (confirming lifts it)."""
        return self.is_suspended and self.suspended_reason == self.SuspendedReason.UNCONFIRMED

    @property
    def owner_email_confirmed(self) -> bool:
        return self.owner_email_confirmed_at is not None

    @property
    def owner_confirm_deadline(self):
        """When an unconfirmed portal made on the public site gets suspended."""
        if self.activated_at is None:
            return None
        return self.activated_at + timedelta(days=settings.PORTAL_CONFIRM_DAYS)

    @property
    def owner_email_masked(self) -> str:
        """`m•••@empresa.com.ar`, for pages anyone may see: the owner recognizes it, a stranger
        cannot harvest it."""
        local, _at, domain = self.owner_email.partition("@")
        return f"{local[:1]}•••@{domain}" if domain else ""

    @property
    def display_name(self) -> str:
        return self.trade_name or self.name

    @property
    def hostname(self) -> str:
        return f"{self.slug}.{settings.PORTAL_BASE_DOMAIN}"


class PendingSchema(models.Model):
    """A schema some process is creating right now, recorded (and committed) before the schema
    exists and removed in the same transaction that inserts its Company row. So a `p_<hex>`
    schema with neither a Company row nor a recent marker was left by a crashed process."""

    schema_name = models.CharField(max_length=63, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.schema_name


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("dominio")
        verbose_name_plural = _("dominios")


class EmailSettings(models.Model):
    """"Envío de email": the company's own SMTP server, which every email to its customers and
    suppliers goes out through. Kept in the public schema beside its company. The password is
    stored encrypted (see `tenants.crypto`) and never shown back."""

    class Security(models.TextChoices):
        STARTTLS = "starttls", _("STARTTLS")
        SSL = "ssl", _("SSL/TLS")
        NONE = "none", _("Ninguna")

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="email_settings")
    host = models.CharField(_("servidor SMTP"), max_length=255)
    port = models.PositiveIntegerField(_("puerto"), default=587)
    security = models.CharField(_("seguridad"), max_length=10, choices=Security.choices,
                                default=Security.STARTTLS)
    username = models.CharField(_("usuario"), max_length=255, blank=True)
    password_encrypted = models.TextField(blank=True)
    from_email = models.EmailField(_("email del remitente"))
    from_name = models.CharField(_("nombre del remitente"), max_length=120, blank=True)
    reply_to = models.EmailField(_("responder a"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("envío de email")
        verbose_name_plural = _("envío de email")

    def __str__(self):
        return f"{self.host}:{self.port}"

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)


class SchemaTemplate(models.Model):
    """A portal schema as the migrations leave it, captured as SQL (tenants.schema_template):
    a new schema is made by running it, never the whole migration history. Kept for the code's
    newest migrations (`fingerprint`); a stale one is not used."""

    fingerprint = models.CharField(max_length=64, unique=True)
    statements = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.fingerprint
