"""The portal's data, one PostgreSQL schema per company, fed by the company's ERP."""

from .access import AccessIntake, Invitation, InvitationBatch, OwnerNotice, RegistrationRequest
from .aggregates import ArticleSalesDaily
from .audit import AuditEvent
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
from .outbox import OutboxMessage
from .parties import AccountLink, Article, Branch, Customer, Supplier
from .payments import SupplierPayment, WithholdingCertificate
from .settings import PortalSettings

__all__ = [
    "AccessIntake",
    "AccountLink",
    "ApiKey",
    "Article",
    "ArticleSalesDaily",
    "AuditEvent",
    "Branch",
    "Customer",
    "CustomerAccountEntry",
    "DocumentType",
    "Invitation",
    "InvitationBatch",
    "Letter",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "OwnerNotice",
    "PortalSettings",
    "PurchaseInvoice",
    "PurchaseInvoiceLine",
    "RegistrationRequest",
    "SalesInvoice",
    "SalesInvoiceLine",
    "Supplier",
    "SupplierAccountEntry",
    "SupplierPayment",
    "SyncState",
    "WithholdingCertificate",
]
