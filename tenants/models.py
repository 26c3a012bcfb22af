"""The companies (tenants) of the platform and the hostnames that route to them.

A Company row is one PostgreSQL schema. Its schema name is opaque (`p_<hex>`) and separate
from its subdomain (`slug`), so a portal can be renamed without touching its data. Rows in
status `spare` are pre-migrated schemas waiting in the pool to be claimed by "Crear Portal".
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name


def new_schema_name() -> str:
    return f"p_{secrets.token_hex(6)}"


class Company(TenantMixin):
    class Status(models.TextChoices):
        SPARE = "spare", _("Reserva")
        ACTIVE = "active", _("Activo")
        SUSPENDED = "suspended", _("Suspendido")

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

    class Meta:
        verbose_name = _("empresa")
        verbose_name_plural = _("empresas")
        indexes = [models.Index(fields=["status"], name="company_status_idx")]

    def __str__(self):
        return self.name or self.schema_name

    @property
    def is_public(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def display_name(self) -> str:
        return self.trade_name or self.name

    @property
    def hostname(self) -> str:
        return f"{self.slug}.{settings.PORTAL_BASE_DOMAIN}"


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
