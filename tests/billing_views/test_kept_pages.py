"""A section page seen again by the same session, with nothing it shows changed, is served
whole without rendering any template; its forms still carry a working CSRF token, the
"Datos actualizados" line still follows every batch, and access is still checked each time."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from portal_core.access.services.colleagues import colleague_permissions_set
from portal_core.access.services.owner_notices import account_set_active
from portal_core.accounts import two_factor
from portal_core.accounts.models import User
from portal_core.accounts.services import party_account_create
from portal_core.company.services import portal_settings_update
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import AccountLink, Customer, SalesInvoice, SupplierPayment, SyncState
from portal_core.pickups.services import window_delete
from tests.billing_views.conftest import doc_id, document
from tests.billing_views.pickups_helpers import book_slot, window_create
from tests.conftest import PASSWORD, host_client

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTIONS = [("cliente@alfa.test", "/facturas/?relacionado=on"), ("cliente@alfa.test", "/cuenta-corriente/"),
            ("cliente@alfa.test", "/pedidos/"), ("proveedor@alfa.test", "/compras/"),
            ("proveedor@alfa.test", "/cuenta-corriente-proveedor/"), ("proveedor@alfa.test", "/retiro-de-pagos/")]


def _csrf_client(company, email):
    client = host_client(company, enforce_csrf_checks=True)
    form = client.get("/ingresar/")
    response = client.post("/ingresar/", {"username": email, "password": PASSWORD,
                                          "csrfmiddlewaretoken": TOKEN.search(form.content.decode()).group(1)})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(("email", "url"), SECTIONS)
def test_a_page_seen_again_is_served_whole_and_its_forms_token_works(book, email, url):
    client = _csrf_client(book, email)
    first = client.get(url)
    again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert first.templates and not again.templates  # the second rendered nothing
    first_html, again_html = (TOKEN.sub("", response.content.decode()) for response in (first, again))
    assert again_html == first_html
    token = TOKEN.search(again.content.decode()).group(1)
    assert "keptpage" not in again.content.decode()
    # the kept page's own form (Salir) posts with the token it was given
    assert client.post("/salir/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(url).status_code == 302  # logged out: to the login, not a kept page


def test_another_session_of_the_same_account_renders_its_own_page(book):
    mine, other = _csrf_client(book, "cliente@alfa.test"), _csrf_client(book, "cliente@alfa.test")
    mine.get("/facturas/")
    assert not mine.get("/facturas/").templates

    assert other.get("/facturas/").templates


def test_the_updated_line_follows_every_batch_while_the_page_is_kept(book, login):
    client = login(book, "cliente@alfa.test")
    client.get("/facturas/")
    with tenant_context(book):  # another resource's last sync moves: the invoices' version does not
        SyncState.objects.filter(resource="orders").update(
            last_synced_at=datetime(2031, 1, 2, 3, 4, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires")))

    again = client.get("/facturas/")

    assert not again.templates
    assert "Datos actualizados al 02/01/2031 03:04" in again.content.decode()


def test_a_batch_of_the_pages_own_party_shows_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    client.get("/facturas/")
    client.get("/facturas/")
    with tenant_context(book):
        batch_upsert(resource="sales-invoices", items=[document("F50", "customer", "C1", 1050, issued=-1)])

    again = client.get("/facturas/")

    assert again.templates
    assert "0003-00001050" in again.content.decode()


def test_a_portal_switch_changes_the_kept_page_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    assert "<th>Estado</th>" in client.get("/facturas/").content.decode()
    with tenant_context(book):
        portal_settings_update(changes={"customer_balances": False})

    again = client.get("/facturas/")

    assert again.templates
    assert "<th>Estado</th>" not in again.content.decode()


def test_a_deactivated_account_is_turned_away_although_its_page_is_kept(book, login):
    client = login(book, "cliente@alfa.test")
    client.get("/facturas/")
    client.get("/facturas/")
    with tenant_context(book):
        admin = User.objects.filter(is_portal_admin=True).first()
        account_set_active(user_id=User.objects.get(email="cliente@alfa.test").pk, active=False, by=admin)

    response = client.get("/facturas/")

    assert response.status_code == 302
    assert "/ingresar/" in response["Location"]


def test_a_colleagues_page_follows_the_permissions_its_titular_takes_away(book, login):
    # given: a colleague of the titular "cliente" allowed to download, whose Facturas is kept
    with tenant_context(book):
        portal_settings_update(changes={"colleagues_allowed": True})
        titular = User.objects.get(email="cliente@alfa.test")
        colleague = party_account_create(email="colega@alfa.test", password=PASSWORD,
                                         customer=Customer.objects.get(external_id="C1"))
        AccountLink.objects.filter(user=colleague).update(role=AccountLink.Role.COLLEAGUE, permissions=["downloads"])
    client = login(book, "colega@alfa.test")
    client.get("/facturas/")
    assert not (kept := client.get("/facturas/")).templates and ">PDF</a>" in kept.content.decode()

    # when: the titular takes the downloads away
    with tenant_context(book):
        colleague_permissions_set(titular=titular, user_id=colleague.pk, permissions=[])

    # then: the next view has no PDF links (and a PDF is refused)
    page = client.get("/facturas/")
    assert page.templates and ">PDF</a>" not in page.content.decode()
    assert client.get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/").status_code == 403


def test_two_factor_made_compulsory_turns_a_kept_page_into_its_setup(book, login):
    client = login(book, "cliente@alfa.test")
    client.get("/facturas/")
    assert not client.get("/facturas/").templates

    with tenant_context(book):
        two_factor.two_factor_policy_set(policy="everyone", actor=None)

    response = client.get("/facturas/")
    assert (response.status_code, response["Location"]) == (302, "/mi-cuenta/verificacion/")


def test_a_party_the_erp_suspends_loses_its_kept_pages_at_once(book, login):
    client = login(book, "cliente@alfa.test")
    for url in ("/facturas/", "/cuenta-corriente/", "/pedidos/"):
        client.get(url)
        assert not client.get(url).templates

    with tenant_context(book):
        batch_upsert(resource="customers", items=[
            {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
             "related": ["C2"], "active": False}])

    refused = [client.get(url) for url in ("/facturas/", "/cuenta-corriente/", "/pedidos/")]
    assert [response.status_code for response in refused] == [403] * 3
    assert all("está suspendido" in response.content.decode() for response in refused)


def test_an_admins_pages_are_not_kept(book, login):
    client = login(book, "ambos@alfa.test")
    with tenant_context(book):
        User.objects.filter(email="ambos@alfa.test").update(is_portal_admin=True)
    client.get("/facturas/")

    assert client.get("/facturas/").templates


def test_retiro_de_pagos_shows_a_booking_a_cancellation_and_the_end_of_pickups_at_once(book, login):
    window = window_create(book)
    supplier = login(book, "proveedor@alfa.test")
    supplier.get("/retiro-de-pagos/")
    assert not supplier.get("/retiro-de-pagos/").templates
    payment_id = doc_id(book, SupplierPayment, "OP1")

    book_slot(supplier, book, window)  # its message is shown on the appointment's page
    supplier.get(f"/retiro-de-pagos/{payment_id}/retiro/")
    assert "Ver código" in supplier.get("/retiro-de-pagos/").content.decode()

    cancelled = supplier.post(f"/retiro-de-pagos/{payment_id}/retiro/cancelar/", follow=True).content.decode()
    assert "Retiro cancelado. Puede programar otro cuando quiera." in cancelled  # the message, on a page seen before
    assert "Programar retiro" in cancelled and "Ver código" not in cancelled
    assert "Retiro cancelado" not in supplier.get("/retiro-de-pagos/").content.decode()  # shown once

    with tenant_context(book):
        window_delete(window=window, by=None)
    assert "Programar retiro" not in supplier.get("/retiro-de-pagos/").content.decode()


@pytest.mark.parametrize("query", ["?relacionado=on&utm_source=correo", "?orden=fecha&orden=-importe"])
def test_a_query_with_a_parameter_the_page_does_not_read_or_one_twice_is_rendered_each_time(book, login, query):
    client = login(book, "cliente@alfa.test")
    client.get(f"/facturas/{query}")

    assert client.get(f"/facturas/{query}").templates  # not kept: every variant would be an entry


@pytest.mark.parametrize("written", ["keptpagecsrftokenmark", "keptpageupdatedatmark", "keptpage0123456789abcdef"])
def test_what_a_query_writes_into_the_page_is_never_replaced_by_the_token(book, written):
    """The marks the template writes for the token and the sync's line are drawn for each
    render: a query shaped like them (the links echo it) stays as sent."""
    client = _csrf_client(book, "cliente@alfa.test")
    client.get(f"/facturas/?razon_social={written}")

    again = client.get(f"/facturas/?razon_social={written}").content.decode()

    assert written in again  # echoed by the filter bar and the links, as sent
    tokens = TOKEN.findall(again)
    assert tokens and again.count(tokens[0]) == len(tokens)  # only in the forms' hidden inputs
