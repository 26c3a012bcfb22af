"""Content-Security-Policy on every HTML page of the root site and the portals: no inline script
or style allowed anywhere, frames refused except the ERP widget's configured origins."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.settings.base import frame_ancestors_parse
from provisioning.widget import widget_signature
from tests.conftest import PASSWORD, host_client

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data: blob:",
    "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'none'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _widget_query():
    ts = int(time.time())
    return {"empresa": "1001", "ts": ts,
            "firma": widget_signature(erp_company_id="1001", timestamp=ts, secret=settings.ERP_WIDGET_SECRET)}


def _signed_in(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("path", ["/admin/login/", "/crear-portal/direccion/?nombre=Nuevo"])
def test_root_domain_responses_carry_the_policy(public_client, path):
    response = public_client.get(path)

    assert response.status_code == 200
    assert directives(response) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/ingresar/", "/registro/", "/recuperar-contrasena/", "/api/v1/docs/"])
def test_portal_public_pages_carry_the_policy(alfa, path):
    response = host_client(alfa).get(path)

    assert response.status_code == 200
    assert directives(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/administrador/activaciones/", "/administrador/activaciones/cargar/",
                                  "/administrador/email/", "/administrador/empresa/", "/integracion-erp/",
                                  "/administrador/perfil/", "/administrador/actividad/", "/mi-cuenta/"])
def test_a_portal_admins_pages_carry_the_policy(alfa, path):
    response = _signed_in(alfa, "admin@alfa.test").get(path)

    assert response.status_code == 200
    assert directives(response) == POLICY


def test_swagger_ui_loads_its_start_up_script_from_a_file(alfa):
    client = host_client(alfa)

    page = client.get("/api/v1/docs/").content.decode()
    script = client.get("/api/v1/docs/", {"script": ""})

    assert "<style" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert 'src="/api/v1/docs/?script="' in page
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_crear_portal_form_may_land_on_the_new_portals_subdomain(public_client):
    response = public_client.get("/")

    assert directives(response) == {**POLICY, "form-action": f"'self' http://*.{settings.PORTAL_BASE_DOMAIN}"}


def test_the_erp_widget_may_be_framed_by_itself_only_by_default(public_client):
    response = public_client.get("/erp/widget/", _widget_query())

    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "'self'"
    assert "X-Frame-Options" not in response


@override_settings(ERP_WIDGET_FRAME_ANCESTORS=frame_ancestors_parse("https://erp.example.com, https://*.erp.test:8443"))
def test_the_erp_widget_lists_the_configured_origins(public_client):
    widget = public_client.get("/erp/widget/", _widget_query())
    refused = public_client.get("/erp/widget/")
    page = public_client.get("/")

    assert directives(widget)["frame-ancestors"] == "'self' https://erp.example.com https://*.erp.test:8443"
    assert directives(refused)["frame-ancestors"] == "'self' https://erp.example.com https://*.erp.test:8443"
    assert directives(page)["frame-ancestors"] == "'none'"
    assert page["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("value", ["'unsafe-inline'", "https://erp.example.com; script-src *", "*", "erp.example.com",
                                   "javascript:alert(1)", "https://erp.example.com/path"])
def test_frame_ancestors_refuses_anything_but_origins(value):
    with pytest.raises(ImproperlyConfigured):
        frame_ancestors_parse(value)


def test_frame_ancestors_accepts_spaces_commas_and_repeats():
    assert frame_ancestors_parse(" https://a.example.com,https://b.example.com  https://a.example.com ") == [
        "'self'", "https://a.example.com", "https://b.example.com"]
    assert frame_ancestors_parse("") == ["'self'"]


# Emails and the PDFs (xhtml2pdf) are never served as HTML pages: their inline styles stay.
NOT_SERVED = ("/email/", "/pdf/")
INLINE = [
    (re.compile(r"\sstyle\s*="), "style attribute"),
    (re.compile(r"<style"), "<style> element"),
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def _served_templates():
    for folder in ("templates", "portal_core", "billing_views", "provisioning", "tenants"):
        for path in (ROOT / folder).rglob("*.html"):
            if not any(part in path.as_posix() for part in NOT_SERVED):
                yield path


def test_no_served_template_has_inline_script_or_style():
    found = [f"{path.relative_to(ROOT)}: {what}" for path in _served_templates()
             for pattern, what in INLINE if pattern.search(path.read_text())]

    assert found == []


def test_no_script_evaluates_strings_or_writes_markup():
    forbidden = re.compile(r"\beval\(|new Function\(|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write"
                           r"|setTimeout\(\s*[\"']|setAttribute\(\s*[\"']style")
    found = [path.name for path in (ROOT / "static" / "js").glob("*.js") if forbidden.search(path.read_text())]

    assert found == []


def test_the_csrf_failure_page_is_ours_and_carries_the_policy(alfa):
    client = host_client(alfa, enforce_csrf_checks=True)

    response = client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    assert response.status_code == 403
    assert "La página venció" in response.content.decode()
    assert "<style" not in response.content.decode()
    assert directives(response) == POLICY
