"""The portal admin's overview: every party's balance, the sales ranking, best-selling articles.

Sales figures are in pesos: each document's amounts times its exchange rate; credit notes
subtract, voided documents do not count.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from portal_core.erp.models.documents import credit_note_sign
from portal_core.models import ArticleSalesDaily, Customer, SalesInvoice, Supplier

from .selectors import KEPT_KEY, overdue_condition

# The admin's best-selling articles, kept until the next batch (billing_views.selectors.until_next_sync).
BEST_SELLING_KEY = "admin-articles"
MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


@dataclass(frozen=True)
class Period:
    date_from: date | None
    date_to: date | None


def _in_period(field: str, period: Period) -> Q:
    condition = Q()
    if period.date_from:
        condition &= Q(**{f"{field}__gte": period.date_from})
    if period.date_to:
        condition &= Q(**{f"{field}__lte": period.date_to})
    return condition


# --- Cuentas corrientes --------------------------------------------------------------------

BALANCE_SORTS = {"-saldo": ("-balance", "business_name"), "saldo": ("balance", "business_name"),
                 "razon_social": ("business_name",), "-vencido": ("-overdue", "business_name")}


def party_balances(*, kind: str, period: Period, search: str, today: date, sort: str) -> QuerySet:
    """Each customer (or supplier) with its balance at the period's end, its movements within
    the period and its overdue amount today."""
    model = Customer if kind == "customers" else Supplier
    entries = "account_entries"
    shown = Q(**{f"{entries}__invoice_voided": False})
    until = shown & (Q(**{f"{entries}__date__lte": period.date_to}) if period.date_to else Q())
    within = Q(**{f"{entries}__date__gte": period.date_from}) if period.date_from else Q()
    due = overdue_condition(today=today, prefix=f"{entries}__")
    queryset = model.objects.annotate(
        balance=Coalesce(Sum(f"{entries}__amount", filter=until), ZERO),
        movements=Coalesce(Sum(f"{entries}__amount", filter=until & within), ZERO),
        overdue=Coalesce(Sum(f"{entries}__open_balance", filter=shown & due), ZERO),
    )
    if search:
        queryset = queryset.filter(Q(business_name__icontains=search) | Q(tax_id__contains=search.replace("-", "")))
    return queryset.order_by(*BALANCE_SORTS.get(sort, BALANCE_SORTS["-saldo"]))


def balances_totals(queryset: QuerySet) -> dict:
    rows = list(queryset.values_list("balance", "movements", "overdue"))
    return {
        "balance": sum((row[0] for row in rows), Decimal(0)),
        "movements": sum((row[1] for row in rows), Decimal(0)),
        "overdue": sum((row[2] for row in rows), Decimal(0)),
        "parties": len(rows),
    }


# --- Ventas --------------------------------------------------------------------------------


def _signed_pesos(amount_field: str, doc_type_field: str, rate_field: str):
    sign = credit_note_sign(doc_type_field)
    return ExpressionWrapper(F(amount_field) * F(rate_field) * sign, output_field=MONEY)


def customer_ranking(*, period: Period, branch_id: int | None, limit: int = 20) -> list[dict]:
    """Customers by amount sold, highest first; equal amounts by business name, then id, so the
    order (and who makes the cut at `limit`) is the same on every request."""
    documents = SalesInvoice.objects.filter(_in_period("issue_date", period), voided=False)
    if branch_id:
        documents = documents.filter(branch_id=branch_id)
    return list(
        documents.values("customer_id", "customer__business_name")
        .annotate(amount=Sum(_signed_pesos("total", "doc_type", "exchange_rate")))
        .order_by("-amount", "customer__business_name", "customer_id")[:limit]
    )


def best_selling_articles(*, period: Period, supplier_id: int | None, by: str, limit: int = 20) -> list[dict]:
    """From the daily pre-aggregate the sales sync keeps exact (see ArticleSalesDaily). Ties by
    article code, then description, then id, like the customer ranking."""
    days = ArticleSalesDaily.objects.filter(_in_period("date", period))
    if supplier_id:
        days = days.filter(article__supplier_id=supplier_id)
    order = "-amount" if by == "importe" else "-quantity"
    return list(
        days.values("article_id", "article__code", "article__description")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by(order, "article__code", "article__description", "article_id")[:limit]
    )


def best_selling_forget() -> None:
    """Drop this portal's kept best-selling articles (every version, period and filter): after
    `sales_aggregates_rebuild`, which changes what they add up without a batch."""
    cache.delete_pattern(KEPT_KEY.format(version="*", key=f"{BEST_SELLING_KEY}:*"))
