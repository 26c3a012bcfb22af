"""The Content-Security-Policy in Chromium: a portal admin, a customer, a supplier and an operator
go through their main pages (and Crear Portal, and the API documentation) without a single
violation, and the pages' scripts still do their work under the policy."""

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from portal_core.accounts.models import User
from provisioning.services import portal_create
from tests.otp import operator_with_device, totp_code

pytestmark = pytest.mark.browser

# Registered before any script of every document: what the policy blocked, as the page saw it.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + (event.sourceFile || document.location.href) + ":" + event.lineNumber);
});
"""


class Watched:
    """A page whose visits fail on any CSP violation (DOM event or console "Refused to")."""

    def __init__(self, page):
        self.page = page
        self.refused = []
        page.on("console", lambda message: self.refused.append(message.text)
                if "Content Security Policy" in message.text or message.text.startswith("Refused to") else None)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, url
        assert "'unsafe-inline'" not in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(url)
        return response

    def assert_clean(self, where=""):
        assert self.page.evaluate("window.__cspViolations") == [], where
        assert self.refused == [], where


@pytest.fixture
def watched(chromium):
    context = chromium.new_context(locale="es-AR", viewport={"width": 1280, "height": 800},
                                   permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Watched(page)
    context.close()


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Política Navegador", email="admin@politica.test", password="demo1234")
    call_command("seed_demo", company.slug, with_accounts=True, stdout=io.StringIO())
    port = live_server_url.rsplit(":", 1)[1]
    return company, f"http://{company.hostname}:{port}"


def _login(watched, base, email):
    page = watched.page
    watched.visit(f"{base}/ingresar/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")
    watched.assert_clean("login")


def test_a_portal_admin_works_under_the_policy(demo, watched, tmp_path):
    _, base = demo
    page = watched.page
    _login(watched, base, "admin@politica.test")

    for path in ("/", "/administrador/activaciones/cargar/", "/administrador/email/", "/administrador/empresa/",
                 "/administrador/cuentas-corrientes/", "/administrador/ventas/", "/administrador/perfil/",
                 "/administrador/actividad/", "/mi-cuenta/", "/mi-cuenta/verificacion/"):
        watched.visit(f"{base}{path}")

    # Activaciones: "Copiar link" copies the registration link and says so
    watched.visit(f"{base}/administrador/activaciones/")
    page.get_by_role("button", name="Copiar link").click()
    expect(page.locator("#copy-link")).to_have_text("¡Link copiado!")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#register-url").inner_text().strip()

    # Integración ERP: a new key, and its copy button
    watched.visit(f"{base}/integracion-erp/")
    page.get_by_label("Nombre").fill("ERP Central")
    page.get_by_role("button", name="Crear clave").click()
    page.wait_for_load_state("networkidle")
    secret = page.locator("#new-secret").inner_text().strip()
    page.get_by_role("button", name="Copiar", exact=True).click()
    expect(page.get_by_role("button", name="Copiada")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    watched.assert_clean("integración ERP")

    # the profile image preview is a blob: image the policy lets the page show
    picture = tmp_path / "perfil.png"
    Image.new("RGB", (80, 80), (200, 60, 30)).save(picture)
    page.get_by_role("button", name="Editar").click()
    page.set_input_files("#profile-input", str(picture))
    page.wait_for_function("document.getElementById('profile-image').naturalWidth === 80")
    watched.assert_clean("vista previa del perfil")

    # the API documentation: Swagger UI renders the schema
    watched.visit(f"{base}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "API de sincronización" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 5
    watched.assert_clean("Swagger UI")


def test_a_customer_and_a_supplier_work_under_the_policy(demo, watched):
    _, base = demo
    page = watched.page
    _login(watched, base, "cliente@demo.test")

    for path in ("/", "/cuenta-corriente/", "/pedidos/", "/mi-cuenta/"):
        watched.visit(f"{base}{path}")
    watched.visit(f"{base}/facturas/")
    # filters.js opens the filter bar on wide screens
    assert page.locator("details[data-open-wide]").first.get_attribute("open") is not None
    assert page.get_by_label("Número").is_visible()

    page.get_by_role("button", name="Salir").click()
    page.wait_for_url(f"{base}/ingresar/**")
    _login(watched, base, "proveedor@demo.test")
    for path in ("/compras/", "/cuenta-corriente-proveedor/", "/retiro-de-pagos/"):
        watched.visit(f"{base}{path}")


def test_crear_portal_previews_and_lands_on_the_new_portal(live_server_url, committed_db, watched):
    page = watched.page
    watched.visit(f"{live_server_url}/")

    page.locator("input[name=name]").fill("Ferretería Núñez")
    assert page.locator("#url-preview-subdomain").inner_text() == "ferreteria-nunez"
    page.locator("input[name=email]").fill("duenio@ferreteria.test")
    page.locator("input[name=password]").fill("ferre1234")
    page.locator("input[name=password_repeat]").fill("ferre1234")
    page.get_by_role("button", name="Continuar").click()

    # form-action lets the redirect reach the portal's own subdomain
    page.wait_for_url(re.compile(r"^http://ferreteria-nunez\.localhost:\d+/ingresar/\?creado=1$"))
    page.wait_for_load_state("networkidle")
    watched.assert_clean("Crear Portal")


def test_an_operator_works_in_the_admin_under_the_policy(demo, live_server_url, watched):
    company, _ = demo
    page = watched.page
    device = operator_with_device("operadora@csp.test", "operadora-clave-2024")
    try:
        watched.visit(f"{live_server_url}/admin/login/")
        page.locator("#id_username").fill("operadora@csp.test")
        page.locator("#id_password").fill("operadora-clave-2024")
        page.locator("#id_otp_token").fill(totp_code(device))
        page.locator("input[type=submit]").click()
        page.wait_for_url(f"{live_server_url}/admin/")
        watched.assert_clean("admin login")

        watched.visit(f"{live_server_url}/admin/tenants/company/")
        assert page.locator("#result_list tbody tr").count() >= 1
        # the changelist's actions script (admin/js/actions.js) still counts the ticked rows
        counter = page.locator(".action-counter").inner_text()
        page.locator("#result_list tbody tr input.action-select").first.check()
        assert page.locator(".action-counter").inner_text() != counter
        assert page.locator("#result_list tbody tr").first.get_attribute("class") == "selected"
        watched.visit(f"{live_server_url}/admin/tenants/company/{company.pk}/change/")
        watched.visit(f"{live_server_url}/admin/portales/{company.pk}/actividad/")
    finally:
        # The operator lives in the public schema, which has no portal tables for delete()'s
        # cascade to visit: remove the device, then the row itself.
        device.delete()
        User.objects.filter(email="operadora@csp.test")._raw_delete(using="default")
