"""*Descargar resumen*: a current account's statement (resumen de cuenta) of a period, as a PDF
in the invoices' style or as XLSX.

- Opening balance (saldo anterior): the sum of the party's movements dated before the period.
- Each movement of the period, oldest first, with its running balance; the closing balance is
  the opening plus the period's movements.
- Aging at the period's end. For a period that ends today it is the ERP's own `open_balance`
  of each movement, aged exactly as the ledger page ages it (the customer sees the same
  figures in both). Those open balances are as of today, though (payments after a past period
  have already reduced them), so a past period's open debts are rebuilt first in, first out:
  the closing balance is what is left of the newest debits, and each part is aged by its due
  date against the period's last day; those buckets add up to the closing balance shown.
- Scope as on the ledger page: the party's own movements, and for a customer its *Relacionado*
  and *Asociado* checks; voided documents' movements are left out everywhere.
- Without balances (the portal hides them from that kind of party), the statement lists the
  period's movements with their debit and credit only, as the ledger page shows them: no
  opening, running or closing balance and no aging, which would show what the admin hid.

`statement_file` makes the file for a party and period without a request (the monthly email
attaches it); the views call it too. A PDF holds at most STATEMENT_PDF_MAX_MOVEMENTS
movements (xhtml2pdf needs about 3 ms and 45 KB a row); the XLSX has no limit, its rows are
read in chunks and written by openpyxl's write-only mode.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from portal_core.models import Customer, Supplier

from .errors import BillingError
from .selectors import Filters, ledger_scope, open_balance_figures

PDF, XLSX = "pdf", "xlsx"
FORMATS = (PDF, XLSX)
MAX_PERIOD_DAYS = 5 * 365 + 1  # five years, one of them a leap year
CHUNK = 2000
POSITIVE = Q(amount__gt=0)
BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_90_plus")
CONTENT_TYPES = {PDF: "application/pdf",
                 XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class StatementRequest:
    """What a statement is of: whose, which period, which scope, and whether it shows balances."""

    party: Customer | Supplier
    date_from: date
    date_to: date
    related: bool = False
    associated: bool = False
    with_balances: bool = True

    @property
    def is_customer(self) -> bool:
        return isinstance(self.party, Customer)


@dataclass
class Line:
    """One movement of the period: the entry, its debit or credit and the balance after it."""

    entry: object
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal


@dataclass
class Statement:
    request: StatementRequest
    opening: Decimal
    closing: Decimal
    debits: Decimal
    credits: Decimal
    count: int
    aging: dict = field(default_factory=dict)
    aging_from_erp: bool = False  # else rebuilt first in, first out (a past period)
    issued: date = field(default_factory=timezone.localdate)


@dataclass(frozen=True)
class StatementFile:
    content: bytes
    filename: str
    content_type: str


def period_check(*, date_from: date, date_to: date, today: date) -> None:
    """The period's rules, as the form states them (a caller without the form gets the same)."""
    if date_to < date_from:
        raise BillingError(BillingError.STATEMENT_PERIOD_REVERSED)
    if date_to > today:
        raise BillingError(BillingError.STATEMENT_PERIOD_FUTURE)
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise BillingError(BillingError.STATEMENT_PERIOD_TOO_LONG)


def _movements(request: StatementRequest):
    filters = Filters(related=request.related and request.is_customer,
                      associated=request.associated and request.is_customer)
    return ledger_scope(party=request.party, filters=filters)


def _period_movements(request: StatementRequest):
    return (_movements(request).filter(date__gte=request.date_from, date__lte=request.date_to)
            .prefetch_related("customer" if request.is_customer else "supplier").order_by("date", "id"))


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def statement_read(request: StatementRequest) -> Statement:
    """The statement's figures (two aggregate queries and the aging's), without its lines."""
    movements = _movements(request)
    opening = _sum(movements.filter(date__lt=request.date_from))
    period = movements.filter(date__gte=request.date_from, date__lte=request.date_to)
    figures = period.aggregate(positive=Sum("amount", filter=POSITIVE), negative=Sum("amount", filter=~POSITIVE),
                               count=Count("id"))
    positive, negative = figures["positive"] or Decimal(0), -(figures["negative"] or Decimal(0))
    debits, credits = (positive, negative) if request.is_customer else (negative, positive)
    closing = opening + positive - negative
    statement = Statement(request=request, opening=opening, closing=closing, debits=debits, credits=credits,
                          count=figures["count"])
    if request.with_balances:
        until_end = movements.filter(date__lte=request.date_to)
        if request.date_to >= timezone.localdate():
            statement.aging, statement.aging_from_erp = erp_aging(until_end, today=request.date_to), True
        else:
            statement.aging = aging_at(until_end, balance=closing, as_of=request.date_to)
    return statement


