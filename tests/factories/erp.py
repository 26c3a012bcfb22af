"""factory-boy factories of sync payloads: rows shaped exactly as the ERP sends them, with random
values (names and products in the demo data's words) for whatever a test leaves out. The tests and
the benchmarks use them; the demo data is built by portal_core.demo.builders, without factory-boy."""

import collections
import itertools
import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from portal_core.demo.builders import EMAIL_DOMAINS, company_name, cuit, money, product

_counters: dict[str, itertools.count] = collections.defaultdict(itertools.count)


def serial(prefix: str, width: int):
    """`PREFIX-00000`, `PREFIX-00001`... counted per prefix. (factory-boy's Sequence counts
    across every DictFactory subclass, so one factory's ids would depend on the others.)"""
    return factory.LazyFunction(lambda: f"{prefix}-{next(_counters[prefix]):0{width}d}")


def counter(name: str, start: int = 1):
    return factory.LazyFunction(lambda: next(_counters[name]) + start)


class CustomerFactory(factory.DictFactory):
    external_id = serial("CLI", 5)
    business_name = factory.LazyFunction(lambda: company_name(random, random))
    tax_id = factory.LazyFunction(lambda: cuit(random, random.choice(["30", "33", "20", "27"])))
    email = factory.LazyAttribute(lambda row: f"compras{row.external_id.lower()}@{random.choice(EMAIL_DOMAINS)}")
    active = True
    related = factory.LazyFunction(list)


class ArticleFactory(factory.DictFactory):
    external_id = serial("ART", 5)
    code = factory.LazyAttribute(lambda row: row.external_id.removeprefix("ART-"))
    description = factory.LazyFunction(lambda: product(random))
    supplier = None


class LineFactory(factory.DictFactory):
    article = None
    description = factory.LazyFunction(lambda: product(random))
    quantity = factory.LazyFunction(lambda: str(random.randint(1, 24)))
    unit_price = factory.LazyFunction(lambda: money(random.uniform(500, 90_000)))
    amount = factory.LazyAttribute(lambda row: money(Decimal(row.quantity) * Decimal(row.unit_price)))


def lines_for(count: int, articles: list[dict] | None = None) -> list[dict]:
    rows = []
    for _ in range(count):
        article = random.choice(articles) if articles else None
        rows.append(LineFactory(article=article["external_id"] if article else None,
                                description=article["description"] if article else product(random)))
    return rows


class DocumentFactory(factory.DictFactory):
    """A fiscal document with its lines; net, VAT (21 %) and total follow from the lines."""

    class Params:
        line_count = 3
        articles = None

    external_id = serial("FV", 7)
    doc_type = "FA"
    letter = factory.LazyFunction(lambda: random.choice(["A", "A", "B"]))
    point_of_sale = factory.LazyFunction(lambda: random.choice([1, 2, 3]))
    number = counter("document-number")
    issue_date = factory.LazyFunction(
        lambda: (timezone.localdate() - timedelta(days=random.randint(0, 365))).isoformat()
    )
    due_date = factory.LazyAttribute(
        lambda row: (timezone.datetime.fromisoformat(row.issue_date).date() + timedelta(days=30)).isoformat()
    )
    currency = "ARS"
    exchange_rate = "1"
    lines = factory.LazyAttribute(lambda row: lines_for(row.line_count, row.articles))
    net = factory.LazyAttribute(lambda row: money(sum(Decimal(line["amount"]) for line in row.lines)))
    vat = factory.LazyAttribute(lambda row: money(Decimal(row.net) * Decimal("0.21")))
    total = factory.LazyAttribute(lambda row: money(Decimal(row.net) + Decimal(row.vat)))
    cae = factory.LazyFunction(lambda: "".join(str(random.randint(0, 9)) for _ in range(14)))
    cae_due_date = factory.LazyAttribute(
        lambda row: (timezone.datetime.fromisoformat(row.issue_date).date() + timedelta(days=10)).isoformat()
    )
    voided = False


class SalesInvoiceFactory(DocumentFactory):
    customer = "CLI-00000"
    associated_customer = None
    branch = None


class PurchaseInvoiceFactory(DocumentFactory):
    external_id = serial("FC", 7)
    supplier = "PRO-00000"
