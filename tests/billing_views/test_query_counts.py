"""The number of queries a page runs does not grow with the data behind it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import CustomerAccountEntry
from tests.billing_views.conftest import document, entry

PAGES = [
    ("cliente@alfa.test", "/facturas/?relacionado=on&asociado=on"),
    ("cliente@alfa.test", "/cuenta-corriente/?relacionado=on&asociado=on"),
    ("cliente@alfa.test", "/pedidos/"),
    ("proveedor@alfa.test", "/compras/"),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/"),
    ("proveedor@alfa.test", "/retiro-de-pagos/"),
]


def _more_data(company):
    with tenant_context(company):
        batch_upsert(resource="sales-invoices", items=[
            document(f"X{i}", "customer", "C1" if i % 2 else "C2", 5000 + i, associated_customer="C1" if i % 5 == 0
                     else None) for i in range(60)])
        batch_upsert(resource="customer-account-entries", items=[
            entry(f"XE{i}", "customer", "C1", amount="10.00", balance="10.00", due=-i, invoice=f"X{i}", number=5000 + i)
            for i in range(60)])
        batch_upsert(resource="orders", items=[
            {"external_id": f"XO{i}", "customer": "C1", "number": f"X-{i}", "ordered_at": "2026-11-01T10:00:00-03:00",
             "lines": [{"description": "Algo", "quantity_ordered": "3", "quantity_invoiced": "1"},
                       {"description": "Otro", "quantity_ordered": "2", "quantity_invoiced": "0"}]}
            for i in range(40)])
        batch_upsert(resource="supplier-payments", items=[
            {"external_id": f"XP{i}", "supplier": "S1", "number": f"X-{i}", "date": "2026-11-01", "amount": "5.00",
             "method": "Cheque", "certificates": [{"tax": "iva", "number": f"C{i}", "amount": "1.00"}]}
            for i in range(40)])


@pytest.mark.parametrize(("email", "path"), PAGES)
def test_queries_do_not_grow_with_the_data(book, login, email, path):
    client = login(book, email)
    client.get(path)
    with CaptureQueriesContext(connection) as before:
        client.get(path)

    _more_data(book)
    client.get(path)
    with CaptureQueriesContext(connection) as after:
        response = client.get(path)

    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_movement_follows_its_invoices_associated_customer(book, login):
    # given: F4 (holder C3) gets associated to C1 after its movement E6 was synced
    from tests.billing_views.conftest import BOOK

    row = {**next(r for r in BOOK["sales-invoices"] if r["external_id"] == "F4"), "associated_customer": "C1"}
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[row])
        assert CustomerAccountEntry.objects.get(external_id="E6").associated_customer.external_id == "C1"

    # then: the customer's current account with Asociado shows it
    response = login(book, "cliente@alfa.test").get("/cuenta-corriente/", {"asociado": "on"})
    assert "A 0003-00001004" in response.content.decode()


def _tables(queries) -> list[str]:
    """The table each query reads from, its subqueries aside (the SET search_path of the request
    is not a read)."""
    return [_main_table(query["sql"]) for query in queries if not query["sql"].startswith("SET ")]


def _main_table(sql: str) -> str:
    while (outer := re.sub(r"\([^()]*\)", "", sql)) != sql:
        sql = outer
    return re.search(r'FROM "?(\w+)"?', sql).group(1)


@pytest.mark.parametrize(("email", "path"), [("cliente@alfa.test", "/facturas/"),
                                             ("proveedor@alfa.test", "/compras/")])
def test_a_page_seen_again_reads_the_account_the_switches_and_the_versions_only(book, login, email, path):
    """Per request: the account (with its link and whether it has two-factor, in one query),
    the portal's switches, and the data versions. The portal's row is remembered by the
    process (tenants.lookup); the customer's group is a subquery of its versions' query."""
    client = login(book, email)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200

    assert _tables(queries.captured_queries) == [
        "accounts_user", "portal_core_portalsettings", "portal_core_syncstate", "portal_core_partystamp"]
