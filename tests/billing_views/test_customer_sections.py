"""Facturas de venta, Cuenta corriente and Seguimiento de pedidos, as a customer sees them."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal_core.models import SalesInvoice
from tests.billing_views.conftest import TODAY, doc_id


def _numbers(response) -> list[str]:
    return [d.display_number for d in response.context["page"].object_list]


def test_base_list_is_the_customers_own_documents_without_voided(book, login):
    response = login(book, "cliente@alfa.test").get("/facturas/")

    assert response.status_code == 200
    assert _numbers(response) == ["A 0003-00001002", "A 0003-00001001"]


def test_relacionado_adds_the_related_customers_documents(book, login):
    response = login(book, "cliente@alfa.test").get("/facturas/", {"relacionado": "on"})

    assert _numbers(response) == ["A 0003-00001003", "A 0003-00001002", "A 0003-00001001"]


def test_asociado_adds_documents_issued_on_its_behalf(book, login):
    response = login(book, "cliente@alfa.test").get("/facturas/", {"asociado": "on"})

    assert _numbers(response) == ["A 0003-00001005", "A 0003-00001002", "A 0003-00001001"]
    assert "asociado" in response.content.decode()


def test_both_checks_together(book, login):
    response = login(book, "cliente@alfa.test").get("/facturas/", {"asociado": "on", "relacionado": "on"})

    assert len(_numbers(response)) == 4
    assert "A 0003-00001004" not in _numbers(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"numero": "0003-00001001"}, ["A 0003-00001001"]),
        ({"numero": "1002"}, ["A 0003-00001002"]),
        ({"importe_min": "1.000,00"}, ["A 0003-00001001"]),
        ({"importe_max": "242"}, ["A 0003-00001002"]),
        ({"razon_social": "logística", "relacionado": "on"}, ["A 0003-00001003"]),
        ({"orden": "importe"}, ["A 0003-00001002", "A 0003-00001001"]),
        ({"orden": "-importe"}, ["A 0003-00001001", "A 0003-00001002"]),
    ],
)
def test_filters_and_sorting(book, login, params, expected):
    response = login(book, "cliente@alfa.test").get("/facturas/", params)

    assert _numbers(response) == expected


def test_date_range_is_inclusive_at_both_ends(book, login):
    f1_date = TODAY.fromordinal(TODAY.toordinal() - 40).strftime("%d/%m/%Y")

    response = login(book, "cliente@alfa.test").get("/facturas/", {"desde": f1_date, "hasta": f1_date})

    assert _numbers(response) == ["A 0003-00001001"]


def test_a_bad_filter_is_a_spanish_error_and_the_list_still_shows(book, login):
    response = login(book, "cliente@alfa.test").get("/facturas/", {"desde": "31/02/2026", "importe_min": "mucho"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fecha inválida: use dd/mm/aaaa." in html
    assert "Ingrese un importe, por ejemplo 1.234,56." in html
    assert len(_numbers(response)) == 2


def test_status_shows_pending_and_settled(book, login):
    html = login(book, "cliente@alfa.test").get("/facturas/").content.decode()

    assert "Pendiente" in html
    assert "$ 1.210,00" in html


def test_pdf_is_a_valid_invoice_with_its_number_and_cae(book, login):
    client = login(book, "cliente@alfa.test")

    response = client.get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/")

    content = response.content
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="FA-A-0003-00001001.pdf"' in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "0003-00001001" in text
    assert "74123456789012" in text
    assert "Distribuidora Peñalolén S.A." in text
    assert "$ 1.210,00" in text


def test_ledger_summary_and_aging_are_exact(book, login):
    response = login(book, "cliente@alfa.test").get("/cuenta-corriente/")

    summary = response.context["summary"]
    assert summary["pending"] == Decimal("1900.00")
    assert summary["in_favour"] == Decimal("300.00")
    assert summary["overdue"] == Decimal("1400.00")
    assert (summary["not_due"], summary["days_0_30"], summary["days_31_60"], summary["days_61_90"],
            summary["days_90_plus"]) == (Decimal("500.00"), Decimal("1000.00"), 0, Decimal("400.00"), 0)
    html = response.content.decode()
    assert "$ 1.900,00" in html and "$ 300,00" in html
    assert html.count('class="overdue"') == 2


def test_ledger_checks_add_related_and_associated_movements(book, login):
    response = login(book, "cliente@alfa.test").get("/cuenta-corriente/", {"relacionado": "on", "asociado": "on"})

    assert response.context["summary"]["pending"] == Decimal("1900.00") + Decimal("5000.00") + Decimal("3333.00")
    assert response.context["page"].paginator.count == 6


def test_ledger_exports_csv_and_xlsx_of_the_filtered_rows(book, login):
    client = login(book, "cliente@alfa.test")

    csv_response = client.get("/cuenta-corriente/", {"formato": "csv", "vencidos": "on"})
    xlsx_response = client.get("/cuenta-corriente/", {"formato": "xlsx"})

    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Fecha", "Razón social", "CUIT", "Comprobante", "Vencimiento", "Importe", "Saldo"]
    assert sorted(row[6] for row in rows[1:]) == ["1000,00", "400,00"]
    assert rows[1][2] == "30-71234567-1"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.values)
    assert len(values) == 5
    assert {row[6] for row in values[1:]} == {1000, 500, 400, -300}


def test_an_unknown_export_format_is_404(book, login):
    assert login(book, "cliente@alfa.test").get("/cuenta-corriente/", {"formato": "pdf"}).status_code == 404


def test_pending_orders_show_articles_and_pending_quantities(book, login):
    response = login(book, "cliente@alfa.test").get("/pedidos/")

    html = response.content.decode()
    assert [order.number for order in response.context["page"].object_list] == ["0001-00000001"]
    assert "Yerba mate x 1 kg" in html and "Azúcar" not in html and "Ajeno" not in html
    assert "<strong>6</strong>" in html


def test_a_voided_invoices_movements_are_hidden_with_it_and_come_back_if_unvoided(book, login):
    from django_tenants.utils import tenant_context

    from portal_core.erp.sync.engine import batch_upsert
    from tests.billing_views.conftest import BOOK, entry

    client = login(book, "cliente@alfa.test")
    before = client.get("/cuenta-corriente/").context["summary"]["pending"]
    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E9", "customer", "C1", amount="9999.00", balance="9999.00", due=5, invoice="F6", number=1006)])

    hidden = client.get("/cuenta-corriente/")

    assert hidden.context["summary"]["pending"] == before
    assert "A 0003-00001006" not in hidden.content.decode()
    with tenant_context(book):
        f6 = {**next(r for r in BOOK["sales-invoices"] if r["external_id"] == "F6"), "voided": False}
        batch_upsert(resource="sales-invoices", items=[f6])
    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == before + Decimal("9999.00")
