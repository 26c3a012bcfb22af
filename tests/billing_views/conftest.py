"""A small, hand-checkable book of documents in portal alfa (and one customer in beta), loaded
through the real sync service, with accounts for two customers and two suppliers."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, Supplier
from tests.conftest import PASSWORD, host_client

TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def document(external_id, party_field, party, number, *, total="121.00", issued=-10, due=20, doc_type="FA", **extra):
    row = {
        "external_id": external_id, party_field: party, "doc_type": doc_type, "letter": "A", "point_of_sale": 3,
        "number": number, "issue_date": day(issued), "due_date": day(issued + due), "net": "100.00", "vat": "21.00",
        "total": total, "cae": "74123456789012", "cae_due_date": day(issued + 10),
        "lines": [{"description": "Harina 000 x 25 kg", "quantity": "1", "unit_price": "100", "amount": "100.00"}],
    }
    row.update(extra)
    return row


def entry(external_id, party_field, party, *, amount, balance, due, invoice=None, number=None, date=-10):
    return {"external_id": external_id, party_field: party, "invoice": invoice, "doc_type": "FA" if number else "",
            "letter": "A" if number else "", "point_of_sale": 3 if number else None, "number": number,
            "description": "" if number else "Recibo", "date": day(date),
            "due_date": day(due) if due is not None else None, "amount": amount, "open_balance": balance}


BOOK = {
    "customers": [
        {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
         "related": ["C2"]},
        {"external_id": "C2", "business_name": "Peñalolén Logística S.R.L."},
        {"external_id": "C3", "business_name": "Ajeno S.A."},
        {"external_id": "C4", "business_name": "Titular Asociante S.A."},
    ],
    "suppliers": [
        {"external_id": "S1", "business_name": "Molinos Güemes S.A.", "tax_id": "30500000011"},
        {"external_id": "S2", "business_name": "Otro Proveedor S.R.L."},
    ],
    "sales-invoices": [
        document("F1", "customer", "C1", 1001, total="1210.00", issued=-40),
        document("F2", "customer", "C1", 1002, total="242.00", doc_type="NC", issued=-5),
        document("F3", "customer", "C2", 1003, total="5000.00", issued=-3),
        document("F4", "customer", "C3", 1004, total="7777.00", issued=-2),
        document("F5", "customer", "C4", 1005, total="3333.00", issued=-1, associated_customer="C1"),
        document("F6", "customer", "C1", 1006, total="9999.00", issued=-1, voided=True),
    ],
    "customer-account-entries": [
        # Open 1000 of F1, due 20 days ago (bucket 0-30); 500 open due in 10 days (not due);
        # 400 open due 75 days ago (61-90); a receipt leaving 300 in the customer's favour.
        entry("E1", "customer", "C1", amount="1210.00", balance="1000.00", due=-20, invoice="F1", number=1001),
        entry("E2", "customer", "C1", amount="500.00", balance="500.00", due=10, number=1010),
        entry("E3", "customer", "C1", amount="400.00", balance="400.00", due=-75, number=1011, date=-100),
        entry("E4", "customer", "C1", amount="-800.00", balance="-300.00", due=None),
        entry("E5", "customer", "C2", amount="5000.00", balance="5000.00", due=-40, invoice="F3", number=1003),
        entry("E6", "customer", "C3", amount="7777.00", balance="7777.00", due=-5, invoice="F4", number=1004),
        entry("E7", "customer", "C4", amount="3333.00", balance="3333.00", due=5, invoice="F5", number=1005),
    ],
    "purchase-invoices": [
        document("P1", "supplier", "S1", 2001, total="605.00"),
        document("P2", "supplier", "S2", 2002, total="888.00"),
    ],
    "supplier-account-entries": [
        entry("Q1", "supplier", "S1", amount="605.00", balance="605.00", due=-100, invoice="P1", number=2001),
        entry("Q2", "supplier", "S2", amount="888.00", balance="888.00", due=5, invoice="P2", number=2002),
    ],
    "orders": [
        {"external_id": "O1", "customer": "C1", "number": "0001-00000001", "ordered_at": f"{day(-2)}T10:30:00-03:00",
         "lines": [{"description": "Yerba mate x 1 kg", "quantity_ordered": "10", "quantity_invoiced": "4"}]},
        {"external_id": "O2", "customer": "C1", "number": "0001-00000002", "ordered_at": f"{day(-3)}T09:00:00-03:00",
         "lines": [{"description": "Azúcar x 1 kg", "quantity_ordered": "5", "quantity_invoiced": "5"}]},
        {"external_id": "O3", "customer": "C3", "number": "0001-00000003", "ordered_at": f"{day(-1)}T09:00:00-03:00",
         "lines": [{"description": "Ajeno", "quantity_ordered": "1", "quantity_invoiced": "0"}]},
    ],
    "supplier-payments": [
        {"external_id": "OP1", "supplier": "S1", "number": "0001-00000101", "date": day(-1), "amount": "98000.00",
         "method": "Transferencia", "status": "ready",
         "certificates": [{"tax": "ganancias", "number": "GAN-1", "amount": "2000.00"}]},
        {"external_id": "OP2", "supplier": "S1", "number": "0001-00000102", "date": day(-30), "amount": "5000.00",
         "method": "Cheque", "status": "picked_up"},
        {"external_id": "OP3", "supplier": "S2", "number": "0001-00000103", "date": day(-1), "amount": "1.00",
         "method": "Efectivo", "status": "ready",
         "certificates": [{"tax": "iibb", "number": "IIBB-9", "amount": "0.10"}]},
    ],
}


@pytest.fixture
def book(alfa):
    with tenant_context(alfa):
        for resource, rows in BOOK.items():
            batch_upsert(resource=resource, items=rows)
        accounts = {
            "cliente@alfa.test": {"customer": Customer.objects.get(external_id="C1")},
            "ajeno@alfa.test": {"customer": Customer.objects.get(external_id="C3")},
            "proveedor@alfa.test": {"supplier": Supplier.objects.get(external_id="S1")},
            "otroprov@alfa.test": {"supplier": Supplier.objects.get(external_id="S2")},
            "ambos@alfa.test": {"customer": Customer.objects.get(external_id="C1"),
                                "supplier": Supplier.objects.get(external_id="S1")},
        }
        for email, parties in accounts.items():
            party_account_create(email=email, password=PASSWORD, **parties)
    return alfa


def committed_book(name: str, slug: str, accounts: dict[str, tuple[str, str]]):
    """A new portal with BOOK loaded, for tests with real commits (committed_db): `accounts` maps
    each email to its party, ("customer", "C1") or ("supplier", "S1"). Its admin is
    admin@<slug>.test."""
    from provisioning.services import portal_create

    company = portal_create(name=name, email=f"admin@{slug}.test", password=PASSWORD)
    assert company.slug == slug
    with tenant_context(company):
        for resource, rows in BOOK.items():
            batch_upsert(resource=resource, items=rows)
        models = {"customer": Customer, "supplier": Supplier}
        for email, (kind, external_id) in accounts.items():
            party_account_create(email=email, password=PASSWORD,
                                 **{kind: models[kind].objects.get(external_id=external_id)})
    return company


@pytest.fixture
def login():
    def log_in(company, email):
        client = host_client(company)
        response = client.post("/ingresar/", {"username": email, "password": PASSWORD})
        assert response.status_code == 302, email
        return client

    return log_in


def doc_id(company, model, external_id) -> int:
    with tenant_context(company):
        return model.objects.get(external_id=external_id).id


def streamed(response) -> bytes:
    """A streamed response's body (a CSV export), read whole."""
    return b"".join(response.streaming_content)
