"""DELETE /api/v1/<resource>/<external_id>/ and POST /api/v1/<resource>/delete/: rows the ERP
removed, all or nothing, each refusal per row, with the upserts' follow-ups."""

import json
from decimal import Decimal

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.services import api_key_create
from portal_core.erp.sync.aggregates import article_sales_rebuild
from portal_core.models import (
    ArticleSalesDaily,
    Branch,
    Customer,
    CustomerAccountEntry,
    PartyStamp,
    SalesInvoice,
    SalesInvoiceLine,
    SyncState,
)
from tests.conftest import PASSWORD
from tests.portal_core.erp.api.test_readback_api import ENTRY, everything  # noqa: F401 (a fixture)
from tests.portal_core.erp.api.test_sync_api import _invoice


def delete_batch(api, resource, external_ids=None, *, body=None):
    payload = body if body is not None else json.dumps({"external_ids": external_ids})
    return api.client.post(f"/api/v1/{resource}/delete/", data=payload, content_type="application/json")


def delete_one(api, resource, external_id):
    return api.client.delete(f"/api/v1/{resource}/{external_id}/")


def external_ids(company, model) -> list[str]:
    with tenant_context(company):
        return sorted(model.objects.values_list("external_id", flat=True))


@pytest.fixture
def branches(api):
    api.post("branches", [{"external_id": f"S-{n}", "name": f"Sucursal {n}"} for n in range(4)])


def test_deleting_one_row_removes_it_and_stamps_the_resource(api, alfa, branches):
    with tenant_context(alfa):
        before = SyncState.objects.get(resource="branches").last_synced_at

    response = delete_one(api, "branches", "S-2")

    assert response.status_code == 200
    body = response.json()
    assert body | {"synced_at": None} == {"resource": "branches", "received": 1, "deleted": 1, "synced_at": None,
                                          "message": "1 borrados."}
    assert external_ids(alfa, Branch) == ["S-0", "S-1", "S-3"]
    with tenant_context(alfa):
        assert SyncState.objects.get(resource="branches").last_synced_at > before
    assert api.get("/api/v1/reconcile/").json()["resources"]["branches"]["count"] == 3


def test_a_batch_with_one_bad_id_deletes_nothing_and_lists_each_error(api, alfa, branches):
    response = delete_batch(api, "branches", ["S-0", "S-9", "S-1", "S-0", 7, "", "x" * 65])

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == {"code": "invalid_deletes", "message": "4 error(es): no se borró ningún registro."}
    assert [(e["index"], e["field"], e["code"], e["message"]) for e in body["errors"]] == [
        (3, "external_id", "duplicate_in_batch", "Este external_id ya aparece antes en el mismo lote."),
        (4, "external_id", "string_type", "Debe ser un texto."),
        (5, "external_id", "string_too_short", "No puede estar vacío."),
        (6, "external_id", "string_too_long", "Demasiado largo: máximo 64 caracteres.")]
    assert external_ids(alfa, Branch) == ["S-0", "S-1", "S-2", "S-3"]

    # the shape errors first; once the ids are well formed, the unknown one
    response = delete_batch(api, "branches", ["S-0", "S-9", "S-1"])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 1, "field": "external_id", "code": "not_in_portal", "message": "No existe «S-9» en el portal."}]
    assert external_ids(alfa, Branch) == ["S-0", "S-1", "S-2", "S-3"]

    assert delete_batch(api, "branches", ["S-0", " S-1 "]).json()["deleted"] == 2
    assert external_ids(alfa, Branch) == ["S-2", "S-3"]


def test_a_row_still_in_use_is_refused_with_what_uses_it(api, alfa, everything):  # noqa: F811
    with tenant_context(alfa):
        party_account_create(email="ana@x.test", password=PASSWORD, customer=Customer.objects.get(external_id="CLI-2"))

    response = delete_batch(api, "customers", ["CLI-1", "CLI-2"])

    assert response.status_code == 400
    assert {(e["index"], e["message"]) for e in response.json()["errors"]} == {
        (0, "No se puede borrar «CLI-1»: lo usan comprobantes de venta (1). Bórrelos o cámbielos antes."),
        (0, "No se puede borrar «CLI-1»: lo usan movimientos de cuenta corriente (1). Bórrelos o cámbielos antes."),
        (0, "No se puede borrar «CLI-1»: lo usan pedidos (1). Bórrelos o cámbielos antes."),
        (1, "No se puede borrar «CLI-2»: lo usan comprobantes de venta (1). Bórrelos o cámbielos antes."),
        (1, "No se puede borrar «CLI-2»: lo usan cuentas del portal vinculadas (1). Bórrelos o cámbielos antes."),
    }
    assert external_ids(alfa, Customer) == ["CLI-1", "CLI-2"]
    single = delete_one(api, "articles", "ART-1")
    assert single.status_code == 409
    assert single.json()["errors"][0]["message"] == (
        "No se puede borrar «ART-1»: lo usan renglones de comprobantes de venta (1). Bórrelos o cámbielos antes.")


