"""Consultas in Chromium: a customer on a phone asks about an invoice with a photo attached,
the admin sees the count in the menu and answers, the customer reads the answer."""

import io

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.models import Question
from provisioning.services import portal_create

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Demo Consultas", email="admin@consultas.test", password="demo1234")
    call_command("seed_demo", company.slug, with_accounts=True, stdout=io.StringIO())
    port = live_server_url.rsplit(":", 1)[1]
    return company, f"http://{company.hostname}:{port}"


def _login(page, base, email):
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_customer_asks_on_a_phone_and_the_admin_answers(demo, chromium, page, screenshot):
    company, base = demo
    phone = chromium.new_context(locale="es-AR", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(15000)
    _login(phone, base, "cliente@demo.test")
    phone.goto(f"{base}/facturas/")
    row = phone.locator("table.documents tbody tr").first
    number = row.locator("td").nth(2).inner_text().split()[-1]
    row.get_by_role("link", name="Consultar").click()
    assert number in phone.locator("h1").inner_text()
    phone.get_by_label("Mensaje").fill("El importe no coincide con el remito.")
    phone.get_by_label("Adjunto (opcional)").set_input_files(
        files=[{"name": "remito.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    phone.get_by_role("button", name="Enviar consulta").click()
    phone.wait_for_url(f"{base}/consultas/clientes/*/")
    assert phone.get_by_text("Consulta enviada").is_visible()
    assert phone.get_by_text("Abierta").first.is_visible()
    assert phone.get_by_role("link", name="Adjunto: remito.jpg").is_visible()
    screenshot(phone, "1-consulta-en-el-telefono")

    _login(page, base, "admin@consultas.test")
    page.get_by_role("link", name="Consultas (1)").first.click()
    page.get_by_role("link", name=number).click()
    assert page.get_by_text("El importe no coincide con el remito.").is_visible()
    page.get_by_label("Mensaje").fill("Tiene razón: le enviamos la nota de crédito.")
    page.get_by_role("button", name="Enviar").click()
    page.wait_for_load_state()
    assert page.get_by_text("Respondida").first.is_visible()
    assert not page.get_by_role("link", name="Consultas (1)").count()
    screenshot(page, "2-respuesta-del-admin")

    phone.reload()
    assert phone.get_by_text("Tiene razón: le enviamos la nota de crédito.").is_visible()
    assert phone.get_by_text("Respondida").first.is_visible()
    with tenant_context(company):
        assert Question.objects.get().status == "answered"