def erp_aging(movements, *, today: date) -> dict:
    """A period ending today: the ERP's own open balances, aged as the ledger page ages them
    (the same figures the customer sees there)."""
    figures = open_balance_figures(movements=movements, today=today)
    return {"not_due": figures["not_due"], "days_1_30": figures["days_0_30"], "days_31_60": figures["days_31_60"],
            "days_61_90": figures["days_61_90"], "days_90_plus": figures["days_90_plus"],
            "in_favour": figures["in_favour"]}


def statement_lines(statement: Statement) -> Iterator[Line]:
    """The period's movements, oldest first, each with the balance after it. A customer's
    positive amounts (invoices, debit notes) are debits; a supplier's (what the company owes
    it) are credits to its account, as the company's books have them."""
    balance = statement.opening
    customer = statement.request.is_customer
    for entry in _period_movements(statement.request).iterator(chunk_size=CHUNK):
        balance += entry.amount
        charge, payment = (entry.amount, None) if entry.amount > 0 else (None, -entry.amount)
        debit, credit = (charge, payment) if customer else (payment, charge)
        yield Line(entry=entry, debit=debit, credit=credit, balance=balance)


def aging_at(movements, *, balance: Decimal, as_of: date) -> dict:
    """`balance` (the closing balance) spread over the newest debits that make it up, by how
    long each was overdue on `as_of`. A balance in the party's favour has no aging: it is
    `in_favour`. A movement without a due date is never overdue (as on the ledger page)."""
    aging = dict.fromkeys(BUCKETS, Decimal(0))
    aging["in_favour"] = -balance if balance < 0 else Decimal(0)
    left = balance
    debts = movements.filter(amount__gt=0).order_by("-date", "-id").values_list("amount", "due_date")
    for amount, due_date in debts.iterator(chunk_size=CHUNK):
        if left <= 0:
            break
        part = min(amount, left)
        aging[_bucket(due_date, as_of)] += part
        left -= part
    return aging


def _bucket(due_date: date | None, as_of: date) -> str:
    if due_date is None or due_date >= as_of:
        return "not_due"
    days = (as_of - due_date).days
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    return "days_61_90" if days <= 90 else "days_90_plus"


def statement_file(*, party: Customer | Supplier, date_from: date, date_to: date, file_format: str,
                   company, related: bool = False, associated: bool = False, with_balances: bool | None = None,
                   logo: str | None = None) -> StatementFile:
    """The statement of `party` from `date_from` to `date_to` (both included) as PDF or XLSX
    bytes, for a download or an email's attachment; call it with the portal's schema active.
    `with_balances` defaults to the portal's switch for the party's kind. Raises BillingError
    for a bad period, or for a PDF of more than STATEMENT_PDF_MAX_MOVEMENTS movements."""
    from . import pdf, sheets

    if file_format not in FORMATS:
        raise ValueError(file_format)
    period_check(date_from=date_from, date_to=date_to, today=timezone.localdate())
    if with_balances is None:
        with_balances = _balances_shown(party)
    request = StatementRequest(party=party, date_from=date_from, date_to=date_to, related=related,
                               associated=associated, with_balances=with_balances)
    statement = statement_read(request)
    if file_format == PDF:
        if statement.count > settings.STATEMENT_PDF_MAX_MOVEMENTS:
            raise BillingError(BillingError.STATEMENT_TOO_MANY, count=thousands(statement.count),
                               limit=thousands(settings.STATEMENT_PDF_MAX_MOVEMENTS))
        content = pdf.statement_pdf(statement=statement, lines=list(statement_lines(statement)), company=company,
                                    logo=logo)
    else:
        content = sheets.statement_xlsx(statement=statement, lines=statement_lines(statement), company=company)
    name = f"resumen-{party.external_id}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{file_format}"
    return StatementFile(content=content, filename=name, content_type=CONTENT_TYPES[file_format])


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _balances_shown(party) -> bool:
    from portal_core.company.selectors import portal_settings

    switches = portal_settings()
    return switches.customer_balances if isinstance(party, Customer) else switches.supplier_balances


def default_period(today: date) -> tuple[date, date]:
    """The current month up to today."""
    return today.replace(day=1), today


def last_month(today: date) -> tuple[date, date]:
    """The whole previous month (what a monthly email sends on the 1st)."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end
