"""Facturas de compra, Cuenta corriente proveedores and Retiro de pagos, as a supplier sees them."""

import io

from pypdf import PdfReader

from portal_core.models import PurchaseInvoice, SupplierPayment
from tests.billing_views.conftest import doc_id


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
