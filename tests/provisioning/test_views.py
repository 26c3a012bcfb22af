"""Crear Portal through the public site: every error is a Spanish message beside its field
and creates nothing; "Continuar" creates the portal and lands on its login page."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from tenants.models import Company, Domain

VALID = {
    "name": "Distribuidora Peñalolén",
    "email": "Duenia@Penalolen.com.ar",
    "password": "secreto42",
    "password_repeat": "secreto42",
}


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def _state():
    return (
        list(Company.objects.order_by("id").values_list("id", "status", "slug")),
        list(Domain.objects.order_by("id").values_list("domain", flat=True)),
        _schemas(),
    )


def test_form_shows_the_seed_fields_and_the_url_preview(public_client):
    # when
    response = public_client.get("/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Nombre del portal", "Nombre de usuario", "Contraseña", "Repetir contraseña", "Continuar"):
        assert label in html
    assert "Su portal quedará en" in html
    assert ".localhost" in html


def test_continuar_creates_portal_and_admin_and_redirects_to_login(public_client, db):
    # given
    spares_before = Company.objects.filter(status=Company.Status.SPARE).count()

    # when
    response = public_client.post("/", VALID)

    # then
    assert response.status_code == 302
    assert response["Location"] == "http://distribuidora-penalolen.localhost/ingresar/?creado=1"
    company = Company.objects.get(slug="distribuidora-penalolen")
    assert company.name == "Distribuidora Peñalolén"
    assert company.status == Company.Status.ACTIVE
    assert company.owner_email == "duenia@penalolen.com.ar"
    assert company.schema_name.startswith("p_") and "penalolen" not in company.schema_name
    assert list(company.domains.values_list("domain", flat=True)) == ["distribuidora-penalolen.localhost"]
    assert Company.objects.filter(status=Company.Status.SPARE).count() == spares_before - 1
    with tenant_context(company):
        admin = User.objects.get()
        assert admin.email == "duenia@penalolen.com.ar"
        assert admin.is_portal_admin
        assert admin.check_password("secreto42")
        assert admin.password.startswith("argon2")


def test_redirect_keeps_the_port_of_the_request(db):
    from tests.conftest import host_client

    response = host_client(None, SERVER_PORT="8000").post("/", VALID, HTTP_HOST="localhost:8000")

    assert response["Location"] == "http://distribuidora-penalolen.localhost:8000/ingresar/?creado=1"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Ingrese el nombre del portal."),
        ({"email": ""}, "email", "Ingrese su email."),
        ({"password": "", "password_repeat": ""}, "password", "Ingrese una contraseña."),
        ({"password_repeat": ""}, "password_repeat", "Repita la contraseña."),
        ({"email": "no-es-un-email"}, "email", "Ingrese un email válido"),
        ({"password": "ab1", "password_repeat": "ab1"}, "password", "demasiado corta"),
        ({"password": "soloLetras", "password_repeat": "soloLetras"}, "password", "letras y números"),
        ({"password": "12345678", "password_repeat": "12345678"}, "password", "letras y números"),
        ({"password": "abc123", "password_repeat": "abc123"}, "password", "demasiado común"),
        ({"password_repeat": "otra42clave"}, "password_repeat", "Las contraseñas no coinciden."),
        ({"name": "¡¡¡!!!"}, "name", "El nombre debe contener letras"),
        ({"name": "123 Ventas"}, "name", "debe empezar con una letra"),
        ({"name": "WWW"}, "name", "«www» es un nombre reservado"),
        ({"name": "Admin"}, "name", "«admin» es un nombre reservado"),
        ({"name": "Alfa"}, "name", "Ya existe un portal con la dirección «alfa». Pruebe con «alfa-2»."),
    ],
)
def test_each_error_is_shown_beside_its_field_and_creates_nothing(public_client, db, changes, field, message):
    # given
    before = _state()

    # when
    response = public_client.post("/", {**VALID, **changes})

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert message in response.content.decode()
    assert _state() == before


def test_several_errors_are_reported_together(public_client, db):
    response = public_client.post("/", {"name": "www", "email": "x", "password": "ab", "password_repeat": "cd"})

    errors = response.context["form"].errors
    assert set(errors) == {"name", "email", "password", "password_repeat"}


def test_taken_suggestion_skips_variants_already_taken(public_client, db):
    # given
    public_client.post("/", {**VALID, "name": "Alfa 2"})

    # when
    response = public_client.post("/", {**VALID, "name": "ALFA"})

    # then
    assert "Pruebe con «alfa-3»" in response.content.decode()


def test_a_subdomain_that_is_another_portals_domain_is_taken(public_client, alfa):
    Domain.objects.create(domain="gamma.localhost", tenant=alfa)  # an operator's extra domain of alfa

    response = public_client.post("/", {**VALID, "name": "Gamma"})

    assert "Pruebe con «gamma-2»" in response.content.decode()
    assert not Company.objects.filter(slug="gamma").exists()


def test_address_preview_reports_the_subdomain_and_whether_it_is_free(public_client, db):
    free = public_client.get("/crear-portal/direccion/", {"nombre": "Lácteos del Sur"}).json()
    taken = public_client.get("/crear-portal/direccion/", {"nombre": "Beta"}).json()
    reserved = public_client.get("/crear-portal/direccion/", {"nombre": "mail"}).json()

    assert free == {"subdomain": "lacteos-del-sur", "url": "http://lacteos-del-sur.localhost", "available": True}
    assert taken["available"] is False and taken["suggestion"] == "beta-2"
    assert reserved["code"] == "subdomain_reserved" and reserved["available"] is False


def test_crear_portal_is_not_served_on_a_portal_host(db, alfa):
    from tests.conftest import host_client

    before = _state()
    client = host_client(alfa)

    assert client.get("/crear-portal/direccion/", {"nombre": "x"}).status_code == 404
    assert "Crear Portal" not in client.get("/", follow=True).content.decode()
    assert client.post("/", VALID).status_code == 302  # to the login page, not a new portal
    assert _state() == before


def test_too_long_values_are_errors_not_crashes(public_client, db):
    before = _state()

    response = public_client.post("/", {**VALID, "name": "Nombre " * 20, "email": "a" * 250 + "@x.com"})

    errors = response.context["form"].errors
    assert "name" in errors and "email" in errors
    assert _state() == before
