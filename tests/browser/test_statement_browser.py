"""*Descargar resumen* on a phone: from the current account to the period's form, a bad period
refused in Spanish, then the PDF downloaded."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from provisioning.services import portal_create

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Demo Resumen", email="admin@resumen.test", password="demo1234")
    call_command("seed_demo", company.slug, with_accounts=True, stdout=io.StringIO())
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{company.hostname}:{port}"


def test_customer_downloads_a_statement_on_a_phone(demo, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo}/ingresar/")
    page.get_by_label("Email").fill("cliente@demo.test")
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{demo}/")
    page.goto(f"{demo}/cuenta-corriente/")

    page.get_by_role("link", name="Descargar resumen").click()
    page.wait_for_url(f"{demo}/cuenta-corriente/resumen/")
    today = timezone.localdate()
    assert page.get_by_label("Desde").input_value() == f"{today.replace(day=1):%d/%m/%Y}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    # a reversed period is refused beside «Hasta», and nothing downloads
    page.get_by_label("Desde").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Hasta").fill(f"{today - timedelta(days=5):%d/%m/%Y}")
    page.get_by_role("button", name="Descargar PDF").click()
    page.wait_for_url("**formato=pdf**")
    assert page.get_by_text("«Hasta» debe ser posterior a «Desde».").is_visible()
    screenshot(page, "periodo-invertido")

    page.get_by_label("Desde").fill(f"{today - timedelta(days=90):%d/%m/%Y}")
    page.get_by_label("Hasta").fill(f"{today:%d/%m/%Y}")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Descargar PDF").click()
    download = download_info.value
    text = PdfReader(io.BytesIO(download.path().read_bytes())).pages[0].extract_text()
    assert download.suggested_filename.endswith(".pdf")
    assert "RESUMEN DE CUENTA" in text and "Saldo anterior" in text
    assert f"{today - timedelta(days=90):%d/%m/%Y} al {today:%d/%m/%Y}" in text
