"""The sales ranking and the best-selling articles in a stable order: equal amounts by name
(or article code), then by id, on every request and at the cut of the top N."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from billing_views.admin_selectors import Period, best_selling_articles, customer_ranking
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer
from tests.billing_views.conftest import document

EVERYTHING = Period(None, None)


@pytest.fixture
def admin(book, login):
    return login(book, "admin@alfa.test")


@pytest.fixture
def tied_book(book):
    """Three customers and three articles loaded in reverse alphabetical order (so their ids
    run against their names) with the same 50,000 pesos and 4 units each, above the book's."""
    with tenant_context(book):
        batch_upsert(resource="customers", items=[
            {"external_id": "T1", "business_name": "Zapatería Zárate S.R.L."},
            {"external_id": "T2", "business_name": "Maderera Merlo S.A."},
            {"external_id": "T3", "business_name": "Acopio Azul S.A."}])
        batch_upsert(resource="articles", items=[
            {"external_id": "X1", "code": "903", "description": "Clavos", "supplier": "S1"},
            {"external_id": "X2", "code": "902", "description": "Tornillos", "supplier": "S1"},
            {"external_id": "X3", "code": "901", "description": "Arandelas", "supplier": "S1"}])
        line = {"description": "x", "quantity": "400", "unit_price": "125", "amount": "50000.00"}
        batch_upsert(resource="sales-invoices", items=[
            document(f"T{n}", "customer", f"T{n}", 9100 + n, total="50000.00", issued=-1,
                     lines=[{**line, "article": f"X{n}"}]) for n in (1, 2, 3)])
    return book


def test_customers_with_equal_totals_come_back_ordered_by_name_on_every_request(admin, tied_book):
    # when
    rankings = [admin.get("/administrador/ventas/").context["ranking"] for _ in range(5)]

    # then
    top = [(row["customer__business_name"], row["amount"]) for row in rankings[0]][:3]
    assert top == [("Acopio Azul S.A.", Decimal("50000.00")), ("Maderera Merlo S.A.", Decimal("50000.00")),
                   ("Zapatería Zárate S.R.L.", Decimal("50000.00"))]
    assert all(ranking == rankings[0] for ranking in rankings)


def test_the_top_n_cut_among_tied_customers_keeps_the_first_names(tied_book):
    with tenant_context(tied_book):
        # when
        top_two = customer_ranking(period=EVERYTHING, branch_id=None, limit=2)

    # then
    assert [row["customer__business_name"] for row in top_two] == ["Acopio Azul S.A.", "Maderera Merlo S.A."]


def test_customers_with_the_same_name_and_total_come_back_by_id(tied_book):
    # given: a second «Acopio Azul S.A.» (another tax id in the ERP) with the same 50,000
    with tenant_context(tied_book):
        batch_upsert(resource="customers", items=[{"external_id": "T4", "business_name": "Acopio Azul S.A."}])
        batch_upsert(resource="sales-invoices", items=[
            document("T4", "customer", "T4", 9104, total="50000.00", issued=-1)])
        ids = [Customer.objects.get(external_id=external_id).id for external_id in ("T3", "T4")]

        # when
        ranking = customer_ranking(period=EVERYTHING, branch_id=None)

    # then
    assert [row["customer_id"] for row in ranking][:2] == sorted(ids)


@pytest.mark.parametrize("by", ["cantidad", "importe"])
def test_articles_with_equal_figures_come_back_ordered_by_code(tied_book, by):
    with tenant_context(tied_book):
        # when
        runs = [best_selling_articles(period=EVERYTHING, supplier_id=None, by=by) for _ in range(5)]

    # then
    assert [(row["article__code"], row["article__description"]) for row in runs[0]][:3] == [
        ("901", "Arandelas"), ("902", "Tornillos"), ("903", "Clavos")]
    assert all(run == runs[0] for run in runs)
