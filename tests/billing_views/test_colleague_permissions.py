"""A colleague (usuario de la empresa) sees only what its titular granted: every protected URL
of the customer's and the supplier's sections is refused with a 403 that says why, the links
to it are gone, and balances are hidden as the portal's switch hides them. Granting the
permission serves the same URL."""

import pytest
from django_tenants.utils import tenant_context

from billing_views.errors import BillingError
from billing_views.models import ZipJob
from portal_core.accounts.services import party_account_create
from portal_core.models import (
    AccountLink,
    AuditEvent,
    Customer,
    PurchaseInvoice,
    SalesInvoice,
    Supplier,
    SupplierPayment,
)
from tests.conftest import PASSWORD

from .conftest import doc_id

COLLEAGUE = "colega@alfa.test"


@pytest.fixture
def colleague(book, login):
    """A colleague of the account that is both customer C1 and supplier S1, with no permission;
    `grant` changes them."""
    with tenant_context(book):
        user = party_account_create(email=COLLEAGUE, password=PASSWORD,
                                    customer=Customer.objects.get(external_id="C1"),
                                    supplier=Supplier.objects.get(external_id="S1"))
        AccountLink.objects.filter(user=user).update(role=AccountLink.Role.COLLEAGUE, permissions=[])
        payment = SupplierPayment.objects.get(external_id="OP1")
        ZipJob.objects.create(token="zip-del-colega", user=user, status="ready", total=0, path="",
                              expires_at="2999-01-01T00:00:00Z")
    client = login(book, COLLEAGUE)

    def grant(*permissions):
        with tenant_context(book):
            AccountLink.objects.filter(user=user).update(permissions=list(permissions))

    client.grant = grant
    client.urls = {
        "downloads": [
            ("get", f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"),
            ("post", "/facturas/descargar-todas/"),
            ("get", "/descargas/zip-del-colega/"),
            ("get", "/descargas/zip-del-colega/estado/"),
            ("get", "/descargas/zip-del-colega/archivo/"),
            ("get", "/cuenta-corriente/?formato=csv"),
            ("get", "/cuenta-corriente/?formato=xlsx"),
            ("get", f"/compras/{doc_id(book, PurchaseInvoice, 'P1')}/pdf/"),
            ("get", "/cuenta-corriente-proveedor/?formato=csv"),
            ("get", "/cuenta-corriente-proveedor/?formato=xlsx"),
        ],
        "orders": [("get", "/pedidos/")],
        "payments": [("get", "/retiro-de-pagos/")],
    }
    client.certificate = f"/retiro-de-pagos/{payment.pk}/certificados/{payment.certificates.get().pk}/pdf/"
    return client


def call(client, method, url):
    return client.post(url) if method == "post" else client.get(url)


@pytest.mark.parametrize(("permission", "code"), [("downloads", BillingError.NO_DOWNLOADS),
                                                  ("orders", BillingError.NO_ORDERS),
                                                  ("payments", BillingError.NO_PAYMENTS)])
def test_each_protected_url_is_refused_with_a_clear_message_and_served_once_granted(colleague, book, permission,
                                                                                     code):
    with tenant_context(book):
        audit_before = AuditEvent.objects.exclude(kind="login_ok").count()
    for method, url in colleague.urls[permission]:
        response = call(colleague, method, url)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert f'data-code="{code}"' in page and "Pídaselo a quien lo invitó" in page, url
    with tenant_context(book):  # no export logged, no ZIP queued
        assert AuditEvent.objects.exclude(kind="login_ok").count() == audit_before
        assert ZipJob.objects.filter(user__email=COLLEAGUE).count() == 1

    colleague.grant(permission)
    for method, url in colleague.urls[permission]:
        if url.endswith("/archivo/"):  # the colleague's own ZIP has no file: 404, as for its owner
            assert call(colleague, method, url).status_code == 404
            continue
        assert call(colleague, method, url).status_code in (200, 302), url


def test_a_withholding_certificate_needs_both_retiro_de_pagos_and_descargar(colleague):
    colleague.grant("payments")
    assert colleague.get(colleague.certificate).status_code == 403

    colleague.grant("payments", "downloads")
    assert colleague.get(colleague.certificate).status_code == 200


def test_without_permissions_the_links_and_menu_entries_are_gone(colleague):
    invoices = colleague.get("/facturas/").content.decode()
    ledger = colleague.get("/cuenta-corriente/").content.decode()
    payments_granted = colleague.grant("payments") or colleague.get("/retiro-de-pagos/").content.decode()
    menu = colleague.get("/").content.decode()

    assert "/pdf/" not in invoices and "Descargar todas" not in invoices
    assert "formato=csv" not in ledger and "formato=xlsx" not in ledger
    assert "/certificados/" not in payments_granted and "Ganancias" in payments_granted
    assert "Seguimiento de pedidos" not in menu and "Facturas de venta" in menu


def test_balances_are_hidden_without_ver_saldos_and_shown_with_it(colleague):
    # without: no summary, no balance column, no "Estado" of the invoices, the balance sort ignored
    ledger = colleague.get("/cuenta-corriente/?orden=-saldo&vencidos=on").content.decode()
    invoices = colleague.get("/facturas/").content.decode()
    supplier_ledger = colleague.get("/cuenta-corriente-proveedor/").content.decode()
    assert "Saldo pendiente" not in ledger and "$ 1.000,00" not in ledger and "Antigüedad" not in ledger
    assert "Pendiente" not in invoices and "Saldo pendiente" not in supplier_ledger

    colleague.grant("balances")

    ledger = colleague.get("/cuenta-corriente/").content.decode()
    assert "Saldo pendiente" in ledger and "$ 1.000,00" in ledger
    assert "Pendiente" in colleague.get("/facturas/").content.decode()


def test_the_titular_and_the_portal_switch_still_rule(book, login, colleague):
    from portal_core.company.services import portal_settings_update

    titular = login(book, "ambos@alfa.test")  # a titular has every permission
    assert titular.get(colleague.urls["orders"][0][1]).status_code == 200
    assert "Saldo pendiente" in titular.get("/cuenta-corriente/").content.decode()

    # a colleague with *ver saldos* sees none when the portal hides them from customers
    colleague.grant("balances")
    with tenant_context(book):
        portal_settings_update(changes={"customer_balances": False})
    assert "Saldo pendiente" not in colleague.get("/cuenta-corriente/").content.decode()
