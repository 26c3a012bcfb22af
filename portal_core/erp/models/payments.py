from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import MONEY, ErpRecord
from .parties import Supplier


class SupplierPayment(ErpRecord):
    """A payment order (orden de pago) for a supplier to pick up ("Retiro de pagos")."""

    class Status(models.TextChoices):
        READY = "ready", _("Lista para retirar")
        PICKED_UP = "picked_up", _("Retirada")

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="payments")
    number = models.CharField(_("número"), max_length=32)
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("importe"), **MONEY)
    method = models.CharField(_("forma de pago"), max_length=60)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.READY)

    class Meta:
        verbose_name = _("orden de pago")
        verbose_name_plural = _("órdenes de pago")
        indexes = [models.Index(fields=["supplier", "status", "-date"], name="payment_supplier_status_idx"),
                   models.Index(fields=["synced_at", "id"], name="payment_synced_idx")]

    def __str__(self):
        return self.number


class WithholdingCertificate(models.Model):
    class Tax(models.TextChoices):
        INCOME = "ganancias", _("Ganancias")
        VAT = "iva", _("IVA")
        GROSS_INCOME = "iibb", _("Ingresos Brutos")
        SOCIAL_SECURITY = "suss", _("SUSS")

    payment = models.ForeignKey(SupplierPayment, on_delete=models.CASCADE, related_name="certificates")
    position = models.PositiveSmallIntegerField()
    tax = models.CharField(_("impuesto"), max_length=10, choices=Tax.choices)
    number = models.CharField(_("número de certificado"), max_length=32)
    amount = models.DecimalField(_("importe retenido"), **MONEY)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["payment", "position"], name="certificate_position_uniq")]
