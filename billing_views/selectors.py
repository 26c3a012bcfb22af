"""Reads of what customers and suppliers see. Every query starts from the account's own
party (never from an id in the URL alone) and leaves voided documents out."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db.models import Case, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from portal_core.models import (
    Customer,
    CustomerAccountEntry,
    Order,
    OrderLine,
    PurchaseInvoice,
    SalesInvoice,
    Supplier,
    SupplierAccountEntry,
    SupplierPayment,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
# A sync changes the key long before this; the timeout only lets old versions' entries go.
CACHE_SECONDS = 60 * 60
KEPT_KEY = "billing:{version}:{key}"  # until_next_sync's entries


@dataclass(frozen=True)
class Filters:
    """What the filter bar asks for; empty values filter nothing."""

    date_from: date | None = None
    date_to: date | None = None
    business_name: str = ""
    point_of_sale: int | None = None
    number: int | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    related: bool = False
    associated: bool = False
    sort: str = "-fecha"
    extra: dict = field(default_factory=dict)


DOCUMENT_SORTS = {
    "-fecha": ("-issue_date", "-id"), "fecha": ("issue_date", "id"),
    "-importe": ("-total", "-id"), "importe": ("total", "id"),
    "-vencimiento": ("-due_date", "-id"), "vencimiento": ("due_date", "id"),
    "-numero": ("-point_of_sale", "-number"), "numero": ("point_of_sale", "number"),
    "razon_social": ("customer__business_name", "-issue_date"),
}
ENTRY_SORTS = {
    "-fecha": ("-date", "-id"), "fecha": ("date", "id"),
    "-importe": ("-amount", "-id"), "importe": ("amount", "id"),
    "-vencimiento": ("-due_date", "-id"), "vencimiento": ("due_date", "id"),
    "-saldo": ("-open_balance", "-id"), "saldo": ("open_balance", "id"),
}


# --- Customers -----------------------------------------------------------------------------


def _memo(customer: Customer, name: str, read):
    """Read once per customer object (one request): the list, its count and its summary all
    need the same ids."""
    cache = customer.__dict__.setdefault("_selector_memo", {})
    if name not in cache:
        cache[name] = read()
    return cache[name]


def _holder_ids(customer: Customer, related: bool) -> list[int]:
    ids = [customer.id]
    if related:
        ids += _memo(customer, "related", customer.group_ids)
    return ids


def customer_group(customer: Customer) -> list[int]:
    """The customer's id and its related customers' (read once per request)."""
    return _holder_ids(customer, True)


def _customer_scope(customer: Customer, *, related: bool, associated: bool) -> Q:
    """Base list: the customer's own documents (or movements); *Relacionado* adds its group's,
    *Asociado* adds those issued on other accounts on its behalf."""
    scope = Q(customer_id__in=_holder_ids(customer, related))
    if associated:
        scope |= Q(associated_customer_id=customer.id)
    return scope


def _filtered(queryset: QuerySet, filters: Filters, *, party: str, date_field: str, amount_field: str) -> QuerySet:
    """The filter bar's conditions; documents and movements differ only in their field names."""
    conditions = {
        f"{date_field}__gte": filters.date_from, f"{date_field}__lte": filters.date_to,
        f"{party}__business_name__icontains": filters.business_name or None,
        "point_of_sale": filters.point_of_sale, "number": filters.number,
        f"{amount_field}__gte": filters.amount_min, f"{amount_field}__lte": filters.amount_max,
    }
    return queryset.filter(**{lookup: value for lookup, value in conditions.items() if value is not None})


def _document_filters(queryset: QuerySet, filters: Filters, party_field: str) -> QuerySet:
    return _filtered(queryset, filters, party=party_field, date_field="issue_date", amount_field="total")


def sales_documents(*, customer: Customer, filters: Filters) -> QuerySet[SalesInvoice]:
    balance = (
        CustomerAccountEntry.objects.filter(invoice=OuterRef("pk"))
        .values("invoice").annotate(total=Sum("open_balance")).values("total")
    )
    queryset = (
        SalesInvoice.objects.filter(_customer_scope(customer, related=filters.related, associated=filters.associated))
        .filter(voided=False)
        .prefetch_related("customer")  # a join would run for every matching row, before the sort and LIMIT
        .annotate(open_balance=Subquery(balance))
    )
    queryset = _document_filters(queryset, filters, "customer")
    return queryset.order_by(*DOCUMENT_SORTS.get(filters.sort, DOCUMENT_SORTS["-fecha"]))


