"""How each sync resource maps to tables: its schema, copied columns, references and children."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal_core import models as m

from . import schemas


@dataclass(frozen=True)
class Reference:
    """A payload field holding another resource's external_id, stored as a foreign key."""

    field: str
    model: type[models.Model]
    label: str  # how the unknown_reference message names what is missing: «No existe el cliente "X"»

    @property
    def column(self) -> str:
        return f"{self.field}_id"


@dataclass(frozen=True)
class Children:
    """Lines replaced whole whenever their parent changes; `position` is the line's order."""

    field: str
    model: type[models.Model]
    parent: str
    columns: tuple[str, ...]
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Resource:
    name: str
    label: str
    model: type[models.Model]
    schema: type[schemas.Row]
    columns: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    children: Children | None = None
    derived: Callable[[schemas.Row], dict] | None = None
    after: Callable[..., None] | None = field(default=None, compare=False)
    # Run by an ERP delete in its transaction, with the ids of the rows about to go.
    before_delete: Callable[[list[int]], None] | None = field(default=None, compare=False)
    # Pre-aggregates kept exact: (remove, add), each called with external ids; remove before the
    # batch writes (the rows it will rewrite), add after (all the batch's rows).
    aggregates: tuple[Callable[[list[str]], None], Callable[[list[str]], None]] | None = field(
        default=None, compare=False
    )


CUSTOMER = Reference("customer", m.Customer, _("el cliente"))
SUPPLIER = Reference("supplier", m.Supplier, _("el proveedor"))
BRANCH = Reference("branch", m.Branch, _("la sucursal"))
ARTICLE = Reference("article", m.Article, _("el artículo"))
DOCUMENT_COLUMNS = (
    "doc_type", "letter", "point_of_sale", "number", "issue_date", "due_date", "currency", "exchange_rate",
    "net", "vat", "total", "cae", "cae_due_date", "voided",
)
ENTRY_COLUMNS = ("doc_type", "letter", "point_of_sale", "number", "description", "date", "due_date", "amount",
                 "open_balance")
LINE_COLUMNS = ("description", "quantity", "unit_price", "amount")


def _order_pending(order: schemas.OrderIn) -> dict:
    return {"pending": any(line.quantity_invoiced < line.quantity_ordered for line in order.lines)}


def _parties() -> list[Resource]:
    from .relations import customers_relate

    return [
        Resource("customers", _("clientes"), m.Customer, schemas.CustomerIn,
                 ("business_name", "tax_id", "email", "active"), after=customers_relate),
        Resource("suppliers", _("proveedores"), m.Supplier, schemas.SupplierIn,
                 ("business_name", "tax_id", "email", "active")),
        Resource("branches", _("sucursales"), m.Branch, schemas.BranchIn, ("name",)),
        Resource("articles", _("artículos"), m.Article, schemas.ArticleIn, ("code", "description"),
                 references=(SUPPLIER,)),
    ]


def _documents() -> list[Resource]:
    from portal_core.pickups.sync import payments_deleted, payments_pickups_follow

    from .aggregates import article_sales_add, article_sales_remove
    from .relations import (
        entries_associate,
        invoices_associate_entries,
        purchase_invoices_to_entries,
        supplier_entries_from_invoices,
    )

    return [
        Resource("sales-invoices", _("comprobantes de venta"), m.SalesInvoice, schemas.SalesInvoiceIn,
                 DOCUMENT_COLUMNS,
                 references=(CUSTOMER, Reference("associated_customer", m.Customer, _("el cliente")), BRANCH),
                 children=Children("lines", m.SalesInvoiceLine, "invoice", LINE_COLUMNS, (ARTICLE,)),
                 after=invoices_associate_entries, aggregates=(article_sales_remove, article_sales_add)),
        Resource("purchase-invoices", _("comprobantes de compra"), m.PurchaseInvoice, schemas.PurchaseInvoiceIn,
                 DOCUMENT_COLUMNS, references=(SUPPLIER,),
                 children=Children("lines", m.PurchaseInvoiceLine, "invoice", LINE_COLUMNS, (ARTICLE,)),
                 after=purchase_invoices_to_entries),
        Resource("customer-account-entries", _("cuenta corriente de clientes"), m.CustomerAccountEntry,
                 schemas.CustomerAccountEntryIn, ENTRY_COLUMNS,
                 references=(CUSTOMER, Reference("invoice", m.SalesInvoice, _("el comprobante de venta"))),
                 after=entries_associate),
        Resource("supplier-account-entries", _("cuenta corriente de proveedores"), m.SupplierAccountEntry,
                 schemas.SupplierAccountEntryIn, ENTRY_COLUMNS,
                 references=(SUPPLIER, Reference("invoice", m.PurchaseInvoice, _("el comprobante de compra"))),
                 after=supplier_entries_from_invoices),
        Resource("orders", _("pedidos"), m.Order, schemas.OrderIn, ("number", "ordered_at"),
                 references=(CUSTOMER, BRANCH), derived=_order_pending,
                 children=Children("lines", m.OrderLine, "order", ("description", "quantity_ordered",
                                                                     "quantity_invoiced"), (ARTICLE,))),
        Resource("supplier-payments", _("órdenes de pago"), m.SupplierPayment, schemas.SupplierPaymentIn,
                 ("number", "date", "amount", "method", "status"), references=(SUPPLIER,),
                 children=Children("certificates", m.WithholdingCertificate, "payment",
                                   ("tax", "number", "amount")),
                 after=payments_pickups_follow, before_delete=payments_deleted),
    ]


def _build() -> dict[str, Resource]:
    return {resource.name: resource for resource in [*_parties(), *_documents()]}


RESOURCES = _build()
