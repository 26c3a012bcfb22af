"""factory-boy factories of sync payloads: rows shaped exactly as the ERP sends them.

Used by `seed_demo` (through the real sync service), by the tests and by the benchmarks.
"""

import collections
import itertools
import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from faker import Faker

from portal_core.erp.cuit import cuit_check_digit

fake = Faker("es_AR")
TWO = Decimal("0.01")


_counters: dict[str, itertools.count] = collections.defaultdict(itertools.count)


def serial(prefix: str, width: int):
    """`PREFIX-00000`, `PREFIX-00001`... counted per prefix. (factory-boy's Sequence counts
    across every DictFactory subclass, so one factory's ids would depend on the others.)"""
    return factory.LazyFunction(lambda: f"{prefix}-{next(_counters[prefix]):0{width}d}")


def counter(name: str, start: int = 1):
    return factory.LazyFunction(lambda: next(_counters[name]) + start)


def reset_serials() -> None:
    _counters.clear()


def cuit(prefix: str = "30") -> str:
    """A random CUIT with a correct check digit."""
    while True:
        body = prefix + "".join(str(random.randint(0, 9)) for _ in range(8))
        check = cuit_check_digit(body)
        if check is not None:
            return f"{body}{check}"


TRADES = ["Distribuidora", "Ferretería", "Almacén", "Lácteos", "Panificadora", "Transportes", "Agropecuaria",
          "Frigorífico", "Mayorista", "Autoservicio", "Farmacia", "Librería", "Corralón", "Vinería", "Bazar"]
PLACES = ["del Sur", "San Martín", "Güemes", "Belgrano", "La Pampa", "del Litoral", "Patagonia", "Córdoba",
          "Mendoza", "Tucumán", "Río Cuarto", "Bahía Blanca", "Paraná", "Neuquén", "Salta", "del Plata"]
FORMS = ["S.A.", "S.R.L.", "S.A.S."]
PRODUCTS = ["Harina 000", "Aceite de girasol", "Yerba mate", "Azúcar", "Arroz largo fino", "Fideos guiseros",
            "Leche entera", "Dulce de leche", "Queso cremoso", "Galletitas de agua", "Tornillos autoperforantes",
            "Pintura látex", "Cemento portland", "Cable unipolar", "Caño de PVC", "Lavandina", "Detergente",
            "Vino malbec", "Café molido", "Té en saquitos"]
PACKS = ["x 1 kg", "x 500 g", "x 25 kg", "1,5 L", "x 12 u.", "caja x 100", "bolsa x 50 kg", "x 4 L", "x 750 ml"]


def business_name() -> str:
    return f"{random.choice(TRADES)} {random.choice([fake.last_name(), random.choice(PLACES)])} {random.choice(FORMS)}"


def product() -> str:
    return f"{random.choice(PRODUCTS)} {random.choice(PACKS)}"


def money(value) -> str:
    return str(Decimal(value).quantize(TWO))


class CustomerFactory(factory.DictFactory):
    external_id = serial("CLI", 5)
    business_name = factory.LazyFunction(business_name)
    tax_id = factory.LazyFunction(lambda: cuit(random.choice(["30", "33", "20", "27"])))
    email = factory.LazyAttribute(lambda row: f"compras{row.external_id.lower()}@{fake.free_email_domain()}")
    active = True
    related = factory.LazyFunction(list)


class SupplierFactory(factory.DictFactory):
    external_id = serial("PRO", 5)
    business_name = factory.LazyFunction(business_name)
    tax_id = factory.LazyFunction(lambda: cuit("30"))
    email = factory.LazyAttribute(lambda row: f"ventas{row.external_id.lower()}@{fake.free_email_domain()}")
    active = True


class BranchFactory(factory.DictFactory):
    external_id = serial("SUC", 2)
    name = factory.LazyFunction(lambda: f"Sucursal {random.choice(PLACES)}")


class ArticleFactory(factory.DictFactory):
    external_id = serial("ART", 5)
    code = factory.LazyAttribute(lambda row: row.external_id.removeprefix("ART-"))
    description = factory.LazyFunction(product)
    supplier = None


class LineFactory(factory.DictFactory):
    article = None
    description = factory.LazyFunction(product)
    quantity = factory.LazyFunction(lambda: str(random.randint(1, 24)))
    unit_price = factory.LazyFunction(lambda: money(random.uniform(500, 90_000)))
    amount = factory.LazyAttribute(lambda row: money(Decimal(row.quantity) * Decimal(row.unit_price)))


def lines_for(count: int, articles: list[dict] | None = None) -> list[dict]:
    rows = []
    for _ in range(count):
        article = random.choice(articles) if articles else None
        rows.append(LineFactory(article=article["external_id"] if article else None,
                                description=article["description"] if article else product()))
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


class OrderFactory(factory.DictFactory):
    class Params:
        articles = None
        invoiced_share = 0.0

    external_id = serial("PED", 6)
    customer = "CLI-00000"
    branch = None
    number = factory.LazyFunction(lambda: f"0001-{next(_counters['order-number']) + 1:08d}")
    ordered_at = factory.LazyFunction(
        lambda: (timezone.now() - timedelta(days=random.randint(0, 60), minutes=random.randint(0, 600))).isoformat()
    )
    lines = factory.LazyAttribute(lambda row: [
        {
            "article": line["article"], "description": line["description"],
            "quantity_ordered": line["quantity"],
            "quantity_invoiced": str(int(int(line["quantity"]) * row.invoiced_share)),
        }
        for line in lines_for(random.randint(1, 4), row.articles)
    ])


class SupplierPaymentFactory(factory.DictFactory):
    external_id = serial("OP", 6)
    supplier = "PRO-00000"
    number = factory.LazyFunction(lambda: f"0001-{next(_counters['payment-number']) + 1:08d}")
    date = factory.LazyFunction(lambda: (timezone.localdate() - timedelta(days=random.randint(0, 30))).isoformat())
    amount = factory.LazyFunction(lambda: money(random.uniform(50_000, 3_000_000)))
    method = factory.LazyFunction(lambda: random.choice(["Transferencia", "Cheque", "Echeq", "Efectivo"]))
    status = "ready"
    certificates = factory.LazyAttribute(lambda row: [
        {"tax": "ganancias", "number": f"GAN-{random.randint(10000, 99999)}",
         "amount": money(Decimal(row.amount) * Decimal("0.02"))},
        {"tax": "iibb", "number": f"IIBB-{random.randint(10000, 99999)}",
         "amount": money(Decimal(row.amount) * Decimal("0.015"))},
    ])
