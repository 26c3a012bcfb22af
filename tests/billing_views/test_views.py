"""The customer's and the supplier's sections (billing_views.views), as each sees them: Facturas de
venta, Cuenta corriente and Seguimiento de pedidos; Facturas de compra, Cuenta corriente proveedores
and Retiro de pagos."""

import io

import pytest
from pypdf import PdfReader

from portal_core.models import PurchaseInvoice, SalesInvoice, SupplierPayment
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


def test_pending_orders_show_articles_and_pending_quantities(book, login):
    response = login(book, "cliente@alfa.test").get("/pedidos/")

    html = response.content.decode()
    assert [order.number for order in response.context["page"].object_list] == ["0001-00000001"]
    assert "Yerba mate x 1 kg" in html and "Azúcar" not in html and "Ajeno" not in html
    assert "<strong>6</strong>" in html


# --- The supplier's sections ---------------------------------------------------------------

def test_purchase_invoices_are_the_suppliers_own(book, login):
    response = login(book, "proveedor@alfa.test").get("/compras/")

    assert [d.display_number for d in response.context["page"].object_list] == ["A 0003-00002001"]
    assert "Molinos Güemes S.A." in response.content.decode()


def test_purchase_pdf(book, login):
    response = login(book, "proveedor@alfa.test").get(f"/compras/{doc_id(book, PurchaseInvoice, 'P1')}/pdf/")

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "0003-00002001" in text and "Proveedor" in text


def test_payments_ready_for_pickup_come_first_with_their_certificates(book, login):
    response = login(book, "proveedor@alfa.test").get("/retiro-de-pagos/")

    payments = list(response.context["page"].object_list)
    assert [(p.number, p.status) for p in payments] == [("0001-00000101", "ready"), ("0001-00000102", "picked_up")]
    html = response.content.decode()
    assert "Lista para retirar" in html and "Retirada" in html
    assert "Ganancias $ 2.000,00" in html


def test_certificate_pdf(book, login):
    payment_id = doc_id(book, SupplierPayment, "OP1")
    client = login(book, "proveedor@alfa.test")
    certificate_id = client.get("/retiro-de-pagos/").context["page"].object_list[0].certificates.get().id

    response = client.get(f"/retiro-de-pagos/{payment_id}/certificados/{certificate_id}/pdf/")

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "GAN-1" in text and "$ 2.000,00" in text
