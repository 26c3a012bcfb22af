"""Rows of demo data shaped exactly as the ERP sends them to the sync API, built by plain functions
that draw from one `Dice`: the same seed always gives the same company (`seed_demo`, and the
browser tests that read its data)."""

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from portal_core.cuit import cuit_check_digit

TWO = Decimal("0.01")

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
# Common Argentine surnames and how often each is drawn (per 100,000), as Faker's es_AR provider
# weighs them: the demo was first generated with Faker, and these keep its names.
SURNAMES = {
    "Gonzalez": 4855, "Rodriguez": 4055, "Gomez": 3683, "Fernandez": 3448, "Lopez": 3333, "Diaz": 2973,
    "Martinez": 2856, "Perez": 2476, "Garcia": 2395, "Sanchez": 2306, "Romero": 2216, "Sosa": 1620, "Torres": 1444,
    "Alvarez": 1444, "Ruiz": 1403, "Ramirez": 1341, "Flores": 1240, "Benitez": 1205, "Acosta": 1184, "Medina": 1164,
    "Herrera": 1119, "Suarez": 1103, "Aguirre": 1093, "Gimenez": 1080, "Gutierrez": 1074, "Pereyra": 1060,
    "Rojas": 1048, "Molina": 1021, "Castro": 983, "Ortiz": 934, "Silva": 916, "Nuñez": 896, "Luna": 894,
    "Juarez": 873, "Cabrera": 852, "Rios": 852, "Morales": 833, "Godoy": 828, "Moreno": 811, "Ferreyra": 808,
    "Dominguez": 807, "Carrizo": 780, "Peralta": 779, "Castillo": 775, "Ledesma": 763, "Quiroga": 762, "Vega": 741,
    "Vera": 717, "Muñoz": 699, "Ojeda": 698, "Ponce": 686, "Villalba": 669, "Cardozo": 663, "Navarro": 636,
    "Coronel": 633, "Vazquez": 632, "Ramos": 631, "Vargas": 626, "Caceres": 618, "Arias": 615, "Figueroa": 612,
    "Cordoba": 594, "Correa": 593, "Maldonado": 593, "Paz": 589, "Rivero": 580, "Miranda": 579, "Mansilla": 575,
    "Farias": 559, "Roldan": 556, "Mendez": 551, "Guzman": 544, "Aguero": 538, "Hernandez": 533, "Lucero": 532,
    "Cruz": 524, "Paez": 523, "Escobar": 520, "Mendoza": 520, "Barrios": 519, "Bustos": 510, "Avila": 505,
    "Ayala": 494, "Blanco": 494, "Soria": 492, "Maidana": 481, "Acuña": 480, "Leiva": 479, "Duarte": 459,
    "Moyano": 453, "Campos": 452, "Soto": 449, "Martin": 445, "Valdez": 437, "Bravo": 437, "Chavez": 433,
    "Velazquez": 432, "Olivera": 430, "Toledo": 429, "Franco": 428,
}
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com")


@dataclass
class Dice:
    """Where the demo's chance comes from. `rng` draws every figure, date and choice; `names` draws
    surnames and email domains apart, so a name never shifts the figures; `counters` number ids
    and documents per kind. `today` and `now` are read once, so one run is one point in time."""

    rng: random.Random
    names: random.Random
    today: date
    now: datetime
    counters: defaultdict = field(default_factory=lambda: defaultdict(itertools.count))

    @classmethod
    def seeded(cls, seed: int) -> "Dice":
        return cls(rng=random.Random(seed), names=random.Random(seed), today=timezone.localdate(),
                   now=timezone.now())

    def serial(self, prefix: str, width: int) -> str:
        """`PREFIX-00000`, `PREFIX-00001`... counted per prefix."""
        return f"{prefix}-{next(self.counters[prefix]):0{width}d}"

    def count(self, name: str) -> int:
        """1, 2, 3... counted per name."""
        return next(self.counters[name]) + 1


def money(value) -> str:
    return str(Decimal(value).quantize(TWO))


def cuit(rng: random.Random, prefix: str = "30") -> str:
    """A random CUIT with a correct check digit."""
    while True:
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = cuit_check_digit(body)
        if check is not None:
            return f"{body}{check}"


def surname(names: random.Random) -> str:
    return names.choices(list(SURNAMES), weights=list(SURNAMES.values()))[0]


def company_name(rng: random.Random, names: random.Random) -> str:
    return f"{rng.choice(TRADES)} {rng.choice([surname(names), rng.choice(PLACES)])} {rng.choice(FORMS)}"


def product(rng: random.Random) -> str:
    return f"{rng.choice(PRODUCTS)} {rng.choice(PACKS)}"


def customer_row(dice: Dice, *, business_name: str | None = None, related: list[str] | None = None) -> dict:
    external_id = dice.serial("CLI", 5)
    business_name = business_name or company_name(dice.rng, dice.names)
    tax_id = cuit(dice.rng, dice.rng.choice(["30", "33", "20", "27"]))
    return {"external_id": external_id, "business_name": business_name, "tax_id": tax_id,
            "email": f"compras{external_id.lower()}@{dice.names.choice(EMAIL_DOMAINS)}", "active": True,
            "related": related or []}


