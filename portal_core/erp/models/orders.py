from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import QUANTITY, ErpRecord
from .parties import Article, Branch, Customer


class Order(ErpRecord):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    number = models.CharField(_("número"), max_length=32)
    ordered_at = models.DateTimeField(_("fecha y hora"))
    # Not yet fully invoiced: kept by the sync from the lines, so the list is one indexed filter.
    pending = models.BooleanField(_("pendiente"), default=True)

    class Meta:
        verbose_name = _("pedido")
        verbose_name_plural = _("pedidos")
        indexes = [models.Index(fields=["customer", "pending", "-ordered_at"], name="order_customer_pending_idx"),
                   models.Index(fields=["synced_at", "id"], name="order_synced_idx")]

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("renglón"))
    article = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("descripción"), max_length=250)
    quantity_ordered = models.DecimalField(_("cantidad pedida"), **QUANTITY)
    quantity_invoiced = models.DecimalField(_("cantidad facturada"), default=0, **QUANTITY)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="order_line_position_uniq")]

    @property
    def quantity_pending(self):
        return max(self.quantity_ordered - self.quantity_invoiced, 0)