def access_sales_document(*, customer: Customer, document_id: int) -> SalesInvoice:
    """A document the customer may open (own, its group's or associated to it), or 404 —
    the same 404 as for an id that does not exist."""
    scope = _customer_scope(customer, related=True, associated=True)
    documents = SalesInvoice.objects.filter(scope, voided=False).select_related("customer", "branch")
    return get_object_or_404(with_article_codes(documents), pk=document_id)


def pending_orders(*, customer: Customer) -> QuerySet[Order]:
    lines = OrderLine.objects.select_related("article").order_by("position")
    return (
        Order.objects.filter(customer=customer, pending=True)
        .select_related("branch")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-ordered_at")
    )


# --- Suppliers -----------------------------------------------------------------------------


def purchase_documents(*, supplier: Supplier, filters: Filters) -> QuerySet[PurchaseInvoice]:
    balance = (
        SupplierAccountEntry.objects.filter(invoice=OuterRef("pk"))
        .values("invoice").annotate(total=Sum("open_balance")).values("total")
    )
    queryset = (
        PurchaseInvoice.objects.filter(supplier=supplier, voided=False)
        .select_related("supplier")
        .annotate(open_balance=Subquery(balance))
    )
    queryset = _document_filters(queryset, filters, "supplier")
    sorts = {**DOCUMENT_SORTS, "razon_social": ("supplier__business_name", "-issue_date")}
    return queryset.order_by(*sorts.get(filters.sort, sorts["-fecha"]))


def access_purchase_document(*, supplier: Supplier, document_id: int) -> PurchaseInvoice:
    documents = PurchaseInvoice.objects.filter(supplier=supplier, voided=False).select_related("supplier")
    return get_object_or_404(with_article_codes(documents), pk=document_id)


def with_article_codes(documents: QuerySet) -> QuerySet:
    """Each document with its lines' article codes in line order (`article_codes`), which its
    stored PDF's name holds (billing_views.pdf): read with the document, not apart for each."""
    lines = documents.model.lines.rel.related_model
    return documents.annotate(article_codes=ArraySubquery(
        lines.objects.filter(invoice=OuterRef("pk")).order_by("position", "id").values("article__code")))


def supplier_payments(*, supplier: Supplier) -> QuerySet[SupplierPayment]:
    # Ready for pickup first, newest first within each status.
    return (
        SupplierPayment.objects.filter(supplier=supplier)
        .prefetch_related("certificates")
        .order_by("-status", "-date", "-id")
    )


def access_supplier_payment(*, supplier: Supplier, payment_id: int) -> SupplierPayment:
    return get_object_or_404(SupplierPayment.objects.filter(supplier=supplier), pk=payment_id)


def access_certificate(*, supplier: Supplier, payment_id: int, certificate_id: int):
    payment = get_object_or_404(SupplierPayment.objects.filter(supplier=supplier), pk=payment_id)
    return payment, get_object_or_404(payment.certificates.all(), pk=certificate_id)


# --- Current accounts (customers' and suppliers') -------------------------------------------


def overdue_condition(*, today: date, prefix: str = "") -> Q:
    """What "vencido" means wherever it shows: still owed, and due before today (a movement
    without a due date never is). `prefix` reaches the movements from another model."""
    return Q(**{f"{prefix}open_balance__gt": 0, f"{prefix}due_date__lt": today})


def _ledger_movements(party: Customer | Supplier, filters: Filters) -> tuple[QuerySet, str]:
    """A party's movements before the filter bar, and the name of their party field. A
    customer's scope follows its *Relacionado* and *Asociado* checks; a supplier has none."""
    if isinstance(party, Supplier):
        return SupplierAccountEntry.objects.filter(supplier=party, invoice_voided=False), "supplier"
    scope = _customer_scope(party, related=filters.related, associated=filters.associated)
    return CustomerAccountEntry.objects.filter(scope, invoice_voided=False), "customer"


def ledger_scope(*, party: Customer | Supplier, filters: Filters) -> QuerySet:
    """A party's movements as the ledger's scope checks (and nothing else of its filter bar)
    select them: what its statement (billing_views.statements) is made of."""
    return _ledger_movements(party, filters)[0]


