from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalSettings(models.Model):
    """One row per portal: what customers and suppliers may see, and the portal's image."""

    customer_balances = models.BooleanField(_("clientes ven saldos"), default=True)
    customer_invoices = models.BooleanField(_("Facturas de venta"), default=True)
    customer_ledger = models.BooleanField(_("Cuenta corriente"), default=True)
    customer_orders = models.BooleanField(_("Seguimiento de pedidos"), default=True)
    supplier_balances = models.BooleanField(_("proveedores ven saldos"), default=True)
    supplier_invoices = models.BooleanField(_("Facturas de compra"), default=True)
    supplier_ledger = models.BooleanField(_("Cuenta corriente proveedores"), default=True)
    supplier_payments = models.BooleanField(_("Retiro de pagos"), default=True)
    # Usuarios de la empresa: each party's titular may invite colleagues (portal_core.access.services.colleagues).
    colleagues_allowed = models.BooleanField(
        _("Los clientes y proveedores pueden invitar a usuarios de su empresa"), default=False)

    class TwoFactor(models.TextChoices):
        OPTIONAL = "optional", _("Opcional para todos")
        ADMINS = "admins", _("Obligatoria para administradores")
        EVERYONE = "everyone", _("Obligatoria para todos")

    # Verificación en dos pasos: who must set it up at their next login.
    two_factor_policy = models.CharField(_("verificación en dos pasos"), max_length=10,
                                         choices=TwoFactor.choices, default=TwoFactor.OPTIONAL)
    profile_image = models.CharField(_("imagen de perfil"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("configuración del portal")

    SECTIONS = ("customer_invoices", "customer_ledger", "customer_orders",
                "supplier_invoices", "supplier_ledger", "supplier_payments")
