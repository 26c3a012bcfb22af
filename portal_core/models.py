"""Every model of a portal's schema, one PostgreSQL schema per company. Each is defined in its
domain package (erp, access, activity, mail, company); Django loads them all from here, and
the migrations name them as `portal_core.<Model>`."""

from portal_core.access.models import AccessIntake, Invitation, InvitationBatch, OwnerNotice, RegistrationRequest
from portal_core.activity.models import AuditEvent
from portal_core.company.models import PortalSettings
from portal_core.erp.models import (
    AccountLink,
    ApiKey,
    Article,
    ArticleSalesDaily,
    Branch,
    Customer,
    CustomerAccountEntry,
    DocumentType,
    ErpEvent,
    Letter,
    Order,
    OrderLine,
    PartyStamp,
    PurchaseInvoice,
    PurchaseInvoiceLine,
    SalesInvoice,
    SalesInvoiceLine,
    Supplier,
    SupplierAccountEntry,
    SupplierPayment,
    SyncState,
    WithholdingCertificate,
)
from portal_core.mail.models import OutboxMessage
from portal_core.notifications.models import Notification, NotificationPreference, NotificationSettings
from portal_core.pickups.models import PickupSchedule, PickupWindow
from portal_core.questions.models import Question, QuestionMessage

__all__ = [
    "AccessIntake", "AccountLink", "ApiKey", "Article", "ArticleSalesDaily", "AuditEvent", "Branch", "Customer",
    "CustomerAccountEntry", "DocumentType", "ErpEvent", "Invitation", "InvitationBatch", "Letter", "Notification",
    "NotificationPreference", "NotificationSettings", "Order", "OrderLine", "OutboxMessage", "OwnerNotice",
    "PartyStamp", "PickupSchedule", "PickupWindow", "PortalSettings", "PurchaseInvoice", "PurchaseInvoiceLine",
    "Question", "QuestionMessage", "RegistrationRequest", "SalesInvoice", "SalesInvoiceLine", "Supplier",
    "SupplierAccountEntry",
    "SupplierPayment", "SyncState", "WithholdingCertificate",
]
