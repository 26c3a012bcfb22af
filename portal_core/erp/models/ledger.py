"""Current account (cuenta corriente) movements of customers and of suppliers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import MONEY, ErpRecord
from .documents import DocumentType, Letter, PurchaseInvoice, SalesInvoice
from .parties import Customer, Supplier


class AccountEntry(ErpRecord):
    doc_type = models.CharField(_("tipo"), max_length=2, choices=DocumentType.choices, blank=True)
    letter = models.CharField(_("letra"), max_length=1, choices=Letter.choices, blank=True)
    point_of_sale = models.PositiveIntegerField(_("punto de venta"), null=True, blank=True)
    number = models.PositiveBigIntegerField(_("número"), null=True, blank=True)
    description = models.CharField(_("concepto"), max_length=200, blank=True)
    date = models.DateField(_("fecha"))
    due_date = models.DateField(_("vencimiento"), null=True, blank=True)
    # Signed: positive is owed to the company by a customer (or by the company to a supplier).
    amount = models.DecimalField(_("importe"), **MONEY)
    open_balance = models.DecimalField(_("saldo"), **MONEY)
    # Copied by the sync from the movement's invoice: a voided document's movements are hidden
    # with it (and kept).
    invoice_voided = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        abstract = True

    @property
    def display_number(self) -> str:
        if self.number is None:
            return self.description
        return f"{self.letter} {self.point_of_sale or 0:04d}-{self.number:08d}"


class CustomerAccountEntry(AccountEntry):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="account_entries")
    invoice = models.ForeignKey(SalesInvoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Copied by the sync from the invoice, so *Asociado* is one indexed condition, not a join.
    associated_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("movimiento de cuenta corriente de cliente")
        verbose_name_plural = _("cuenta corriente de clientes")
        indexes = [
            models.Index(fields=["customer", "-date"], name="cust_entry_customer_date_idx"),
            # Balances and aging read only these columns of the shown movements: an index-only
            # scan of a partial index, no table pages.
            models.Index(fields=["customer", "due_date"], include=["open_balance"], condition=Q(invoice_voided=False),
                         name="cust_entry_customer_due_idx"),
            models.Index(fields=["associated_customer", "due_date"], include=["open_balance"],
                         condition=Q(invoice_voided=False), name="cust_entry_assoc_due_idx"),
            models.Index(fields=["synced_at", "id"], name="cust_entry_synced_idx"),
        ]


class SupplierAccountEntry(AccountEntry):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="account_entries")
    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("movimiento de cuenta corriente de proveedor")
        verbose_name_plural = _("cuenta corriente de proveedores")
        indexes = [
            models.Index(fields=["supplier", "-date"], name="supp_entry_supplier_date_idx"),
            models.Index(fields=["supplier", "due_date"], include=["open_balance"], condition=Q(invoice_voided=False),
                         name="supp_entry_supplier_due_idx"),
            models.Index(fields=["synced_at", "id"], name="supp_entry_synced_idx"),
        ]
