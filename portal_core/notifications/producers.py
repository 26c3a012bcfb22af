"""Where notifications are recorded: from what a sync batch wrote (in its transaction) and from
the daily due-date run. Each event becomes one `Notification` per account that wants it; the
unique (account, kind, key) makes every recording idempotent."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal_core.models import (
    AccountLink,
    Customer,
    CustomerAccountEntry,
    Notification,
    NotificationPreference,
    SalesInvoice,
    Supplier,
    SupplierPayment,
    WithholdingCertificate,
)

from . import kinds as k
from .models import Delivery
from .selectors import kinds_enabled, notification_settings

# A document older than this, loaded now (the ERP back-filling its history), is not "new".
NEW_DOCUMENT_MAX_AGE = timedelta(days=30)


@dataclass(frozen=True)
class Event:
    party_id: int  # the customer or supplier (by the kind's audience) it concerns
    object_id: int
    key: str
    data: dict


def events_record(*, kind: str, events: list[Event]) -> int:
    """One pending Notification per event and account linked to its party that gets this kind
    (the admin has it on, its section is visible, the account did not turn it off). Already
    recorded ones are left as they are. Returns how many it tried to record."""
    if not events or kind not in kinds_enabled():
        return 0
    audience = k.KINDS[kind].audience
    party_field = "customer_id" if audience == k.CUSTOMER else "supplier_id"
    accounts: dict[int, list[int]] = {}
    for user_id, party_id in (AccountLink.objects.filter(**{f"{party_field}__in": {e.party_id for e in events}},
                                                         user__is_active=True)
                              .values_list("user_id", party_field)):
        accounts.setdefault(party_id, []).append(user_id)
    chosen = dict(NotificationPreference.objects.filter(
        kind=kind, user_id__in=[u for users in accounts.values() for u in users]).values_list("user_id", "delivery"))
    default = k.KINDS[kind].default_delivery
    rows = [Notification(user_id=user_id, kind=kind, key=event.key[:120], object_id=event.object_id, data=event.data,
                         delivery=chosen.get(user_id, default))
            for event in events for user_id in accounts.get(event.party_id, ())
            if chosen.get(user_id, default) != Delivery.OFF]
    rows = _unrecorded(kind, rows)
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # a concurrent batch may record one too
    if any(row.delivery == Delivery.IMMEDIATE for row in rows):
        _send_soon()
    return len(rows)


def _unrecorded(kind: str, rows: list[Notification]) -> list[Notification]:
    """The rows not recorded yet. ERPs send the same state again and again (a payment still
    ready, with its amount corrected): such a batch records nothing and queues no send."""
    if not rows:
        return rows
    recorded = set(Notification.objects.filter(kind=kind, key__in={row.key for row in rows},
                                               user_id__in={row.user_id for row in rows})
                   .values_list("user_id", "key"))
    return [row for row in rows if (row.user_id, row.key) not in recorded]


def _send_soon() -> None:
    from portal_core.notifications.tasks import notifications_send
    from tenants.queue import enqueue_on_commit

    enqueue_on_commit(notifications_send)  # lost with the broker: the per-minute beat sends it


def _entries_open(ids):
    return CustomerAccountEntry.objects.filter(id__in=ids, invoice_voided=False, open_balance__gt=0).values_list(
        "id", "customer_id")


# {kind: object ids -> (object id, its party's id) of the objects that still say what was told}:
# read again when sending, so a document voided or a balance paid meanwhile is not announced.
CURRENT_PARTY = {
    k.NEW_DOCUMENT: lambda ids: SalesInvoice.objects.filter(id__in=ids, voided=False).values_list("id", "customer_id"),
    k.DUE_SOON: _entries_open,
    k.OVERDUE: _entries_open,
    k.PAYMENT_READY: lambda ids: SupplierPayment.objects.filter(
        id__in=ids, status=SupplierPayment.Status.READY).values_list("id", "supplier_id"),
    k.WITHHOLDING_CERTIFICATE: lambda ids: SupplierPayment.objects.filter(id__in=ids).values_list("id", "supplier_id"),
    k.STATEMENT_CUSTOMER: lambda ids: Customer.objects.filter(id__in=ids, active=True).values_list("id", "id"),
    k.STATEMENT_SUPPLIER: lambda ids: Supplier.objects.filter(id__in=ids, active=True).values_list("id", "id"),
}


# --- From a sync batch ---------------------------------------------------------------------


def sync_batch_record(*, resource: str, written: dict[str, tuple[int, bool]]) -> None:
    """In the batch's transaction: what the rows it wrote ({external_id: (id, inserted)}) have to
    tell. A replayed batch writes nothing, so it records nothing."""
    if not written:
        return
    if resource == "sales-invoices":
        created = [row_id for row_id, inserted in written.values() if inserted]
        _new_documents(created)
    elif resource == "supplier-payments":
        payment_ids = [row_id for row_id, _ in written.values()]
        _payments_ready(payment_ids)
        _certificates(payment_ids)


def _document_data(document, number: str) -> dict:
    return {"doc_type": document.get_doc_type_display(), "number": number,
            "date": document.issue_date.isoformat(), "due_date": document.due_date.isoformat()
            if document.due_date else "", "amount": str(document.total), "currency": document.currency}


def _new_documents(invoice_ids: list[int]) -> None:
    """Documents the batch created, issued lately; voided ones left out (a voided one shows nowhere)."""
    invoices = SalesInvoice.objects.filter(id__in=invoice_ids, voided=False,
                                           issue_date__gte=timezone.localdate() - NEW_DOCUMENT_MAX_AGE)
    invoices = invoices.order_by("issue_date", "id")
    events_record(kind=k.NEW_DOCUMENT, events=[
        Event(invoice.customer_id, invoice.id, f"invoice:{invoice.id}", _document_data(invoice, invoice.display_number))
        for invoice in invoices])


def _payments_ready(payment_ids: list[int]) -> None:
    """Created ready, or turned ready: the key is the payment, so once only."""
    payments = SupplierPayment.objects.filter(id__in=payment_ids, status=SupplierPayment.Status.READY).order_by("date")
    events_record(kind=k.PAYMENT_READY, events=[
        Event(payment.supplier_id, payment.id, f"payment:{payment.id}",
              {"doc_type": "Orden de pago", "number": payment.number, "date": payment.date.isoformat(),
               "amount": str(payment.amount), "currency": "ARS", "method": payment.method})
        for payment in payments])


def _certificates(payment_ids: list[int]) -> None:
    """A payment's certificates are rewritten with it: a certificate is known by its payment,
    tax and number, so one rewritten unchanged is not new."""
    certificates = (WithholdingCertificate.objects.filter(payment_id__in=payment_ids)
                    .select_related("payment").order_by("payment_id", "position"))
    events_record(kind=k.WITHHOLDING_CERTIFICATE, events=[
        Event(c.payment.supplier_id, c.payment_id, f"certificate:{c.payment_id}:{c.tax}:{c.number}",
              {"doc_type": f"Certificado de retención de {c.get_tax_display()}", "number": c.number,
               "date": c.payment.date.isoformat(), "amount": str(c.amount), "currency": "ARS",
               "payment": c.payment.number})
        for c in certificates])


# --- The daily due-date run ----------------------------------------------------------------


def _open_entries(*, due: Q):
    """Debit movements with a balance still open, of customers some active account is linked
    to, on a shown (not voided) document: the index (customer, due_date) WHERE NOT voided."""
    customers = AccountLink.objects.filter(customer__isnull=False, user__is_active=True).values("customer_id")
    return (CustomerAccountEntry.objects.filter(due, customer_id__in=customers, invoice_voided=False,
                                                open_balance__gt=0)
            .order_by("due_date", "id"))


def _entry_event(entry, key: str) -> Event:
    return Event(entry.customer_id, entry.id, key, {
        "doc_type": entry.get_doc_type_display() or entry.description, "number": entry.display_number,
        "date": entry.date.isoformat(), "due_date": entry.due_date.isoformat(), "amount": str(entry.open_balance),
        "currency": "ARS"})


@transaction.atomic
def due_dates_record(*, today: date) -> int:
    """Por vencer: due within the admin's days (once per movement and due date). Vencidos: one
    reminder a week counted from the due date (days 1, 8, 15...) until the balance is zero."""
    enabled, recorded = kinds_enabled(), 0
    if k.DUE_SOON in enabled:
        days = notification_settings().due_soon_days
        soon = _open_entries(due=Q(due_date__gte=today, due_date__lte=today + timedelta(days=days)))
        recorded += events_record(kind=k.DUE_SOON, events=[
            _entry_event(entry, f"entry:{entry.id}:{entry.due_date.isoformat()}") for entry in soon])
    if k.OVERDUE in enabled:
        late = _open_entries(due=Q(due_date__lt=today))
        recorded += events_record(kind=k.OVERDUE, events=[
            _entry_event(entry, f"entry:{entry.id}:{entry.due_date.isoformat()}:"
                                f"week{((today - entry.due_date).days - 1) // 7}")
            for entry in late])
    if today.day == 1:
        recorded += _statements_record(today=today, enabled=enabled)
    return recorded


MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def _statements_record(*, today: date, enabled: set[str]) -> int:
    """On the 1st: the previous month's statement for every party an active account is linked
    to (accounts that asked for it get it), once per party and month."""
    last = today - timedelta(days=1)
    first = last.replace(day=1)
    period = f"desde={first:%d/%m/%Y}&hasta={last:%d/%m/%Y}&formato=pdf"
    recorded = 0
    for kind, field in ((k.STATEMENT_CUSTOMER, "customer_id"), (k.STATEMENT_SUPPLIER, "supplier_id")):
        if kind not in enabled:
            continue
        parties = (AccountLink.objects.filter(**{f"{field}__isnull": False}, user__is_active=True)
                   .values_list(field, flat=True).distinct())
        recorded += events_record(kind=kind, events=[
            Event(party_id, party_id, f"statement:{first:%Y-%m}", {
                "doc_type": "Resumen de cuenta", "number": f"{MONTHS[first.month - 1]} {first.year}",
                "path": f"{k.KINDS[kind].path}?{period}"})
            for party_id in parties])
    return recorded
