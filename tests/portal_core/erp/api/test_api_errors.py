"""What the API answers where there is no endpoint or no such method: always its JSON error
shape (`{"error": {"code", "message"}}`), never Django's HTML; and what the portal's other
unknown or refused pages answer: Spanish HTML."""

import pytest
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.views import defaults

from tests.conftest import PASSWORD, host_client

NOT_FOUND = {"error": {"code": "not_found", "message": "No existe este recurso de la API."}}
METHODS = ["get", "post", "put", "patch", "delete", "options", "head"]
UNKNOWN_PATHS = ["/api/v1/no-existe/", "/api/v1/customers/C1/extra/", "/api/v1/sales-invoices/F1/otro/",
                 "/api/v1/customers", "/api/v1/", "/api/v1/%E2%80%AE%00/"]


def call(client, method, path):
    return getattr(client, method)(path, data="{}" if method in ("post", "put", "patch") else None,
                                   content_type="application/json")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_an_unknown_api_path_answers_the_json_404_for_every_method(api, path, method):
    response = call(api.client, method, path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    if method != "head":
        assert response.json() == NOT_FOUND


@pytest.mark.parametrize("key", [None, "clave-que-no-existe"])
def test_without_a_valid_key_unknown_and_existing_paths_answer_the_same_401(alfa, api_for, key):
    client = api_for(alfa, key).client

    unknown = client.get("/api/v1/no-existe/")
    existing = client.get("/api/v1/sync-status/")

    assert unknown.status_code == existing.status_code == 401
    assert unknown.json() == existing.json()
    assert unknown.json()["error"]["code"] == ("not_authenticated" if key is None else "authentication_failed")
    assert unknown["WWW-Authenticate"] == existing["WWW-Authenticate"] == 'Bearer realm="api"'


def test_every_undeclared_method_of_every_endpoint_answers_405_in_json(api):
    """Driven by the API's own OpenAPI schema: each path, each method it does not declare."""
    schema = api.client.get("/api/v1/schema/?format=json").json()
    assert len(schema["paths"]) >= 10
    checked = 0

    for template, operations in schema["paths"].items():
        path = template.replace("{external_id}", "F1")
        declared = {method for method in operations if method in METHODS}
        for method in sorted(set(METHODS) - declared - {"head", "options"}):
            response = call(api.client, method, path)

            assert response.status_code == 405, (method, path)
            assert response.json()["error"]["code"] == "method_not_allowed"
            assert set(response["Allow"].replace(" ", "").lower().split(",")) >= declared
            checked += 1
    assert checked >= 30


def test_the_catch_all_is_not_in_the_api_schema(api):
    paths = api.client.get("/api/v1/schema/?format=json").json()["paths"]

    assert [path for path in paths if "*" in path or "^" in path or path == "/api/v1/{path}"] == []


def test_outside_the_api_an_unknown_path_answers_the_spanish_404_page(alfa, make_account):
    make_account(alfa, "cliente@alfa.test")
    logged_in = host_client(alfa, HTTP_ACCEPT_LANGUAGE="es-AR")
    assert logged_in.post("/ingresar/", {"username": "cliente@alfa.test", "password": PASSWORD}).status_code == 302

    for client, path in [(host_client(alfa), "/no-existe/"), (logged_in, "/no-existe/"),
                         (logged_in, "/facturas/999999/pdf/"), (host_client(), "/no-existe/"),
                         (host_client(alfa), "/api/v2/clientes/")]:
        response = client.get(path)

        assert response.status_code == 404, path
        assert response["Content-Language"] == "es-ar"
        html = response.content.decode()
        assert '<html lang="es-ar">' in html
        assert "Página no encontrada" in html
        assert "Not Found" not in html


def _spanish_page(response, status, phrase):
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="es-ar">' in html
    assert phrase in html


def test_a_form_posted_without_its_csrf_token_answers_the_spanish_403_page(alfa):
    client = Client(HTTP_HOST=alfa.hostname, enforce_csrf_checks=True)

    response = client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    _spanish_page(response, 403, "La página venció")
    assert "CSRF verification failed" not in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_upload_limit_answers_the_spanish_400_page(alfa):
    response = host_client(alfa).post("/registro/", {"message": "x" * 2000})

    _spanish_page(response, 400, "Solicitud inválida")


def test_the_500_and_403_pages_are_spanish(alfa):
    request = RequestFactory().get("/", HTTP_HOST=alfa.hostname)

    _spanish_page(defaults.server_error(request), 500, "Algo salió mal")
    _spanish_page(defaults.permission_denied(request, Http404()), 403, "Acceso denegado")