def test_deleting_a_document_keeps_aggregates_movements_and_stamps_right(api, alfa, everything):  # noqa: F811
    # given: the account entry of FV-1 copies its associated customer (CLI-2)
    with tenant_context(alfa):
        entry = CustomerAccountEntry.objects.get(external_id="CC-1")
        assert entry.associated_customer.external_id == "CLI-2"
        customer_ids = set(Customer.objects.values_list("id", flat=True))
        stamps = PartyStamp.objects.filter(kind="customer", resource="sales-invoices")
        stamps_before = dict(stamps.values_list("party_id", "stamped_at"))
        assert set(stamps_before) == customer_ids  # the holder and the associated customer
    resume = api.get("/api/v1/customer-account-entries/").json()["resume"]

    # when
    response = delete_one(api, "sales-invoices", "FV-1")

    # then
    assert response.status_code == 200
    with tenant_context(alfa):
        assert not SalesInvoice.objects.exists()
        assert not SalesInvoiceLine.objects.exists()
        assert not ArticleSalesDaily.objects.exclude(quantity=0, amount=0).exists()
        kept = sorted(ArticleSalesDaily.objects.exclude(quantity=0, amount=0).values_list("article_id", "quantity"))
        article_sales_rebuild()
        assert sorted(ArticleSalesDaily.objects.values_list("article_id", "quantity")) == kept
        entry.refresh_from_db()
        assert (entry.invoice_id, entry.associated_customer_id, entry.open_balance) == (None, None, Decimal("610.00"))
        stamps_after = dict(stamps.values_list("party_id", "stamped_at"))
        assert all(stamps_after[party] > stamps_before[party] for party in customer_ids)
        assert PartyStamp.objects.filter(kind="customer", resource="customer-account-entries",
                                         stamped_at=stamps_after[entry.customer_id]).exists()
    # read back, the movement comes again, now without its document
    later = api.get(f"/api/v1/customer-account-entries/?cursor={resume}").json()["items"]
    assert later == [ENTRY | {"invoice": None, "description": ""}]


def test_deleting_documents_re_sent_later_creates_them_again(api, alfa, everything):  # noqa: F811
    delete_batch(api, "sales-invoices", ["FV-1"])

    response = api.post("sales-invoices", [_invoice()])

    assert response.json()["created"] == 1
    assert external_ids(alfa, SalesInvoice) == ["FV-1"]


@pytest.mark.parametrize(("body", "code"), [
    ("no es json", "invalid_json"), ("[]", "invalid_envelope"), ('{"external_ids": "S-1"}', "invalid_envelope"),
    ('{"external_ids": [], "otro": 1}', "invalid_envelope"), ('{"items": []}', "invalid_envelope"),
])
def test_malformed_bodies_get_structured_errors(api, alfa, branches, body, code):
    response = delete_batch(api, "branches", body=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert len(external_ids(alfa, Branch)) == 4


def test_an_unknown_single_id_is_a_json_404(api, alfa, branches):
    response = delete_one(api, "branches", "S-9")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_in_portal"


def test_too_many_ids_get_413(api, alfa, branches):
    with override_settings(ERP_SYNC_MAX_BATCH_ROWS=2):
        response = delete_batch(api, "branches", ["S-0", "S-1", "S-2"])

    assert response.status_code == 413
    assert len(external_ids(alfa, Branch)) == 4


def test_a_row_whose_id_is_delete_is_deleted_in_bulk(api, alfa):
    api.post("branches", [{"external_id": "delete", "name": "Sucursal"}])

    assert delete_one(api, "branches", "delete").status_code == 405  # the bulk form's path
    assert delete_batch(api, "branches", ["delete"]).status_code == 200
    assert external_ids(alfa, Branch) == []


def test_another_portal_cannot_delete_a_portals_rows(api_for, alfa, beta, alfa_key, branches):
    with tenant_context(beta):
        _, beta_key = api_key_create(name="ERP de beta")

    assert delete_one(api_for(alfa, beta_key), "branches", "S-0").status_code == 401
    assert delete_batch(api_for(alfa, None), "branches", ["S-0"]).status_code == 401
    assert delete_one(api_for(beta, beta_key), "branches", "S-0").status_code == 404
    assert delete_one(api_for(beta, alfa_key), "branches", "S-0").status_code == 401
    assert len(external_ids(alfa, Branch)) == 4
