"""The Ventas bar charts in Chromium: every label and amount is drawn at 12 px or more as
displayed, and stays inside its card, on a phone and on a desktop."""

import io

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert
from provisioning.services import portal_create
from tests.billing_views.conftest import document

pytestmark = pytest.mark.browser

LONG_NAME = "Cooperativa Agropecuaria Federada de Productores Lecheros del Sudeste Bonaerense Limitada"

# Each chart text's font size as displayed: its CSS size times the scale of the SVG drawing it
# (1 for HTML text), with its box and its card's box.
MEASURE = """
() => [...document.querySelectorAll(".bar-chart text, .bar-chart .bar-label, .bar-chart .bar-value")].map(el => {
  const svg = el.closest("svg");
  const scale = svg ? svg.getScreenCTM().a : 1;
  const box = el.getBoundingClientRect();
  const card = el.closest(".card").getBoundingClientRect();
  return {text: el.textContent.trim(), px: parseFloat(getComputedStyle(el).fontSize) * scale,
          left: box.left - card.left, right: card.right - box.right};
})
"""


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Ventas Navegador", email="admin@ventasnav.test", password="demo1234")
    call_command("seed_demo", company.slug, stdout=io.StringIO())
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "LONG", "business_name": LONG_NAME}])
        batch_upsert(resource="sales-invoices", items=[
            document("LONG-1", "customer", "LONG", 990001, total="9876543210.00", issued=-1)])
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{company.hostname}:{port}"


def _sales_page(chromium, base, viewport):
    context = chromium.new_context(locale="es-AR", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill("admin@ventasnav.test")
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/administrador/ventas/")
    return context, page


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
def test_chart_labels_are_at_least_12px_and_inside_their_card(demo, chromium, screenshot, viewport):
    # given
    context, page = _sales_page(chromium, demo, viewport)

    # when
    texts = page.evaluate(MEASURE)
    screenshot(page, "ventas")
    context.close()

    # then
    assert len(texts) >= 4
    assert LONG_NAME in [text["text"] for text in texts]
    assert "$ 9.876.543.210,00" in [text["text"] for text in texts]
    too_small = [(text["text"], round(text["px"], 1)) for text in texts if text["px"] < 12]
    assert too_small == []
    outside = [text["text"] for text in texts if text["left"] < -0.5 or text["right"] < -0.5]
    assert outside == []


def test_chart_rows_read_as_a_list_of_names_and_amounts(demo, chromium):
    # given
    context, page = _sales_page(chromium, demo, {"width": 390, "height": 844})

    # when
    ranking = page.get_by_role("list", name="Ranking de clientes")
    first = ranking.get_by_role("listitem").first.inner_text()
    context.close()

    # then
    assert LONG_NAME in first
    assert "$ 9.876.543.210,00" in first
