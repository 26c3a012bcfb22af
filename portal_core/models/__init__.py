"""The portal's data, one PostgreSQL schema per company, fed by the company's ERP."""

from .aggregates import ArticleSalesDaily
from .documents import (
    DocumentType,
    Letter,
    PurchaseInvoice,
    PurchaseInvoiceLine,
    SalesInvoice,
    SalesInvoiceLine,
)
from .integration import ApiKey, SyncState
from .ledger import CustomerAccountEntry, SupplierAccountEntry
from .orders import Order, OrderLine
from .parties import AccountLink, Article, Branch, Customer, Supplier
from .payments import SupplierPayment, WithholdingCertificate
from .settings import PortalSettings

__all__ = [
    "AccountLink",
    "ApiKey",
    "Article",
    "ArticleSalesDaily",
    "Branch",
    "Customer",
    "CustomerAccountEntry",
    "DocumentType",
    "Letter",
    "Order",
    "OrderLine",
    "PortalSettings",
    "PurchaseInvoice",
    "PurchaseInvoiceLine",
    "SalesInvoice",
    "SalesInvoiceLine",
    "Supplier",
    "SupplierAccountEntry",
    "SupplierPayment",
    "SyncState",
    "WithholdingCertificate",
]
