"""The ERP sync API: round trips, idempotent replays, per-row errors, atomicity, auth, limits."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create, api_key_revoke
from portal_core.models import (
    Article,
    Branch,
    Customer,
    CustomerAccountEntry,
    Order,
    PurchaseInvoice,
    SalesInvoice,
    Supplier,
    SupplierAccountEntry,
    SupplierPayment,
    SyncState,
)
from tests.factories import erp as f


def _base_rows():
    return {
        "branches": [{"external_id": "SUC-1", "name": "Casa Central"}],
        "suppliers": [{"external_id": "PRO-1", "business_name": "Molinos Güemes S.A.", "tax_id": "30-50000001-1"}],
        "articles": [{"external_id": "ART-1", "code": "000123", "description": "Harina 000 x 25 kg",
                      "supplier": "PRO-1"}],
        "customers": [
            {"external_id": "CLI-1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
             "email": "Compras@Penalolen.com.ar", "related": ["CLI-2"]},
            {"external_id": "CLI-2", "business_name": "Peñalolén Logística S.R.L."},
        ],
    }


def _invoice(**changes):
    row = {
        "external_id": "FV-1", "doc_type": "FA", "letter": "A", "point_of_sale": 3, "number": 1234,
        "issue_date": "2026-10-01", "due_date": "2026-10-31", "currency": "ARS", "exchange_rate": "1",
        "net": "1000.00", "vat": "210.00", "total": "1210.00", "cae": "74123456789012", "cae_due_date": "2026-10-11",
        "customer": "CLI-1", "associated_customer": "CLI-2", "branch": "SUC-1",
        "lines": [
            {"article": "ART-1", "description": "Harina 000 x 25 kg", "quantity": "2", "unit_price": "400.0000",
             "amount": "800.00"},
            {"description": "Flete", "quantity": "1", "unit_price": "200", "amount": "200.00"},
        ],
    }
    row.update(changes)
    return row


@pytest.fixture
def base(api):
    for resource, rows in _base_rows().items():
        response = api.post(resource, rows)
        assert response.status_code == 200, response.json()


def test_customers_round_trip_with_related_links(api, alfa):
    response = api.post("customers", _base_rows()["customers"])

    assert response.status_code == 200
    assert response.json() | {"synced_at": None} == {
        "resource": "customers", "received": 2, "created": 2, "updated": 0, "unchanged": 0, "synced_at": None,
        "message": "2 nuevos, 0 actualizados, 0 sin cambios.",
    }
    with tenant_context(alfa):
        customer = Customer.objects.get(external_id="CLI-1")
        assert customer.business_name == "Distribuidora Peñalolén S.A."
        assert customer.tax_id == "30712345671"
        assert customer.email == "compras@penalolen.com.ar"
        other = Customer.objects.get(external_id="CLI-2")
        assert customer.group_ids() == [other.id]
        assert other.group_ids() == [customer.id]


def test_every_resource_round_trips(api, alfa, base):
    # when
    responses = {
        "sales-invoices": api.post("sales-invoices", [_invoice()]),
        "purchase-invoices": api.post("purchase-invoices", [f.PurchaseInvoiceFactory(
            external_id="FC-1", supplier="PRO-1", letter="A", number=77, total="121.00", net="100.00", vat="21.00",
            lines=[{"article": "ART-1", "description": "Harina", "quantity": "1", "unit_price": "100",
                    "amount": "100.00"}])]),
        "customer-account-entries": api.post("customer-account-entries", [
            {"external_id": "CC-1", "customer": "CLI-1", "invoice": "FV-1", "doc_type": "FA", "letter": "A",
             "point_of_sale": 3, "number": 1234, "date": "2026-10-01", "due_date": "2026-10-31",
             "amount": "1210.00", "open_balance": "610.00"}]),
        "supplier-account-entries": api.post("supplier-account-entries", [
            {"external_id": "CP-1", "supplier": "PRO-1", "invoice": "FC-1", "date": "2026-10-02",
             "amount": "121.00", "open_balance": "121.00"}]),
        "orders": api.post("orders", [
            {"external_id": "PED-1", "customer": "CLI-1", "branch": "SUC-1", "number": "0001-00000042",
             "ordered_at": "2026-11-20T10:30:00-03:00",
             "lines": [{"article": "ART-1", "description": "Harina", "quantity_ordered": "10",
                        "quantity_invoiced": "4"}]}]),
        "supplier-payments": api.post("supplier-payments", [
            {"external_id": "OP-1", "supplier": "PRO-1", "number": "0001-00000007", "date": "2026-11-25",
             "amount": "98000.00", "method": "Transferencia", "status": "ready",
             "certificates": [{"tax": "ganancias", "number": "GAN-1", "amount": "2000.00"}]}]),
    }

    # then
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    with tenant_context(alfa):
        invoice = SalesInvoice.objects.get(external_id="FV-1")
        assert invoice.display_number == "A 0003-00001234"
        assert (invoice.net, invoice.vat, invoice.total) == (Decimal("1000.00"), Decimal("210.00"), Decimal("1210.00"))
        assert invoice.customer.external_id == "CLI-1"
        assert invoice.associated_customer.external_id == "CLI-2"
        assert invoice.branch.name == "Casa Central"
        assert invoice.cae == "74123456789012"
        assert [(line.position, line.article_id is not None, line.amount) for line in invoice.lines.all()] == [
            (1, True, Decimal("800.00")), (2, False, Decimal("200.00"))]
        assert PurchaseInvoice.objects.get(external_id="FC-1").lines.count() == 1
        entry = CustomerAccountEntry.objects.get(external_id="CC-1")
        assert (entry.invoice_id, entry.open_balance) == (invoice.id, Decimal("610.00"))
        assert SupplierAccountEntry.objects.get(external_id="CP-1").invoice.external_id == "FC-1"
        order = Order.objects.get(external_id="PED-1")
        assert order.pending is True
        assert order.lines.get().quantity_pending == Decimal("6.000")
        payment = SupplierPayment.objects.get(external_id="OP-1")
        assert payment.get_status_display() == "Lista para retirar"
        assert payment.certificates.get().number == "GAN-1"
        assert Article.objects.get(external_id="ART-1").supplier.external_id == "PRO-1"
        assert set(SyncState.objects.values_list("resource", flat=True)) >= set(responses)


def test_replaying_a_batch_changes_nothing_and_says_so(api, alfa, base):
    # given
    api.post("sales-invoices", [_invoice(), _invoice(external_id="FV-2", number=1235)])
    with tenant_context(alfa):
        before = list(SalesInvoice.objects.order_by("id").values("id", "synced_at", "content_hash"))
        line_ids = sorted(SalesInvoice.objects.get(external_id="FV-1").lines.values_list("id", flat=True))

    # when
    response = api.post("sales-invoices", [_invoice(), _invoice(external_id="FV-2", number=1235)])

    # then
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 2)
    assert body["message"] == "Sin cambios: todos los registros ya estaban sincronizados."
    with tenant_context(alfa):
        assert list(SalesInvoice.objects.order_by("id").values("id", "synced_at", "content_hash")) == before
        assert sorted(SalesInvoice.objects.get(external_id="FV-1").lines.values_list("id", flat=True)) == line_ids


def test_a_changed_row_is_updated_and_its_lines_replaced(api, alfa, base):
    api.post("sales-invoices", [_invoice(), _invoice(external_id="FV-2", number=1235)])

    response = api.post("sales-invoices", [
        _invoice(total="999.99", lines=[{"description": "Único", "quantity": "1", "unit_price": "999.99",
                                         "amount": "999.99"}]),
        _invoice(external_id="FV-2", number=1235),
    ])

    assert (response.json()["updated"], response.json()["unchanged"]) == (1, 1)
    with tenant_context(alfa):
        invoice = SalesInvoice.objects.get(external_id="FV-1")
        assert invoice.total == Decimal("999.99")
        assert list(invoice.lines.values_list("description", flat=True)) == ["Único"]


def test_voiding_keeps_the_document_flagged(api, alfa, base):
    api.post("sales-invoices", [_invoice()])

    api.post("sales-invoices", [_invoice(voided=True)])

    with tenant_context(alfa):
        assert SalesInvoice.objects.get(external_id="FV-1").voided is True


def _counts(company):
    with tenant_context(company):
        return (Customer.objects.count(), SalesInvoice.objects.count(), Supplier.objects.count(),
                Branch.objects.count(), SyncState.objects.count())


def test_one_bad_row_rejects_the_whole_batch_with_each_error(api, alfa, base):
    # given
    before = _counts(alfa)
    rows = [
        _invoice(),
        _invoice(external_id="FV-2", number="doce", letter="Z", issue_date="31/10/2026",
                 lines=[{"description": "", "quantity": "1", "unit_price": "1", "amount": "1.001"}]),
        _invoice(external_id="FV-1"),
        "no soy un objeto",
    ]

    # when
    response = api.post("sales-invoices", rows)

    # then
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_rows"
    found = {(e["index"], e["field"], e["code"]) for e in body["errors"]}
    assert found == {
        (1, "letter", "literal_error"), (1, "number", "int_parsing"), (1, "issue_date", "date_from_datetime_parsing"),
        (1, "lines[0].description", "string_too_short"), (1, "lines[0].amount", "decimal_max_places"),
        (2, "external_id", "duplicate_in_batch"), (3, "", "invalid_row"),
    }
    messages = {e["field"]: e["message"] for e in body["errors"] if e["index"] == 1}
    assert messages["issue_date"] == "Fecha inválida: use AAAA-MM-DD."
    assert messages["lines[0].amount"] == "Demasiados decimales: máximo 2."
    assert _counts(alfa) == before


def test_unknown_references_reject_the_batch(api, alfa, base):
    before = _counts(alfa)

    response = api.post("sales-invoices", [_invoice(customer="CLI-X", lines=[
        {"article": "ART-X", "description": "x", "quantity": "1", "unit_price": "1", "amount": "1.00"}])])

    assert response.status_code == 400
    assert [(e["index"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (0, "customer", "unknown_reference"), (0, "lines[0].article", "unknown_reference"),
    ]
    assert _counts(alfa) == before


def test_messages_are_spanish_unless_the_client_asks_for_another_language(api):
    """Through i18n, in the language LocaleMiddleware picks: the ERP usually sends no
    Accept-Language, and gets Spanish."""
    rows = [{"external_id": "N-1", "business_name": "Nuevo", "related": ["NADIE"]}]

    spanish = api.post("customers", rows).json()
    english = api.post("customers", rows, HTTP_ACCEPT_LANGUAGE="en").json()

    assert spanish["error"]["message"] == "1 error(es): no se guardó ningún registro del lote."
    assert spanish["errors"][0]["message"] == "No existe el cliente «NADIE»."
    assert english["error"]["message"] == "1 error(s): no record of the batch was saved."
    assert english["errors"][0]["message"] == "There is no customer “NADIE”."


def test_an_unknown_related_customer_rolls_back_the_customers_already_written(api, alfa):
    before = _counts(alfa)

    response = api.post("customers", [{"external_id": "N-1", "business_name": "Nuevo", "related": ["NADIE"]}])

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "related[0]"
    assert _counts(alfa) == before


def test_invalid_cuit_is_a_row_error(api):
    response = api.post("customers", [{"external_id": "C", "business_name": "X", "tax_id": "30-71234567-2"}])

    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("tax_id", "invalid_cuit")


@pytest.mark.parametrize(
    ("body", "code"),
    [("{no es json", "invalid_json"), ('["sin sobre"]', "invalid_envelope"), ('{"items": {}}', "invalid_envelope"),
     ('{"items": [], "otro": 1}', "invalid_envelope")],
)
def test_malformed_bodies_get_structured_errors(api, body, code):
    response = api.post("customers", body=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@override_settings(ERP_SYNC_MAX_BATCH_ROWS=2)
def test_too_many_rows_get_413(api, alfa):
    before = _counts(alfa)

    response = api.post("branches", [{"external_id": f"S{i}", "name": "x"} for i in range(3)])

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_rows"
    assert _counts(alfa) == before


@override_settings(ERP_SYNC_MAX_BODY_BYTES=1000)
def test_a_body_over_the_size_limit_gets_413(api, alfa):
    before = _counts(alfa)

    response = api.post("branches", [{"external_id": f"S{i}", "name": "x" * 100} for i in range(20)])

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert _counts(alfa) == before


@override_settings(ERP_SYNC_RATE="3/min")
def test_too_many_requests_per_key_get_429(api):
    from django.core.cache import cache

    cache.clear()
    statuses = [api.post("branches", [{"external_id": "S", "name": "x"}]).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    last = api.post("branches", [])
    assert last.json()["error"]["code"] == "throttled"
    assert int(last["Retry-After"]) > 0
    cache.clear()


def test_no_key_gets_401_and_changes_nothing(alfa, api_for):
    before = _counts(alfa)

    response = api_for(alfa, None).post("branches", [{"external_id": "S", "name": "x"}])

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _counts(alfa) == before


@pytest.mark.parametrize("key", ["pcp_nope_nope", "Basic abc", ""])
def test_a_wrong_key_gets_401(alfa, api_for, key):
    before = _counts(alfa)
    client = api_for(alfa, None)

    response = client.post("branches", [{"external_id": "S", "name": "x"}], HTTP_AUTHORIZATION=key or "Bearer ")

    assert response.status_code == 401
    assert _counts(alfa) == before


def test_a_revoked_key_gets_401(alfa, api_for):
    with tenant_context(alfa):
        api_key, secret = api_key_create(name="vieja")
        api_key_revoke(api_key=api_key)
    before = _counts(alfa)

    response = api_for(alfa, secret).post("branches", [{"external_id": "S", "name": "x"}])

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert _counts(alfa) == before


def test_a_key_of_another_portal_gets_401_there(alfa, beta, alfa_key, api_for):
    before = _counts(beta)

    response = api_for(beta, alfa_key).post("branches", [{"external_id": "S", "name": "x"}])

    assert response.status_code == 401
    assert _counts(beta) == before


def test_sync_status_reports_each_resource(api, base):
    body = api.get("/api/v1/sync-status/").json()

    assert body["resources"]["customers"]["last_batch_rows"] == 2
    assert body["resources"]["customers"]["last_synced_at"] is not None
    assert body["resources"]["orders"] == {"last_synced_at": None, "last_batch_rows": 0}


def test_schema_and_docs_are_served_without_cdn(alfa, api_for):
    client = api_for(alfa, None)

    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    docs = client.get("/api/v1/docs/")

    assert schema.status_code == 200
    assert "/api/v1/sales-invoices/" in schema.json()["paths"]
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower()


def test_the_api_is_not_served_on_the_root_domain(db):
    from tests.conftest import host_client

    assert host_client().post("/api/v1/branches/", data="{}", content_type="application/json").status_code == 404


def test_text_postgresql_cannot_store_is_a_row_error_not_a_crash(api, alfa):
    before = _counts(alfa)

    response = api.post("branches", [{"external_id": "S", "name": "o\x00k"}, {"external_id": "T", "name": "\ud800"}])

    assert response.status_code == 400
    assert {(e["index"], e["code"]) for e in response.json()["errors"]} == {
        (0, "invalid_characters"), (1, "string_unicode")}
    assert response.json()["errors"][0]["field"] == "name"
    assert _counts(alfa) == before
