"""Demo data for a portal: a plausible Argentine company, loaded through the real sync service.

Deterministic (seeded), so the demo portal and the browser tests always see the same data.
The demo customer `CLI-00000` has two related customers and documents associated to it on
other customers' accounts; the demo supplier `PRO-00000` has payments ready for pickup.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from portal_core.erp.sync.engine import batch_upsert

from .builders import (
    Dice,
    article_row,
    customer_row,
    money,
    order_row,
    purchase_invoice_row,
    sales_invoice_row,
    supplier_payment_row,
    supplier_row,
)

DEMO_CUSTOMER = "CLI-00000"
DEMO_RELATED = ["CLI-00001", "CLI-00002"]
DEMO_SUPPLIER = "PRO-00000"
BATCH = 1000


@dataclass
class DemoSummary:
    counts: dict[str, int]


def demo_seed(*, seed: int = 2026) -> DemoSummary:
    data = _build(Dice.seeded(seed))
    for resource, rows in data.items():
        for start in range(0, len(rows), BATCH):
            batch_upsert(resource=resource, items=rows[start:start + BATCH])
    return DemoSummary({resource: len(rows) for resource, rows in data.items()})


def _build(dice: Dice) -> dict[str, list[dict]]:
    branches = [{"external_id": f"SUC-{i:02d}", "name": name}
                for i, name in enumerate(["Casa Central", "Sucursal Rosario", "Sucursal Córdoba"], start=1)]
    suppliers = [supplier_row(dice, business_name="Molinos Güemes S.A.")] + [supplier_row(dice) for _ in range(11)]
    articles = [article_row(dice, supplier=dice.rng.choice(suppliers)["external_id"]) for _ in range(40)]
    customers = [
        customer_row(dice, business_name="Distribuidora Peñalolén S.A.", related=DEMO_RELATED),
        customer_row(dice, business_name="Peñalolén Logística S.R.L."),
        customer_row(dice, business_name="Almacén Peñalolén S.A.S."),
    ] + [customer_row(dice) for _ in range(27)]
    sales = _sales_documents(dice, customers, branches, articles)
    purchases = _purchase_documents(dice, suppliers, articles)
    return {
        "branches": branches,
        "suppliers": suppliers,
        "articles": articles,
        "customers": customers,
        "sales-invoices": sales,
        "purchase-invoices": purchases,
        "customer-account-entries": _entries(dice, sales, "customer", "CC"),
        "supplier-account-entries": _entries(dice, purchases, "supplier", "CP"),
        "orders": _orders(dice, customers, branches, articles),
        "supplier-payments": _payments(dice, suppliers),
    }


def _holder_weights(parties, featured: int):
    """The first parties (the demo's own) get many more documents than the rest."""
    return [featured if index < 3 else 1 for index in range(len(parties))]


def _sales_documents(dice: Dice, customers, branches, articles) -> list[dict]:
    rng, weights = dice.rng, _holder_weights(customers, 12)
    documents = []
    for _ in range(360):
        holder = rng.choices(customers, weights)[0]["external_id"]
        doc_type = rng.choices(["FA", "NC", "ND"], [88, 9, 3])[0]
        documents.append(sales_invoice_row(
            dice, customer=holder, doc_type=doc_type, branch=rng.choice(branches)["external_id"],
            articles=articles, line_count=rng.randint(1, 5),
        ))
    # Issued on other customers' accounts on behalf of the demo customer ("asociado").
    for document in rng.sample([d for d in documents if d["customer"] not in [DEMO_CUSTOMER, *DEMO_RELATED]], 8):
        document["associated_customer"] = DEMO_CUSTOMER
    for document in rng.sample(documents, 4):
        document["voided"] = True
    usd = rng.sample(documents, 6)
    for document in usd:
        document.update(currency="USD", exchange_rate="1045.5000", letter="E")
    return documents


def _purchase_documents(dice: Dice, suppliers, articles) -> list[dict]:
    rng, weights = dice.rng, _holder_weights(suppliers, 10)
    return [
        purchase_invoice_row(
            dice, supplier=rng.choices(suppliers, weights)[0]["external_id"],
            doc_type=rng.choices(["FA", "NC"], [92, 8])[0], articles=articles, line_count=rng.randint(1, 4),
        )
        for _ in range(140)
    ]


def _entries(dice: Dice, documents, party_field: str, prefix: str) -> list[dict]:
    """One movement per document (credit notes negative) with a realistic open balance:
    most paid, some partly paid, some open and overdue; plus receipts, a few leaving a
    balance in the party's favour."""
    rng, today = dice.rng, dice.today
    entries = []
    for document in documents:
        if document["voided"]:
            continue
        sign = -1 if document["doc_type"] == "NC" else 1
        total = Decimal(document["total"]) * Decimal(document["exchange_rate"]) * sign
        issued = timezone.datetime.fromisoformat(document["issue_date"]).date()
        if sign < 0:
            open_balance = rng.choice([Decimal(0), total])
        elif issued > today - timedelta(days=45):
            open_balance = total
        else:
            open_balance = rng.choices([Decimal(0), (total * Decimal("0.4")), total], [70, 15, 15])[0]
        entries.append({
            "external_id": f"{prefix}-{document['external_id']}", party_field: document[party_field],
            "invoice": document["external_id"], "doc_type": document["doc_type"], "letter": document["letter"],
            "point_of_sale": document["point_of_sale"], "number": document["number"],
            "date": document["issue_date"], "due_date": document["due_date"],
            "amount": money(total), "open_balance": money(open_balance),
        })
    parties = sorted({document[party_field] for document in documents})
    for index, party in enumerate(parties):
        paid = sum(Decimal(e["amount"]) - Decimal(e["open_balance"]) for e in entries
                   if e[party_field] == party and Decimal(e["amount"]) > 0)
        in_favour = Decimal(rng.choice([0, 0, 0, 150_000])) if party != DEMO_SUPPLIER else Decimal(0)
        entries.append({
            "external_id": f"{prefix}-REC-{index:05d}", party_field: party,
            "description": f"Recibo 0001-{index + 1:08d}" if prefix == "CC" else f"Orden de pago 0001-{index + 1:08d}",
            "date": (today - timedelta(days=rng.randint(1, 20))).isoformat(),
            "amount": money(-(paid + in_favour)), "open_balance": money(-in_favour),
        })
    return entries


def _orders(dice: Dice, customers, branches, articles) -> list[dict]:
    rng, weights = dice.rng, _holder_weights(customers, 6)
    return [
        order_row(
            dice, customer=rng.choices(customers, weights)[0]["external_id"],
            branch=rng.choice(branches)["external_id"],
            articles=articles, invoiced_share=rng.choice([0, 0, 0.5, 1]),
        )
        for _ in range(60)
    ]


def _payments(dice: Dice, suppliers) -> list[dict]:
    payments = [supplier_payment_row(dice, supplier=DEMO_SUPPLIER, status=status)
                for status in ["ready", "ready", "ready", "picked_up", "picked_up"]]
    payments += [supplier_payment_row(dice, supplier=dice.rng.choice(suppliers)["external_id"],
                                      status=dice.rng.choice(["ready", "picked_up"])) for _ in range(20)]
    return payments
