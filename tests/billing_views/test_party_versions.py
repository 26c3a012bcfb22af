"""A batch refreshes only its parties' pages: the counts, summaries and rows of every other
party (and of the party's other resources) stay cached. A row written without a batch is how
these tests see a page served from its cache: it shows only once the page's version changes."""

import re
from decimal import Decimal

from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, OrderLine, PartyStamp, SalesInvoice
from tests.billing_views.conftest import document


def _sneak_in(company, *, copy_of: str, number: int) -> None:
    """A copy of an invoice written straight to the table, as no sync would: cached pages miss it."""
    with tenant_context(company):
        invoice = SalesInvoice.objects.get(external_id=copy_of)
        invoice.pk, invoice.external_id, invoice.number = None, f"SNEAK{number}", number
        invoice.save()


def _count(client, url="/facturas/", **query) -> int:
    """The list's count as the page shows it (a page seen again is served whole, not rendered)."""
    html = client.get(url, query).content.decode()
    return int(re.search(r'<p class="result-count">(\d+) comprobantes?</p>', html).group(1))


def test_a_batch_for_another_party_or_resource_leaves_the_page_cached_and_its_own_refreshes_it(book, login):
    # given: C1's invoice list cached (2 documents), and a third one written behind the cache
    client = login(book, "cliente@alfa.test")
    assert _count(client) == 2
    _sneak_in(book, copy_of="F1", number=1901)

    # when: batches for C3's invoices and for C1's orders
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F40", "customer", "C3", 1040, issued=-1)])
        batch_upsert(resource="orders", items=[
            {"external_id": "O9", "customer": "C1", "number": "0001-00000009",
             "ordered_at": "2026-01-05T10:00:00-03:00",
             "lines": [{"description": "Yerba", "quantity_ordered": "2", "quantity_invoiced": "0"}]}])

    # then: still the cached count; C1's own invoice batch refreshes it
    assert _count(client) == 2
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F41", "customer", "C1", 1041, issued=-1)])
    assert _count(client) == 4


def test_a_document_associated_to_the_customer_shows_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert _count(client, asociado="on") == 3  # F1, F2 and C4's F5

    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[
            document("F42", "customer", "C4", 1042, issued=-1, associated_customer="C1")])

    assert _count(client, asociado="on") == 4


def test_a_document_moved_to_another_customer_leaves_the_first_one_at_once(book, login):
    # given: both customers' lists cached
    mine, theirs = login(book, "cliente@alfa.test"), login(book, "ajeno@alfa.test")
    assert (_count(mine), _count(theirs)) == (2, 1)

    # when: the ERP sends F1 again, now under C3
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[
            document("F1", "customer", "C3", 1001, total="1210.00", issued=-40)])

    # then
    assert (_count(mine), _count(theirs)) == (1, 2)


def test_a_batch_for_a_related_customer_refreshes_the_group_list(book, login):
    client = login(book, "cliente@alfa.test")
    assert _count(client, relacionado="on") == 3  # F1, F2 and C2's F3

    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F43", "customer", "C2", 1043, issued=-1)])

    assert _count(client, relacionado="on") == 4


def test_an_invoice_batch_refreshes_the_current_accounts_its_follow_up_rewrote(book, login):
    # given: C1's ledger with Asociado cached: its own movements only (C3's E6 is on F4)
    client = login(book, "cliente@alfa.test")
    before = client.get("/cuenta-corriente/", {"asociado": "on"}).context["summary"]["pending"]

    # when: F4 (C3's) is now issued on C1's behalf: its movement E6 becomes associated to C1
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[
            document("F4", "customer", "C3", 1004, total="7777.00", issued=-2, associated_customer="C1")])

    # then
    after = client.get("/cuenta-corriente/", {"asociado": "on"}).context["summary"]["pending"]
    assert after == before + Decimal("7777.00")


def test_a_batch_stamps_the_parties_before_and_after_it_and_nothing_for_unchanged_rows(book):
    with tenant_context(book):
        PartyStamp.objects.all().delete()

        batch_upsert(resource="sales-invoices", items=[
            document("F1", "customer", "C3", 1001, total="1210.00", issued=-40, associated_customer="C4")])
        stamped = set(PartyStamp.objects.values_list("party_id", "resource"))
        ids = dict(Customer.objects.values_list("external_id", "id"))
        PartyStamp.objects.all().delete()
        batch_upsert(resource="sales-invoices", items=[  # the same row again: nothing changes
            document("F1", "customer", "C3", 1001, total="1210.00", issued=-40, associated_customer="C4")])

        assert stamped == {(ids[external_id], resource) for external_id in ("C1", "C3", "C4")
                           for resource in ("sales-invoices", "customer-account-entries")}
        assert not PartyStamp.objects.exists()



def test_the_orders_are_kept_until_the_customer_s_own_orders_batch(book, login):
    # given: C1's pending orders shown, and a line changed behind the cache
    client = login(book, "cliente@alfa.test")
    assert "Yerba mate x 1 kg" in client.get("/pedidos/").content.decode()
    with tenant_context(book):
        OrderLine.objects.filter(description="Yerba mate x 1 kg").update(description="Yerba cambiada sin lote")

    # when: a batch of C3's orders, then one of C1's
    with tenant_context(book):
        batch_upsert(resource="orders", items=[
            {"external_id": "O8", "customer": "C3", "number": "0001-00000008",
             "ordered_at": "2026-01-05T10:00:00-03:00",
             "lines": [{"description": "Otro", "quantity_ordered": "1", "quantity_invoiced": "0"}]}])
    kept = client.get("/pedidos/").content.decode()
    with tenant_context(book):
        batch_upsert(resource="orders", items=[
            {"external_id": "O9", "customer": "C1", "number": "0001-00000009",
             "ordered_at": "2026-01-05T10:00:00-03:00",
             "lines": [{"description": "Harina", "quantity_ordered": "2", "quantity_invoiced": "0"}]}])
    fresh = client.get("/pedidos/").content.decode()

    # then: C3's batch left C1's page as it was; C1's own shows both changes
    assert "Yerba mate x 1 kg" in kept and "Yerba cambiada" not in kept
    assert "Yerba cambiada sin lote" in fresh and "Pedido 0001-00000009" in fresh
