from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from .base import MONEY, QUANTITY, ErpRecord
from .parties import Article, Branch, Customer, Supplier


class DocumentType(models.TextChoices):
    INVOICE = "FA", _("Factura")
    CREDIT_NOTE = "NC", _("Nota de crédito")
    DEBIT_NOTE = "ND", _("Nota de débito")


# A credit note takes back what an invoice sold: in any sum of sales its amounts and quantities
# count negative, while invoices and debit notes count as they are. Said here once, for the ORM
# and for raw SQL.


def credit_note_sign(doc_type_field: str = "doc_type") -> Case:
    """-1 for a credit note, 1 for any other document, as an ORM expression."""
    return Case(When(**{doc_type_field: DocumentType.CREDIT_NOTE}, then=Value(-1)), default=Value(1))


def credit_note_sign_sql(doc_type_column: str) -> str:
    """The same sign in raw SQL. The credit note's code goes in as a quoted literal, not a
    bound parameter, so that the statements built on it (portal_core.erp.sync.aggregates) still
    run as they are, with no parameters of their own."""
    return f"CASE WHEN {doc_type_column} = {sql.quote(DocumentType.CREDIT_NOTE.value)} THEN -1 ELSE 1 END"


class Letter(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    M = "M", "M"
    E = "E", "E"


class Currency(models.TextChoices):
    ARS = "ARS", _("Pesos")
    USD = "USD", _("Dólares")


class Document(ErpRecord):
    """An Argentine fiscal document (comprobante) as issued by the ERP."""

    doc_type = models.CharField(_("tipo"), max_length=2, choices=DocumentType.choices)
    letter = models.CharField(_("letra"), max_length=1, choices=Letter.choices)
    point_of_sale = models.PositiveIntegerField(_("punto de venta"))
    number = models.PositiveBigIntegerField(_("número"))
    issue_date = models.DateField(_("fecha"))
    due_date = models.DateField(_("vencimiento"), null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.ARS)
    exchange_rate = models.DecimalField(_("cotización"), max_digits=14, decimal_places=4, default=1)
    net = models.DecimalField(_("neto"), **MONEY)
    vat = models.DecimalField(_("IVA"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    cae = models.CharField(_("CAE"), max_length=14, blank=True)
    cae_due_date = models.DateField(_("vencimiento del CAE"), null=True, blank=True)
    voided = models.BooleanField(_("anulado"), default=False)
    # The ERP's own PDF of the document, when it sent one: served instead of ours. A database
    # default, because the sync inserts rows with SQL naming only the columns it feeds.
    erp_pdf = models.CharField(max_length=255, blank=True, editable=False, db_default="")

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        """`A 0003-00001234`"""
        return f"{self.letter} {self.point_of_sale:04d}-{self.number:08d}"


class DocumentLine(models.Model):
    position = models.PositiveSmallIntegerField(_("renglón"))
    article = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("descripción"), max_length=250)
    quantity = models.DecimalField(_("cantidad"), **QUANTITY)
    unit_price = models.DecimalField(_("precio unitario"), max_digits=16, decimal_places=4)
    amount = models.DecimalField(_("importe"), **MONEY)

    class Meta:
        abstract = True
        ordering = ["position"]


class SalesInvoice(Document):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="sales_invoices", verbose_name=_("cliente")
    )
    # The ERP issued it on the holder's current account on behalf of this customer ("asociado").
    associated_customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="associated_sales_invoices",
        verbose_name=_("cliente asociado"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="sales_invoices",
        verbose_name=_("sucursal"),
    )

    class Meta:
        verbose_name = _("comprobante de venta")
        verbose_name_plural = _("comprobantes de venta")
        indexes = [
            models.Index(fields=["customer", "-issue_date"], name="sales_customer_date_idx"),
            models.Index(fields=["associated_customer", "-issue_date"], name="sales_assoc_date_idx"),
            models.Index(fields=["-issue_date"], name="sales_date_idx"),
            models.Index(fields=["number"], name="sales_number_idx"),
            models.Index(fields=["branch", "issue_date"], name="sales_branch_date_idx"),
            models.Index(fields=["synced_at", "id"], name="sales_synced_idx"),
        ]


class SalesInvoiceLine(DocumentLine):
    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="sales_line_position_uniq")]


class PurchaseInvoice(Document):
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="purchase_invoices", verbose_name=_("proveedor")
    )

    class Meta:
        verbose_name = _("comprobante de compra")
        verbose_name_plural = _("comprobantes de compra")
        indexes = [
            models.Index(fields=["supplier", "-issue_date"], name="purchase_supplier_date_idx"),
            models.Index(fields=["number"], name="purchase_number_idx"),
            models.Index(fields=["synced_at", "id"], name="purchase_synced_idx"),
        ]


class PurchaseInvoiceLine(DocumentLine):
    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="purchase_line_position_uniq")]
