"""Every customer and supplier view and URL: another customer or supplier of the same portal,
an account of another portal, an admin, and anonymous visitors get a 404 (or the login page),
exactly as for something that does not exist, and nothing changes. A party the ERP marks
inactive loses its sections ("acceso suspendido") until it is reactivated."""

import pytest
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, CustomerAccountEntry, PurchaseInvoice, SalesInvoice, Supplier, SupplierPayment
from tests.billing_views.conftest import doc_id
from tests.conftest import PASSWORD, host_client

CUSTOMER_PAGES = ["/facturas/", "/cuenta-corriente/", "/cuenta-corriente/?formato=csv", "/pedidos/"]
SUPPLIER_PAGES = ["/compras/", "/cuenta-corriente-proveedor/", "/cuenta-corriente-proveedor/?formato=xlsx",
                  "/retiro-de-pagos/"]


def _state(company):
    with tenant_context(company):
        return (SalesInvoice.objects.count(), CustomerAccountEntry.objects.count(), SupplierPayment.objects.count())


@pytest.mark.parametrize("path", SUPPLIER_PAGES)
def test_a_customer_gets_404_on_supplier_sections(book, login, path):
    assert login(book, "cliente@alfa.test").get(path).status_code == 404


@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_a_supplier_gets_404_on_customer_sections(book, login, path):
    assert login(book, "proveedor@alfa.test").get(path).status_code == 404


@pytest.mark.parametrize("path", CUSTOMER_PAGES + SUPPLIER_PAGES)
def test_an_admin_without_a_party_gets_404(book, login, path):
    assert login(book, "admin@alfa.test").get(path).status_code == 404


@pytest.mark.parametrize("path", CUSTOMER_PAGES + SUPPLIER_PAGES + ["/facturas/1/pdf/"])
def test_anonymous_visitors_are_sent_to_login(book, path):
    response = host_client(book).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/ingresar/")


def test_an_account_linked_to_both_sees_both(book, login):
    client = login(book, "ambos@alfa.test")

    assert all(client.get(path).status_code == 200 for path in CUSTOMER_PAGES + SUPPLIER_PAGES)
    html = client.get("/").content.decode()
    assert "Facturas de venta" in html and "Retiro de pagos" in html


def test_menus_show_only_the_accounts_sections(book, login):
    customer_menu = login(book, "cliente@alfa.test").get("/").content.decode()
    supplier_menu = login(book, "proveedor@alfa.test").get("/").content.decode()

    assert "Facturas de venta" in customer_menu and "Retiro de pagos" not in customer_menu
    assert "Retiro de pagos" in supplier_menu and "Facturas de venta" not in supplier_menu
    assert "Integración ERP" not in customer_menu + supplier_menu


@pytest.mark.parametrize("external_id", ["F4", "F6"])
def test_another_customers_or_a_voided_document_pdf_is_404(book, login, external_id):
    before = _state(book)
    client = login(book, "cliente@alfa.test")

    response = client.get(f"/facturas/{doc_id(book, SalesInvoice, external_id)}/pdf/")

    assert response.status_code == 404
    assert client.get("/facturas/999999999/pdf/").status_code == 404
    assert _state(book) == before


@pytest.mark.parametrize("external_id", ["F3", "F5"])
def test_related_and_associated_documents_can_be_downloaded(book, login, external_id):
    response = login(book, "cliente@alfa.test").get(f"/facturas/{doc_id(book, SalesInvoice, external_id)}/pdf/")

    assert response.status_code == 200


def test_another_customer_sees_none_of_this_customers_documents(book, login):
    client = login(book, "ajeno@alfa.test")

    listing = client.get("/facturas/", {"relacionado": "on", "asociado": "on"})

    assert [d.display_number for d in listing.context["page"].object_list] == ["A 0003-00001004"]
    assert client.get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/").status_code == 404
    assert "Peñalolén" not in client.get("/cuenta-corriente/").content.decode()
    assert client.get("/pedidos/").context["page"].paginator.count == 1


def test_another_supplier_cannot_open_this_suppliers_documents_or_certificates(book, login):
    client = login(book, "otroprov@alfa.test")
    payment_id = doc_id(book, SupplierPayment, "OP1")
    with tenant_context(book):
        certificate_id = SupplierPayment.objects.get(external_id="OP1").certificates.get().id

    assert client.get(f"/compras/{doc_id(book, PurchaseInvoice, 'P1')}/pdf/").status_code == 404
    assert client.get(f"/retiro-de-pagos/{payment_id}/certificados/{certificate_id}/pdf/").status_code == 404
    own = client.get("/retiro-de-pagos/").context["page"].object_list
    assert [p.number for p in own] == ["0001-00000103"]


def test_an_account_of_another_portal_sees_nothing_of_this_one(book, beta, login):
    # given: beta has a customer account; alfa's documents have ids that may exist in beta's
    # tables or not: either way beta's customer must get a 404.
    from portal_core.models import Customer

    with tenant_context(beta):
        customer = Customer.objects.create(external_id="C1", business_name="Cliente de Beta", content_hash="x")
        party_account_create(email="cliente@alfa.test", password=PASSWORD, customer=customer)
    client = login(beta, "cliente@alfa.test")

    assert client.get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/").status_code == 404
    assert client.get("/facturas/").context["page"].paginator.count == 0
    assert "Peñalolén" not in client.get("/cuenta-corriente/").content.decode()


