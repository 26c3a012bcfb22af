"""Rows the ERP deletes through the API leave no cached page behind: the party's lists and
summaries change at once, other parties' pages keep their cache keys."""

import json
from decimal import Decimal

from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from portal_core.models import Customer, PartyStamp
from tests.portal_core.erp.api.conftest import ApiClient


def erp(company) -> ApiClient:
    with tenant_context(company):
        _, key = api_key_create(name="ERP")
    return ApiClient(company, key)


def delete(api, resource, external_ids):
    response = api.client.post(f"/api/v1/{resource}/delete/", data=json.dumps({"external_ids": external_ids}),
                               content_type="application/json")
    assert response.status_code == 200, response.json()


def test_a_deleted_document_leaves_the_list_and_its_count_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert client.get("/facturas/").context["page"].paginator.count == 2
    with tenant_context(book):
        other = PartyStamp.objects.get(kind="customer", party_id=Customer.objects.get(external_id="C3").id,
                                       resource="sales-invoices")

    delete(erp(book), "sales-invoices", ["F1"])

    response = client.get("/facturas/")
    assert response.context["page"].paginator.count == 1
    assert "A 0003-00001001" not in response.content.decode()
    # its movement stays, without the document: the summary did not lose it
    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == Decimal("1900.00")
    with tenant_context(book):  # another customer's pages keep their cache key
        assert PartyStamp.objects.get(pk=other.pk).stamped_at == other.stamped_at


def test_a_deleted_movement_changes_the_summary_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == Decimal("1900.00")

    delete(erp(book), "customer-account-entries", ["E2"])

    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == Decimal("1400.00")


def test_a_deleted_order_leaves_the_pending_orders_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert "0001-00000001" in client.get("/pedidos/").content.decode()

    delete(erp(book), "orders", ["O1"])

    assert "0001-00000001" not in client.get("/pedidos/").content.decode()
