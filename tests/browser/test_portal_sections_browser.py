"""The demo data in Chromium: the customer filters invoices, downloads a PDF, sees the pending
balance and orders, ticks Relacionado; the supplier sees payments ready for pickup; on a
phone the bottom bar replaces the side menu."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from provisioning.services import portal_create
from tenants.services import company_profile_update

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Demo Navegador", email="admin@navegador.test", password="demo1234")
    company_profile_update(company=company, legal_name="Demo Distribuciones S.A.", trade_name="Demo Distribuciones",
                           tax_id="30712345671", address="Av. Corrientes 1234, CABA")
    call_command("seed_demo", company.slug, with_accounts=True, stdout=io.StringIO())
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{company.hostname}:{port}"


def _login(page, base, email):
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")


def test_customer_filters_downloads_and_checks_relacionado(demo, page, screenshot):
    _login(page, demo, "cliente@demo.test")
    page.get_by_role("link", name="Facturas de venta").first.click()
    page.wait_for_url(f"{demo}/facturas/")
    own_rows = page.locator("table.documents tbody tr").count()
    assert own_rows == 25  # a full first page of the demo customer's documents
    assert not page.get_by_text("Peñalolén Logística S.R.L.").count()
    screenshot(page, "1-facturas")

    # Relacionado adds the related customers' documents
    page.get_by_label("Relacionado").check()
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**relacionado=on**")
    assert page.get_by_text("Peñalolén Logística S.R.L.").count() > 0
    screenshot(page, "2-relacionado")

    # a number filter narrows to one document, whose PDF holds that number
    number = page.locator("table.documents tbody tr").first.locator("td").nth(2).inner_text().split()[-1]
    page.get_by_label("Número").fill(number)
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**numero=**")
    assert page.locator("table.documents tbody tr").count() >= 1
    with page.expect_download() as download_info:
        page.locator("table.documents tbody tr").first.get_by_role("link", name="PDF").click()
    content = download_info.value.path().read_bytes()
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert content.startswith(b"%PDF-")
    assert number in text

    # the pending balance and the pending orders
    page.get_by_role("link", name="Cuenta corriente").first.click()
    assert page.get_by_text("Saldo pendiente").is_visible()
    assert "$ " in page.locator(".summary .figure.main strong").inner_text()
    screenshot(page, "3-cuenta-corriente")
    page.get_by_role("link", name="Seguimiento de pedidos").first.click()
    assert page.locator("section.order").count() > 0
    assert page.get_by_text("Pendiente").first.is_visible()
    screenshot(page, "4-pedidos")


def test_supplier_sees_payments_ready_for_pickup(demo, page, screenshot):
    _login(page, demo, "proveedor@demo.test")
    page.get_by_role("link", name="Retiro de pagos").first.click()

    assert page.get_by_text("Lista para retirar").first.is_visible()
    assert page.locator("table.payments tbody tr").count() >= 5
    assert not page.get_by_role("link", name="Facturas de venta").count()
    screenshot(page, "retiro-de-pagos")


def test_on_a_phone_the_bottom_bar_replaces_the_side_menu(demo, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, demo, "cliente@demo.test")
    page.goto(f"{demo}/facturas/")

    assert page.locator(".bottom-nav").is_visible()
    assert not page.locator(".side-menu").is_visible()
    page.locator(".bottom-nav").get_by_role("link", name="Cta. cte.").click()
    page.wait_for_url(f"{demo}/cuenta-corriente/")
    assert page.get_by_text("Saldo pendiente").is_visible()
    screenshot(page, "telefono-cuenta-corriente")
