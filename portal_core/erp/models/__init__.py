"""The data the company's ERP sends: parties, documents, current accounts, orders, payments,
and the keys and sync marks of the integration itself."""

from .aggregates import ArticleSalesDaily
from .documents import (
    DocumentType,
    Letter,
    PurchaseInvoice,
    PurchaseInvoiceLine,
    SalesInvoice,
    SalesInvoiceLine,
)
from .integration import ApiKey, ErpEvent, PartyStamp, SyncState
from .ledger import CustomerAccountEntry, SupplierAccountEntry
from .orders import Order, OrderLine
from .parties import AccountLink, Article, Branch, Customer, Supplier
from .payments import SupplierPayment, WithholdingCertificate

__all__ = [
    "AccountLink", "ApiKey", "Article", "ArticleSalesDaily", "Branch", "Customer", "CustomerAccountEntry",
    "DocumentType", "ErpEvent", "Letter", "Order", "OrderLine", "PartyStamp", "PurchaseInvoice", "PurchaseInvoiceLine",
    "SalesInvoice", "SalesInvoiceLine", "Supplier", "SupplierAccountEntry", "SupplierPayment", "SyncState",
    "WithholdingCertificate",
]
