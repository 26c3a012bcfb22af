"""GET /api/v1/<resource>/: the ERP reads back what the portal holds, in the shape it posts,
page by page without gaps or repeats, only what changed since a moment or a cursor."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.erp.services import api_key_create
from portal_core.erp.sync.resources import RESOURCES
from portal_core.models import SalesInvoice
from tests.portal_core.erp.api.test_sync_api import _base_rows, _invoice

ORDER = {"external_id": "PED-1", "customer": "CLI-1", "branch": "SUC-1", "number": "0001-00000042",
         "ordered_at": "2026-11-20T10:30:00-03:00",
         "lines": [{"article": "ART-1", "description": "Harina", "quantity_ordered": "10", "quantity_invoiced": "4"}]}
PAYMENT = {"external_id": "OP-1", "supplier": "PRO-1", "number": "0001-00000007", "date": "2026-11-25",
           "amount": "98000.00", "method": "Transferencia", "status": "ready",
           "certificates": [{"tax": "ganancias", "number": "GAN-1", "amount": "2000.00"}]}
ENTRY = {"external_id": "CC-1", "customer": "CLI-1", "invoice": "FV-1", "doc_type": "FA", "letter": "A",
         "point_of_sale": 3, "number": 1234, "date": "2026-10-01", "due_date": "2026-10-31",
         "amount": "1210.00", "open_balance": "610.00"}


@pytest.fixture
def everything(api):
    rows = {**_base_rows(), "sales-invoices": [_invoice()], "customer-account-entries": [ENTRY],
            "orders": [ORDER], "supplier-payments": [PAYMENT]}
    for resource, items in rows.items():
        assert api.post(resource, items).status_code == 200
    return rows


def read(api, resource, query="") -> dict:
    response = api.get(f"/api/v1/{resource}/{query}")
    assert response.status_code == 200, response.json()
    return response.json()


def test_rows_come_back_in_the_shape_the_erp_posts(api, everything):
    assert read(api, "sales-invoices")["items"] == [{
        "external_id": "FV-1", "doc_type": "FA", "letter": "A", "point_of_sale": 3, "number": 1234,
        "issue_date": "2026-10-01", "due_date": "2026-10-31", "currency": "ARS", "exchange_rate": "1.0000",
        "net": "1000.00", "vat": "210.00", "total": "1210.00", "cae": "74123456789012",
        "cae_due_date": "2026-10-11", "voided": False, "customer": "CLI-1", "associated_customer": "CLI-2",
        "branch": "SUC-1", "lines": [
            {"article": "ART-1", "description": "Harina 000 x 25 kg", "quantity": "2.000",
             "unit_price": "400.0000", "amount": "800.00"},
            {"article": None, "description": "Flete", "quantity": "1.000", "unit_price": "200.0000",
             "amount": "200.00"}]}]
    assert read(api, "customers")["items"] == [
        {"external_id": "CLI-1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
         "email": "compras@penalolen.com.ar", "active": True, "related": ["CLI-2"]},
        {"external_id": "CLI-2", "business_name": "Peñalolén Logística S.R.L.", "tax_id": "", "email": "",
         "active": True, "related": []}]
    assert read(api, "orders")["items"][0]["lines"] == [
        {"article": "ART-1", "description": "Harina", "quantity_ordered": "10.000", "quantity_invoiced": "4.000"}]
    assert read(api, "supplier-payments")["items"][0]["certificates"] == PAYMENT["certificates"]
    assert read(api, "customer-account-entries")["items"][0]["invoice"] == "FV-1"


def test_every_resource_read_back_can_be_posted_again_as_it_is(api, everything):
    for resource in RESOURCES:
        page = read(api, resource)

        response = api.post(resource, page["items"])

        assert response.status_code == 200, (resource, response.json())
        assert read(api, resource)["items"] == page["items"]


def test_pages_follow_each_other_without_gaps_or_repeats_while_batches_arrive_and_changed_rows_come_again(api, alfa):
    api.post("branches", [{"external_id": f"S-{n:02d}", "name": f"Sucursal {n}"} for n in range(7)])
    expected = [f"S-{n:02d}" for n in range(7)]
    seen, cursor = [], None
    while True:
        page = read(api, "branches", f"?limit=3{'&cursor=' + cursor if cursor else ''}")
        seen += [row["external_id"] for row in page["items"]]
        if len(seen) == 3:
            # meanwhile the ERP writes: two new rows, one changed and one re-sent as it was
            api.post("branches", [{"external_id": "S-90", "name": "Nueva"}, {"external_id": "S-91", "name": "Otra"},
                                  {"external_id": "S-00", "name": "Sucursal 0 (renombrada)"},
                                  {"external_id": "S-05", "name": "Sucursal 5"}])
            expected += ["S-00", "S-90", "S-91"]  # one batch: one stamp, then by id
        if page["next"] is None:
            break
        assert page["next"] == page["resume"]
        cursor = page["next"]

    assert seen == expected
    # Later: from the last page's resume, only what is written after it.
    api.post("branches", [{"external_id": "S-03", "name": "Cambiada"}, {"external_id": "S-04", "name": "Sucursal 4"}])
    later = read(api, "branches", f"?cursor={page['resume']}")
    assert [row["external_id"] for row in later["items"]] == ["S-03"]
    assert later["next"] is None
    assert read(api, "branches", f"?cursor={later['resume']}") == {"items": [], "next": None,
                                                                   "resume": later["resume"]}


def test_updated_since_gives_only_rows_whose_content_changed(api, alfa, everything):
    moment = timezone.now()
    api.post("sales-invoices", [_invoice(), _invoice(external_id="FV-2", number=1235)])  # FV-1 unchanged

    page = read(api, "sales-invoices", "?updated_since=" + moment.isoformat().replace("+", "%2B"))

    assert [row["external_id"] for row in page["items"]] == ["FV-2"]
    with tenant_context(alfa):
        assert SalesInvoice.objects.get(external_id="FV-1").synced_at < moment


@pytest.mark.parametrize("query", [
    "?limit=0", "?limit=1001", "?limit=diez", "?updated_since=ayer", "?updated_since=2026-11-01T10:00:00",
    "?updated_since=2026-13-01T10:00:00Z", "?updated_since=0001-01-01T00:00:00%2B01:00",
    "?cursor=nada", "?cursor=", "?cursor=MTIzNDU", "?cursor=%F0%9F%98%80",
])
def test_bad_parameters_are_a_json_400(api, everything, query):
    response = api.get(f"/api/v1/customers/{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert query[1:].split("=")[0] in error["message"]


def test_updated_since_takes_any_offset_python_reads(api, everything):
    page = read(api, "customers", "?updated_since=0176-10-21T05:36:57-20:42")

    assert len(page["items"]) == 2


def test_another_portals_key_reads_nothing(api_for, alfa, beta, alfa_key, everything):
    with tenant_context(beta):
        _, beta_key = api_key_create(name="ERP de beta")

    assert read(api_for(beta, beta_key), "customers") == {"items": [], "next": None, "resume": None}
    assert api_for(beta, alfa_key).get("/api/v1/customers/").status_code == 401
    assert api_for(alfa, beta_key).get("/api/v1/customers/").status_code == 401
    assert api_for(alfa, None).get("/api/v1/sales-invoices/").status_code == 401
