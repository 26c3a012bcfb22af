"""Regressions found in review: concurrent replays of a batch, entries detached from their
invoice, and customer groups declared by either side."""

import threading

from django.db import connection, connections
from django_tenants.utils import tenant_context

from portal_core.erp.sync import engine
from portal_core.erp.sync.aggregates import CONTRIBUTIONS
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import ArticleSalesDaily, Customer, CustomerAccountEntry
from provisioning.services import portal_create
from tests.conftest import PASSWORD

INVOICE = {"external_id": "F1", "doc_type": "FA", "letter": "A", "point_of_sale": 1, "number": 1,
           "issue_date": "2026-10-01", "net": "1", "vat": "0", "total": "1", "customer": "C1",
           "lines": [{"article": "A1", "description": "x", "quantity": "2", "unit_price": "1", "amount": "200.00"}]}


def test_the_same_batch_posted_twice_at_once_counts_once(committed_db, monkeypatch):
    # given: both requests validate before either writes (an ERP retrying a slow batch)
    company = portal_create(name="Carrera Lote", email="admin@carrera.test", password=PASSWORD)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno"}])
        batch_upsert(resource="articles", items=[{"external_id": "A1", "code": "A1", "description": "A1"}])
    barrier = threading.Barrier(2)
    validate = engine._validate

    def validate_then_wait(spec, items):
        result = validate(spec, items)
        barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(engine, "_validate", validate_then_wait)
    results = []

    def post():
        try:
            with tenant_context(company):
                results.append(batch_upsert(resource="sales-invoices", items=[INVOICE]).created)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then: one created it, the other found it unchanged; the aggregate counts it once
    assert sorted(results) == [0, 1]
    with tenant_context(company):
        kept = list(ArticleSalesDaily.objects.values_list("quantity", "amount"))
        with connection.cursor() as cursor:
            cursor.execute(CONTRIBUTIONS.format(where="TRUE"))
            assert kept == [row[2:] for row in cursor.fetchall()]


def test_an_entry_resent_without_its_invoice_loses_the_associated_customer(alfa):
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": c, "business_name": c} for c in ("H", "X")])
        batch_upsert(resource="sales-invoices", items=[{**INVOICE, "customer": "H", "associated_customer": "X",
                                                        "lines": []}])
        entry = {"external_id": "E1", "customer": "H", "invoice": "F1", "date": "2026-10-01", "amount": "1",
                 "open_balance": "1"}
        batch_upsert(resource="customer-account-entries", items=[entry])
        assert CustomerAccountEntry.objects.get().associated_customer.external_id == "X"

        batch_upsert(resource="customer-account-entries", items=[{**entry, "invoice": None, "description": "ajuste"}])

        assert CustomerAccountEntry.objects.get().associated_customer_id is None


def test_a_group_link_survives_a_change_of_the_other_customer(alfa):
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[{"external_id": "A", "business_name": "A", "related": ["B"]},
                                                  {"external_id": "B", "business_name": "B"}])
        a, b = Customer.objects.get(external_id="A"), Customer.objects.get(external_id="B")

        batch_upsert(resource="customers", items=[{"external_id": "B", "business_name": "B renombrado"}])

        assert a.group_ids() == [b.id]
        assert b.group_ids() == [a.id]
        batch_upsert(resource="customers", items=[{"external_id": "A", "business_name": "A", "related": []}])
        assert a.group_ids() == []
