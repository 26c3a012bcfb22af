"""PDFs are kept in storage by content hash; the ERP's own PDF, when sent, is served instead."""

import io
import json

from django_tenants.utils import tenant_context
from pypdf import PdfReader

from portal_core.erp.services import api_key_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import SalesInvoice
from provisioning.portability.files import storage_files
from tests.billing_views.conftest import BOOK, doc_id, document
from tests.conftest import host_client

ERP_PDF = b"%PDF-1.4\n% the ERP's own rendering\n%%EOF\n"


def _stored_paths(company):
    """Every generated sales PDF in storage, as "<document id>/<name>"."""
    return set(storage_files(f"portals/{company.schema_name}/pdf/ventas/"))


def test_a_pdf_is_rendered_once_then_served_from_storage_until_the_document_changes(book, login):
    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    before = _stored_paths(book)

    first = client.get(url).content
    stored = _stored_paths(book) - before
    second = client.get(url).content

    assert len(stored) == 1
    assert first == second
    with tenant_context(book):
        changed = {**next(row for row in BOOK["sales-invoices"] if row["external_id"] == "F1"), "total": "1300.00"}
        batch_upsert(resource="sales-invoices", items=[changed])
    third = client.get(url).content
    assert third != first
    replaced = _stored_paths(book) - before
    assert len(replaced) == 1 and replaced != stored  # the document's earlier PDF went with its data
    assert client.get(url).content == third


def _erp(company):
    with tenant_context(company):
        _, secret = api_key_create(name="ERP")
    return host_client(company, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_erps_own_pdf_is_served_instead_of_ours(book, login):
    erp = _erp(book)

    response = erp.put("/api/v1/sales-invoices/F1/pdf/", data=ERP_PDF, content_type="application/pdf")
    downloaded = login(book, "cliente@alfa.test").get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/")

    assert response.json() == {"external_id": "F1", "pdf": "erp"}
    assert downloaded.content == ERP_PDF

    erp.delete("/api/v1/sales-invoices/F1/pdf/")
    again = login(book, "cliente@alfa.test").get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/")
    assert again.content != ERP_PDF and again.content.startswith(b"%PDF-")


def test_erp_pdf_errors_are_json_and_change_nothing(book):
    erp = _erp(book)

    not_pdf = erp.put("/api/v1/sales-invoices/F1/pdf/", data=b"<html>", content_type="application/pdf")
    unknown = erp.put("/api/v1/sales-invoices/NOPE/pdf/", data=ERP_PDF, content_type="application/pdf")
    anonymous = host_client(book).put("/api/v1/sales-invoices/F1/pdf/", data=ERP_PDF, content_type="application/pdf")

    assert (not_pdf.status_code, not_pdf.json()["error"]["code"]) == (400, "not_a_pdf")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
    assert anonymous.status_code == 401
    with tenant_context(book):
        assert SalesInvoice.objects.get(external_id="F1").erp_pdf == ""


def test_a_replayed_sync_keeps_the_erps_pdf(book):
    erp = _erp(book)
    erp.put("/api/v1/sales-invoices/F1/pdf/", data=ERP_PDF, content_type="application/pdf")
    row = {**next(row for row in BOOK["sales-invoices"] if row["external_id"] == "F1"), "total": "1.00"}

    erp.post("/api/v1/sales-invoices/", data=json.dumps({"items": [row]}), content_type="application/json")

    with tenant_context(book):
        assert SalesInvoice.objects.get(external_id="F1").erp_pdf != ""


def test_a_renamed_customer_gets_a_new_pdf(book, login):
    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    first = client.get(url).content

    with tenant_context(book):
        batch_upsert(resource="customers", items=[{**BOOK["customers"][0], "business_name": "Peñalolén Nueva S.A."}])

    assert client.get(url).content != first


def test_asking_for_a_second_zip_while_one_is_being_built_returns_the_same(book, login):
    client = login(book, "cliente@alfa.test")

    first = client.post("/facturas/descargar-todas/", {"query": ""})
    second = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})

    assert first["Location"] == second["Location"]


def test_a_new_company_logo_gives_a_new_pdf_that_shows_it(book, login):
    import io

    from PIL import Image

    from tenants.services import company_logo_update

    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    stored_before = _stored_paths(book)
    before_logo = client.get(url).content
    upload = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 20, 20)).save(upload, format="PNG")
    upload.seek(0)
    upload.size = len(upload.getvalue())

    company_logo_update(company=book, upload=upload)
    after_logo = client.get(url).content

    assert after_logo != before_logo and after_logo.startswith(b"%PDF-")
    assert len(_stored_paths(book) - stored_before) == 1  # the new logo's replaced the old one's


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_branch_or_an_article_the_erp_renames_gives_a_new_pdf_that_shows_it(book, login):
    with tenant_context(book):
        batch_upsert(resource="branches", items=[{"external_id": "B1", "name": "Sucursal Centro"}])
        batch_upsert(resource="articles", items=[{"external_id": "A1", "code": "HAR-000", "description": "Harina"}])
        row = document("F7", "customer", "C1", 1007, issued=-1, branch="B1")
        row["lines"][0]["article"] = "A1"
        batch_upsert(resource="sales-invoices", items=[row])
    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F7')}/pdf/"
    first = _pdf_text(client.get(url).content)
    assert "Sucursal Centro" in first and "HAR-000" in first

    with tenant_context(book):  # master data: the invoice itself is unchanged
        batch_upsert(resource="branches", items=[{"external_id": "B1", "name": "Sucursal Norte"}])
        batch_upsert(resource="articles", items=[{"external_id": "A1", "code": "HAR-999", "description": "Harina"}])

    second = _pdf_text(client.get(url).content)
    assert "Sucursal Norte" in second and "HAR-999" in second
    assert "Sucursal Centro" not in second and "HAR-000" not in second


def test_a_pdf_is_in_spanish_whatever_language_asked_for_it_first(book, login):
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    english = _pdf_text(login(book, "cliente@alfa.test").get(url, HTTP_ACCEPT_LANGUAGE="en").content)
    spanish = _pdf_text(login(book, "cliente@alfa.test").get(url, HTTP_ACCEPT_LANGUAGE="es-ar").content)

    assert "FACTURA" in english and "INVOICE" not in english
    assert spanish == english


def test_a_stored_pdf_is_found_with_the_documents_own_query(book, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    client.get(url)  # rendered and stored

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    # the lines' article codes come with the document: no statement reads the lines on their own
    statements = [query["sql"] for query in queries.captured_queries]
    assert any("ARRAY(SELECT" in sql and "portal_core_salesinvoiceline" in sql for sql in statements)
    assert not [sql for sql in statements if sql.startswith('SELECT "portal_core_salesinvoiceline"')]
