"""Summaries and list counts are cached until the ERP's next batch: every batch makes them
fresh, and no portal or customer ever reads another's entry."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from billing_views import selectors
from portal_core.erp.selectors import sync_version
from portal_core.erp.sync.deletes import batch_delete
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer
from tests.billing_views.conftest import doc_id, document, entry


def test_a_ledger_sync_changes_the_summary_at_once(book, login):
    # given: the summary is cached
    client = login(book, "cliente@alfa.test")
    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == Decimal("1900.00")

    # when: the ERP syncs a new open movement and changes one already there
    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E8", "customer", "C1", amount="50.00", balance="50.00", due=-3, number=1020),
            entry("E2", "customer", "C1", amount="500.00", balance="0.00", due=10, number=1010),
        ])

    # then
    summary = client.get("/cuenta-corriente/").context["summary"]
    assert summary["pending"] == Decimal("1900.00") + Decimal("50.00") - Decimal("500.00")
    assert summary["not_due"] == 0
    assert summary["days_0_30"] == Decimal("1050.00")


def test_a_supplier_ledger_sync_changes_the_summary_at_once(book, login):
    client = login(book, "proveedor@alfa.test")
    assert client.get("/cuenta-corriente-proveedor/").context["summary"]["pending"] == Decimal("605.00")

    with tenant_context(book):
        batch_upsert(resource="supplier-account-entries", items=[
            entry("Q3", "supplier", "S1", amount="95.00", balance="95.00", due=-1, number=2003)])

    assert client.get("/cuenta-corriente-proveedor/").context["summary"]["pending"] == Decimal("700.00")


def test_a_sync_of_another_resource_also_refreshes_the_summary(book, login):
    # given: C2 is related to C1, and the summary with Relacionado is cached
    client = login(book, "cliente@alfa.test")
    related = client.get("/cuenta-corriente/", {"relacionado": "on"}).context["summary"]["pending"]
    assert related == Decimal("1900.00") + Decimal("5000.00")

    # when: the customers' sync drops the relation (no movement changed)
    with tenant_context(book):
        batch_upsert(resource="customers", items=[
            {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
             "related": []}])

    # then
    assert client.get("/cuenta-corriente/", {"relacionado": "on"}).context["summary"]["pending"] == Decimal("1900.00")


def test_a_document_sync_changes_the_list_count_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert client.get("/facturas/").context["page"].paginator.count == 2

    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F7", "customer", "C1", 1007, issued=-2)])

    response = client.get("/facturas/")
    assert response.context["page"].paginator.count == 3
    assert "A 0003-00001007" in response.content.decode()


def test_each_filter_has_its_own_count(book, login):
    client = login(book, "cliente@alfa.test")

    everything = client.get("/cuenta-corriente/").context["page"].paginator.count
    overdue = client.get("/cuenta-corriente/", {"vencidos": "on"}).context["page"].paginator.count

    assert (everything, overdue) == (4, 2)


def test_another_customer_of_the_portal_gets_its_own_summary_and_count(book, login):
    # given: C1's summary and count are cached
    assert login(book, "cliente@alfa.test").get("/cuenta-corriente/").context["summary"]["pending"] == Decimal(
        "1900.00")

    # when: C3 opens the same page
    response = login(book, "ajeno@alfa.test").get("/cuenta-corriente/")

    # then: its own figures, not C1's
    assert response.context["summary"]["pending"] == Decimal("7777.00")
    assert response.context["page"].paginator.count == 1


def test_cache_entries_are_per_portal_even_with_the_same_key_and_version(alfa, beta):
    # given: an entry cached in alfa
    with tenant_context(alfa):
        version = sync_version()
        assert selectors.until_next_sync("ledger-summary:customer:1:00:2026-01-01", version, lambda: "alfa") == "alfa"

    # when: beta asks for the same key under the same version
    with tenant_context(beta):
        found = selectors.until_next_sync("ledger-summary:customer:1:00:2026-01-01", version, lambda: "beta")

    # then: beta computes its own
    assert found == "beta"
    with tenant_context(alfa):
        cache.delete(f"billing:{version}:ledger-summary:customer:1:00:2026-01-01")
    with tenant_context(beta):
        cache.delete(f"billing:{version}:ledger-summary:customer:1:00:2026-01-01")


def test_the_version_changes_with_every_batch_even_one_that_changes_nothing(book):
    with tenant_context(book):
        before = sync_version()
        batch_upsert(resource="orders", items=[])
        assert sync_version() != before


def test_a_list_shows_a_synced_document_at_once_though_its_rows_are_cached(book, login):
    client = login(book, "cliente@alfa.test")
    assert "0003-00001099" not in client.get("/facturas/").content.decode()

    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F99", "customer", "C1", 1099, issued=-1)])

    assert "0003-00001099" in client.get("/facturas/").content.decode()


def test_cached_rows_are_each_account_own(book, login):
    mine = login(book, "cliente@alfa.test").get("/facturas/").content.decode()
    theirs = login(book, "ajeno@alfa.test").get("/facturas/").content.decode()

    assert "0003-00001001" in mine and "0003-00001004" not in mine
    assert "0003-00001004" in theirs and "0003-00001001" not in theirs


def test_switching_balances_off_changes_the_cached_rows_at_once(book, login):
    from portal_core.company.services import portal_settings_update

    client = login(book, "cliente@alfa.test")
    assert "Pendiente" in client.get("/facturas/").content.decode()

    with tenant_context(book):
        portal_settings_update(changes={"customer_balances": False})

    page = client.get("/facturas/").content.decode()
    assert "0003-00001001" in page and "Pendiente" not in page


@pytest.mark.parametrize(("email", "url", "number", "resource", "movement"), [
    ("cliente@alfa.test", "/facturas/", "0003-00001001", "customer-account-entries",
     entry("E1", "customer", "C1", amount="1210.00", balance="0.00", due=-20, invoice="F1", number=1001)),
    ("proveedor@alfa.test", "/compras/", "0003-00002001", "supplier-account-entries",
     entry("Q1", "supplier", "S1", amount="605.00", balance="0.00", due=-100, invoice="P1", number=2001)),
])
def test_a_ledger_batch_that_settles_an_invoice_shows_on_its_list_at_once(book, login, email, url, number,
                                                                           resource, movement):
    # given: the invoice is pending on its list (its movement has a balance open), and the page is cached
    client = login(book, email)
    assert _state_of(client.get(url).content.decode(), number) == "Pendiente"

    # when: the ERP's current account says it is paid (only the movement changes)
    with tenant_context(book):
        batch_upsert(resource=resource, items=[movement])

    # then: the invoice reads as settled, on the same session's next view
    assert _state_of(client.get(url).content.decode(), number) == "Cancelada"


def _state_of(html: str, number: str) -> str:
    row = html[html.index(number):]
    row = row[: row.index("</tr>")]
    return "Pendiente" if "Pendiente" in row else "Cancelada" if "Cancelada" in row else "—"


# --- What a movement's batch changes for the other customers that see it ---------------------
# E7 is C4's movement of F5, an invoice of C4 associated to C1: C1 sees both with "Asociado".

E7_PAID = entry("E7", "customer", "C4", amount="3333.00", balance="0.00", due=5, invoice="F5", number=1005)


def _pending(html: str) -> str:
    return re.search(r"Saldo pendiente</span><strong>([^<]*)</strong>", html).group(1)


def test_a_movement_paid_by_the_holder_shows_at_once_to_the_associated_customer(book, login):
    client = login(book, "cliente@alfa.test")
    assert _pending(client.get("/cuenta-corriente/", {"asociado": "on"}).content.decode()) == "$ 5.233,00"
    assert _state_of(client.get("/facturas/", {"asociado": "on"}).content.decode(), "0003-00001005") == "Pendiente"

    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[E7_PAID])

    assert _pending(client.get("/cuenta-corriente/", {"asociado": "on"}).content.decode()) == "$ 1.900,00"
    assert _state_of(client.get("/facturas/", {"asociado": "on"}).content.decode(), "0003-00001005") == "Cancelada"


def test_a_new_movement_of_an_associated_invoice_shows_at_once_and_so_does_its_deletion(book, login):
    client = login(book, "cliente@alfa.test")
    assert "0003-00001099" not in client.get("/cuenta-corriente/", {"asociado": "on"}).content.decode()

    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E8", "customer", "C4", amount="100.00", balance="100.00", due=5, invoice="F5", number=1099)])
    page = client.get("/cuenta-corriente/", {"asociado": "on"}).content.decode()
    assert "0003-00001099" in page and _pending(page) == "$ 5.333,00"

    with tenant_context(book):
        batch_delete(resource="customer-account-entries", external_ids=["E8", "E7"])
    page = client.get("/cuenta-corriente/", {"asociado": "on"}).content.decode()
    assert "0003-00001099" not in page and _pending(page) == "$ 1.900,00"


def test_the_admins_ledger_of_the_associated_customer_follows_the_holders_movement(book, login):
    admin = login(book, "admin@alfa.test")
    url = f"/administrador/cuentas-corrientes/clientes/{doc_id(book, Customer, 'C1')}/"
    assert _pending(admin.get(url, {"asociado": "on"}).content.decode()) == "$ 5.233,00"

    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[E7_PAID])

    assert _pending(admin.get(url, {"asociado": "on"}).content.decode()) == "$ 1.900,00"


def test_a_movement_of_one_customer_settling_anothers_invoice_shows_on_that_ones_facturas(book, login):
    # F4 is C3's, pending; the ERP books C1's credit note against it
    theirs = login(book, "ajeno@alfa.test")
    assert _state_of(theirs.get("/facturas/").content.decode(), "0003-00001004") == "Pendiente"

    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E9", "customer", "C1", amount="-7777.00", balance="-7777.00", due=None, invoice="F4")])

    assert _state_of(theirs.get("/facturas/").content.decode(), "0003-00001004") == "Cancelada"