def test_a_session_of_alfa_is_anonymous_on_beta_sections(book, beta, login):
    client_a = login(book, "cliente@alfa.test")
    client_b = host_client(beta)
    client_b.cookies["sessionid"] = client_a.cookies["sessionid"].value

    response = client_b.get("/facturas/")

    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/cuenta-corriente/?formato=xlsx", "/compras/?numero=2001&desde=01/01/2020"])
def test_exports_and_filtered_lists_of_the_other_kind_are_404(book, login, path):
    client = login(book, "proveedor@alfa.test" if path.startswith("/cuenta") else "cliente@alfa.test")

    assert client.get(path).status_code == 404


def test_download_all_is_404_for_suppliers_and_changes_nothing(book, login):
    from django.core.cache import cache

    client = login(book, "proveedor@alfa.test")

    assert client.post("/facturas/descargar-todas/", {"query": ""}).status_code == 404
    assert client.get("/descargas/cualquiera/estado/").status_code == 404
    assert not any(key for key in cache.keys("*zip-download-active*"))


def test_an_account_of_another_portal_cannot_open_purchase_pdfs_or_certificates(book, beta, login):
    from portal_core.models import Supplier

    with tenant_context(beta):
        supplier = Supplier.objects.create(external_id="S1", business_name="Proveedor de Beta", content_hash="x")
        party_account_create(email="proveedor@alfa.test", password=PASSWORD, supplier=supplier)
    client = login(beta, "proveedor@alfa.test")
    payment_id = doc_id(book, SupplierPayment, "OP1")
    with tenant_context(book):
        certificate_id = SupplierPayment.objects.get(external_id="OP1").certificates.get().id

    assert client.get(f"/compras/{doc_id(book, PurchaseInvoice, 'P1')}/pdf/").status_code == 404
    assert client.get(f"/retiro-de-pagos/{payment_id}/certificados/{certificate_id}/pdf/").status_code == 404
    assert client.get("/compras/").context["page"].paginator.count == 0


# --- Inactive parties ----------------------------------------------------------------------

@pytest.fixture
def mixed_account(parties, make_account):
    """An account linked to customer C4 and supplier S1, with an invoice and a ledger entry."""
    from portal_core.models import AccountLink

    user = make_account(parties, "mixto@x.test")
    with tenant_context(parties):
        AccountLink.objects.create(user=user, customer=Customer.objects.get(external_id="C4"),
                                   supplier=Supplier.objects.get(external_id="S1"))
        batch_upsert(resource="sales-invoices", items=[{
            "external_id": "F4", "customer": "C4", "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": 44, "issue_date": "2026-11-01", "due_date": "2026-12-01", "net": "100.00", "vat": "21.00",
            "total": "121.00", "lines": []}])
    client = host_client(parties)
    client.post("/ingresar/", {"username": "mixto@x.test", "password": PASSWORD})
    return client


def test_a_customer_the_erp_marks_inactive_loses_its_sections_until_reactivated(parties, mixed_account):
    from portal_core.models import SalesInvoice

    with tenant_context(parties):
        document_id = SalesInvoice.objects.get(external_id="F4").pk
    customer_urls = ["/facturas/", "/cuenta-corriente/", "/pedidos/", f"/facturas/{document_id}/pdf/",
                     "/cuenta-corriente/?formato=csv", "/cuenta-corriente/?formato=xlsx",
                     "/descargas/x/", "/descargas/x/archivo/"]
    assert [mixed_account.get(url).status_code for url in customer_urls[:5]] == [200] * 5

    # when the ERP marks the customer inactive
    with tenant_context(parties):
        batch_upsert(resource="customers", items=[
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": False}])

    # then every customer section, PDF, export and download answers "acceso suspendido"
    refused = [mixed_account.get(url) for url in customer_urls]
    zip_request = mixed_account.post("/facturas/descargar-todas/", {"query": ""})
    assert [r.status_code for r in refused] + [zip_request.status_code] == [403] * (len(customer_urls) + 1)
    assert "El acceso de Mixto S.A. a este portal está suspendido" in refused[0].content.decode()
    assert refused[0]["Cache-Control"] == "private, no-store"
    # the supplier link keeps working
    assert mixed_account.get("/compras/").status_code == 200
    assert mixed_account.get("/retiro-de-pagos/").status_code == 200

    # when it is reactivated, access is back
    with tenant_context(parties):
        batch_upsert(resource="customers", items=[
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": True}])
    assert mixed_account.get("/facturas/").status_code == 200


def test_an_inactive_supplier_loses_its_sections(parties, mixed_account):
    with tenant_context(parties):
        batch_upsert(resource="suppliers", items=[
            {"external_id": "S1", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": False}])

    statuses = [mixed_account.get(url).status_code for url in
                ("/compras/", "/cuenta-corriente-proveedor/", "/retiro-de-pagos/",
                 "/cuenta-corriente-proveedor/?formato=csv")]

    assert statuses == [403] * 4
    assert mixed_account.get("/facturas/").status_code == 200
