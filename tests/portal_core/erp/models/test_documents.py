"""A credit note subtracts in every sum of sales: the one sign (portal_core.erp.models.documents)
as the ORM expression the ranking uses and as the raw SQL the daily article aggregate uses."""

from decimal import Decimal

from django.db import connection
from django_tenants.utils import tenant_context

from billing_views.admin_selectors import Period, best_selling_articles, customer_ranking
from portal_core.erp.models.documents import credit_note_sign, credit_note_sign_sql
from portal_core.erp.sync.aggregates import CONTRIBUTIONS
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import DocumentType, SalesInvoice
from tests.billing_views.conftest import document

EXPECTED = {"FA": 1, "NC": -1, "ND": 1}


def test_the_credit_note_is_the_document_type_nc():
    assert DocumentType.CREDIT_NOTE == "NC"
    assert set(DocumentType.values) == set(EXPECTED)


def test_the_orm_sign_is_minus_one_for_credit_notes_only(alfa):
    # given: one document of each type
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno"}])
        batch_upsert(resource="sales-invoices", items=[
            document(f"D{n}", "customer", "C1", 100 + n, doc_type=doc_type) for n, doc_type in enumerate(EXPECTED)])

        # when
        signs = dict(SalesInvoice.objects.annotate(sign=credit_note_sign()).values_list("doc_type", "sign"))

    # then
    assert signs == EXPECTED


def test_the_ranking_and_the_daily_aggregate_subtract_a_credit_note_alike(alfa):
    # given: an invoice of 500 and a credit note of 200, each one line of the same article
    def line(amount):
        return [{"article": "A1", "description": "x", "quantity": "1", "unit_price": amount, "amount": amount}]

    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno"}])
        batch_upsert(resource="articles", items=[{"external_id": "A1", "code": "001", "description": "Harina"}])
        batch_upsert(resource="sales-invoices", items=[
            document("D1", "customer", "C1", 101, total="500.00", lines=line("500.00")),
            document("D2", "customer", "C1", 102, total="200.00", doc_type="NC", lines=line("200.00"))])

        # when
        ranking = customer_ranking(period=Period(None, None), branch_id=None)
        articles = best_selling_articles(period=Period(None, None), supplier_id=None, by="importe")

    # then
    assert [row["amount"] for row in ranking] == [Decimal("300.00")]
    assert [(row["quantity"], row["amount"]) for row in articles] == [(Decimal("0.000"), Decimal("300.00"))]


def test_the_sql_sign_is_minus_one_for_credit_notes_only(db):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, {credit_note_sign_sql('code')} FROM (VALUES ('FA'), ('NC'), ('ND'), (''))"
                       " AS document (code)")
        signs = dict(cursor.fetchall())

    assert signs == {**EXPECTED, "": 1}


def test_the_sql_sign_holds_the_credit_notes_code_as_a_quoted_literal():
    assert credit_note_sign_sql("invoice.doc_type") == "CASE WHEN invoice.doc_type = 'NC' THEN -1 ELSE 1 END"


def test_the_daily_aggregate_is_built_on_the_one_sign():
    assert CONTRIBUTIONS.count(credit_note_sign_sql("invoice.doc_type")) == 2
    assert "'NC'" not in CONTRIBUTIONS.replace(credit_note_sign_sql("invoice.doc_type"), "")