def supplier_row(dice: Dice, *, business_name: str | None = None) -> dict:
    external_id = dice.serial("PRO", 5)
    business_name = business_name or company_name(dice.rng, dice.names)
    tax_id = cuit(dice.rng, "30")
    return {"external_id": external_id, "business_name": business_name, "tax_id": tax_id,
            "email": f"ventas{external_id.lower()}@{dice.names.choice(EMAIL_DOMAINS)}", "active": True}


def article_row(dice: Dice, *, supplier: str) -> dict:
    external_id = dice.serial("ART", 5)
    return {"external_id": external_id, "code": external_id.removeprefix("ART-"), "description": product(dice.rng),
            "supplier": supplier}


def document_lines(dice: Dice, count: int, articles: list[dict]) -> list[dict]:
    """`count` lines, each of one of `articles` (or of a product without an article when there are none)."""
    rows = []
    for _ in range(count):
        article = dice.rng.choice(articles) if articles else None
        description = article["description"] if article else product(dice.rng)
        quantity = str(dice.rng.randint(1, 24))
        unit_price = money(dice.rng.uniform(500, 90_000))
        rows.append({"article": article["external_id"] if article else None, "description": description,
                     "quantity": quantity, "unit_price": unit_price,
                     "amount": money(Decimal(quantity) * Decimal(unit_price))})
    return rows


def _document(dice: Dice, *, external_id: str, doc_type: str, articles: list[dict], line_count: int) -> dict:
    """A fiscal document issued in the last year with its lines; net, VAT (21 %) and total follow
    from the lines."""
    letter = dice.rng.choice(["A", "A", "B"])
    point_of_sale = dice.rng.choice([1, 2, 3])
    number = dice.count("document-number")
    issued = dice.today - timedelta(days=dice.rng.randint(0, 365))
    lines = document_lines(dice, line_count, articles)
    net = money(sum(Decimal(line["amount"]) for line in lines))
    vat = money(Decimal(net) * Decimal("0.21"))
    cae = "".join(str(dice.rng.randint(0, 9)) for _ in range(14))
    return {"external_id": external_id, "doc_type": doc_type, "letter": letter, "point_of_sale": point_of_sale,
            "number": number, "issue_date": issued.isoformat(), "due_date": (issued + timedelta(days=30)).isoformat(),
            "currency": "ARS", "exchange_rate": "1", "lines": lines, "net": net, "vat": vat,
            "total": money(Decimal(net) + Decimal(vat)), "cae": cae,
            "cae_due_date": (issued + timedelta(days=10)).isoformat(), "voided": False}


def sales_invoice_row(dice: Dice, *, customer: str, doc_type: str, branch: str, articles: list[dict],
                      line_count: int) -> dict:
    document = _document(dice, external_id=dice.serial("FV", 7), doc_type=doc_type, articles=articles,
                         line_count=line_count)
    return {**document, "customer": customer, "associated_customer": None, "branch": branch}


def purchase_invoice_row(dice: Dice, *, supplier: str, doc_type: str, articles: list[dict], line_count: int) -> dict:
    document = _document(dice, external_id=dice.serial("FC", 7), doc_type=doc_type, articles=articles,
                         line_count=line_count)
    return {**document, "supplier": supplier}


def order_row(dice: Dice, *, customer: str, branch: str, articles: list[dict], invoiced_share: float) -> dict:
    external_id, number = dice.serial("PED", 6), f"0001-{dice.count('order-number'):08d}"
    ordered_at = dice.now - timedelta(days=dice.rng.randint(0, 60), minutes=dice.rng.randint(0, 600))
    lines = [
        {"article": line["article"], "description": line["description"], "quantity_ordered": line["quantity"],
         "quantity_invoiced": str(int(int(line["quantity"]) * invoiced_share))}
        for line in document_lines(dice, dice.rng.randint(1, 4), articles)
    ]
    return {"external_id": external_id, "customer": customer, "branch": branch, "number": number,
            "ordered_at": ordered_at.isoformat(), "lines": lines}


def supplier_payment_row(dice: Dice, *, supplier: str, status: str) -> dict:
    external_id, number = dice.serial("OP", 6), f"0001-{dice.count('payment-number'):08d}"
    paid = dice.today - timedelta(days=dice.rng.randint(0, 30))
    amount = money(dice.rng.uniform(50_000, 3_000_000))
    method = dice.rng.choice(["Transferencia", "Cheque", "Echeq", "Efectivo"])
    certificates = [
        {"tax": "ganancias", "number": f"GAN-{dice.rng.randint(10000, 99999)}",
         "amount": money(Decimal(amount) * Decimal("0.02"))},
        {"tax": "iibb", "number": f"IIBB-{dice.rng.randint(10000, 99999)}",
         "amount": money(Decimal(amount) * Decimal("0.015"))},
    ]
    return {"external_id": external_id, "supplier": supplier, "number": number, "date": paid.isoformat(),
            "amount": amount, "method": method, "status": status, "certificates": certificates}
