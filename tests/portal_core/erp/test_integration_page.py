"""Integración ERP: portal admins create, see (prefix only) and revoke API keys."""

import json

import pytest
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.services import api_key_create
from portal_core.models import ApiKey, Customer
from tests.conftest import PASSWORD, host_client


def _admin_client(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def alfa_admin(alfa):
    return _admin_client(alfa, "admin@alfa.test")


def _sync_branch(company, secret):
    return host_client(company, HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/branches/", data=json.dumps({"items": [{"external_id": "S1", "name": "Central"}]}),
        content_type="application/json",
    )


def test_admin_sees_the_page_with_api_address_and_sync_status(alfa_admin):
    response = alfa_admin.get("/integracion-erp/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "http://alfa.localhost/api/v1/" in html
    assert "Comprobantes de venta" in html and "Nunca" in html
    assert "Integración ERP" in html  # in the menu


def test_a_created_key_is_shown_once_and_works_on_the_api(alfa, alfa_admin):
    # when
    response = alfa_admin.post("/integracion-erp/claves/", {"name": "ERP central"})

    # then
    html = response.content.decode()
    with tenant_context(alfa):
        api_key = ApiKey.objects.get(name="ERP central")
    secret = html.split('id="new-secret" class="secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith(f"pcp_{api_key.prefix}_")
    assert _sync_branch(alfa, secret).status_code == 200
    listing = alfa_admin.get("/integracion-erp/").content.decode()
    assert secret not in listing
    assert f"pcp_{api_key.prefix}_…" in listing


def test_an_empty_name_is_a_spanish_error_and_creates_nothing(alfa, alfa_admin):
    response = alfa_admin.post("/integracion-erp/claves/", {"name": "  "})

    assert response.status_code == 400
    assert "Ingrese un nombre para la clave." in response.content.decode()
    with tenant_context(alfa):
        assert ApiKey.objects.count() == 0


def test_revoking_stops_the_key(alfa, alfa_admin):
    with tenant_context(alfa):
        api_key, secret = api_key_create(name="vieja")

    response = alfa_admin.post(f"/integracion-erp/claves/{api_key.id}/revocar/", follow=True)

    assert "fue revocada" in response.content.decode()
    assert _sync_branch(alfa, secret).status_code == 401


def test_another_portals_key_cannot_be_revoked_from_here(alfa, beta, alfa_admin):
    # given: a key of beta; alfa has no key with that id (each schema has its own table)
    with tenant_context(beta):
        beta_key, beta_secret = api_key_create(name="de beta")

    # when: alfa's admin tries to revoke it by id
    response = alfa_admin.post(f"/integracion-erp/claves/{beta_key.id}/revocar/")

    # then: the same 404 as for a key that does not exist, and beta's key still works
    assert response.status_code == 404
    assert alfa_admin.post("/integracion-erp/claves/999999/revocar/").status_code == 404
    with tenant_context(beta):
        assert ApiKey.objects.get(pk=beta_key.pk).is_active
    assert _sync_branch(beta, beta_secret).status_code == 200


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/integracion-erp/"), ("post", "/integracion-erp/claves/"), ("post", "/integracion-erp/claves/1/revocar/"),
])
def test_customers_get_404_and_change_nothing(alfa, method, path):
    with tenant_context(alfa):
        customer = Customer.objects.create(external_id="C1", business_name="Cliente", content_hash="x")
        party_account_create(email="cliente@alfa.test", password=PASSWORD, customer=customer)
        key, _ = api_key_create(name="k")
    client = _admin_client(alfa, "cliente@alfa.test")

    response = getattr(client, method)(path.replace("/1/", f"/{key.id}/"), {"name": "x"})

    assert response.status_code == 404
    with tenant_context(alfa):
        assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("k", None)]


def test_anonymous_visitors_are_sent_to_login(alfa):
    response = host_client(alfa).get("/integracion-erp/")

    assert response.status_code == 302
    assert response["Location"].startswith("/ingresar/")


def test_customers_do_not_see_the_menu_entry(alfa):
    with tenant_context(alfa):
        customer = Customer.objects.create(external_id="C1", business_name="Cliente", content_hash="x")
        party_account_create(email="cliente@alfa.test", password=PASSWORD, customer=customer)

    html = _admin_client(alfa, "cliente@alfa.test").get("/").content.decode()

    assert "Integración ERP" not in html