def ledger_entries(*, party: Customer | Supplier, filters: Filters, today: date) -> QuerySet:
    """The current account's rows (CustomerAccountEntry or SupplierAccountEntry), filtered and
    sorted as the filter bar asks, each with `is_overdue` today."""
    movements, party_field = _ledger_movements(party, filters)
    if filters.extra.get("overdue"):
        movements = movements.filter(overdue_condition(today=today))
    movements = _filtered(movements, filters, party=party_field, date_field="date", amount_field="amount")
    # As in sales_documents: the parties of the page's rows only, not a join for every match.
    return (movements.prefetch_related(party_field)
            .annotate(is_overdue=Case(When(overdue_condition(today=today), then=Value(True)), default=Value(False)))
            .order_by(*ENTRY_SORTS.get(filters.sort, ENTRY_SORTS["-fecha"])))


def ledger_summary(*, party: Customer | Supplier, filters: Filters, today: date, version: str) -> dict:
    """The summary depends only on the scope switches and the day, not on the other filters."""
    party_field = "supplier" if isinstance(party, Supplier) else "customer"
    key = f"ledger-summary:{party_field}:{party.id}:{filters.related:d}{filters.associated:d}:{today}"
    return until_next_sync(key, version, lambda: _ledger_summary(_ledger_movements(party, filters)[0], today))


def access_ledger_entry(*, party: Customer | Supplier, entry_id: int):
    """A movement of the party's current account as its page shows it (a customer's: its group's
    and those associated to it too), or 404."""
    if isinstance(party, Supplier):
        movements = SupplierAccountEntry.objects.filter(supplier=party, invoice_voided=False)
    else:
        movements = CustomerAccountEntry.objects.filter(_customer_scope(party, related=True, associated=True),
                                                        invoice_voided=False)
    return get_object_or_404(movements, pk=entry_id)


# --- Shared --------------------------------------------------------------------------------


def until_next_sync(key: str, version: str, read):
    """`read()`, kept until the ERP next changes it: `version` is part of the key (a party's,
    billing_views.paging.party_version, or the whole portal's for the admin's reports,
    Viewer.data_version), so a batch that changes what was read moves its readers to a fresh
    entry. The cache's key function adds the portal's schema and each key names its party or
    report, so no portal or party reads another's entry. Only synced data may be read this way."""
    return cache.get_or_set(KEPT_KEY.format(version=version, key=key), read, CACHE_SECONDS)


def list_count(rows, *, version: str, key: str | None = None) -> int:
    """A list page's row count (its paginator's COUNT), until the next sync. Keyed by `key`
    (billing_views.paging.synced_page: the selector, its arguments and the day) or else by the
    query's SQL with its parameters (the party's ids, every filter and the day are in it)."""
    if key is None:
        key = f"{rows.model._meta.label_lower}:{hashlib.sha256(str(rows.query).encode()).hexdigest()}"
    return until_next_sync(f"count:{key}", version, rows.count)


def open_balance_figures(*, movements: QuerySet, today: date) -> dict:
    """The ledger page's summary of `movements`, uncached: what the ERP says is still open, aged today."""
    return _ledger_summary(movements, today)


def _ledger_summary(queryset: QuerySet, today: date) -> dict:
    """Pending balance, balance in favour, overdue amount and aging buckets, in one query."""
    owed = Q(open_balance__gt=0)
    due = overdue_condition(today=today)

    def total(condition: Q):
        return Coalesce(Sum("open_balance", filter=condition), ZERO)

    def overdue_between(newest: int, oldest: int) -> Q:
        """Overdue by `newest` to `oldest` days, both inclusive."""
        return due & Q(due_date__lte=today - timedelta(days=newest), due_date__gte=today - timedelta(days=oldest))

    figures = queryset.aggregate(
        pending=total(owed),
        in_favour=total(Q(open_balance__lt=0)),
        overdue=total(due),
        not_due=total(owed & (Q(due_date__gte=today) | Q(due_date__isnull=True))),
        days_0_30=total(overdue_between(1, 30)),
        days_31_60=total(overdue_between(31, 60)),
        days_61_90=total(overdue_between(61, 90)),
        days_90_plus=total(due & Q(due_date__lt=today - timedelta(days=90))),
    )
    figures["in_favour"] = -figures["in_favour"]
    figures["balance"] = figures["pending"] - figures["in_favour"]
    return figures
