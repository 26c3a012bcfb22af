"""The whole request path in Chromium: someone registers from the shared link, the admin links
the request to a customer and approves it, the approval email arrives through a real SMTP
server, and the person logs in and sees that customer's invoices."""

import io
import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from config.celery import app
from portal_core.models import Customer, SalesInvoice
from provisioning.services import portal_create
from tests.mail import configure_email, text_of

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server_url, committed_db, smtp):
    company = portal_create(name="Acceso Navegador", email="admin@acceso.test", password="demo1234")
    call_command("seed_demo", company.slug, stdout=io.StringIO())
    configure_email(company, smtp)
    port = live_server_url.rsplit(":", 1)[1]
    return company, f"http://{company.hostname}:{port}"


def test_register_from_the_shared_link_approve_and_see_the_invoices(demo, chromium, page, smtp, screenshot):
    company, base = demo
    with tenant_context(company):
        customer = Customer.objects.get(business_name="Almacén Peñalolén S.A.S.")
        a_number = SalesInvoice.objects.filter(customer=customer, voided=False).order_by("-issue_date").first().number

    # the admin copies the portal's link from Activaciones
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill("admin@acceso.test")
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Activaciones").first.click()
    page.get_by_role("button", name="Copiar link").click()
    expect(page.get_by_role("button", name="¡Link copiado!")).to_be_visible()
    assert "wa.me/?text=" in page.get_by_role("link", name="Compartir por WhatsApp").get_attribute("href")
    shared_link = page.locator("#register-url").inner_text()
    screenshot(page, "1-activaciones")

    # someone opens it on a phone and registers
    phone = chromium.new_context(locale="es-AR", viewport={"width": 390, "height": 844})
    person = phone.new_page()
    person.goto(shared_link)
    person.get_by_label("Email").fill("ana@almacen.test")
    person.get_by_label("Contraseña", exact=True).fill("almacen2026")
    person.get_by_label("Repetir contraseña").fill("almacen2026")
    person.get_by_label("Nombre y apellido (opcional)").fill("Ana Pérez")
    person.get_by_label("CUIT (opcional)").fill(customer.tax_id)
    person.get_by_role("button", name="Registrarse").click()
    expect(person.locator("#register-done")).to_be_visible()
    screenshot(person, "2-registrada")

    # the admin sees the request (Tipo P), opens Invitar, finds the customer and confirms
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.reload()
        row = page.locator('tr[data-kind="P"][data-email="ana@almacen.test"]')
        row.get_by_role("button", name="Invitar").click()
        dialog = page.locator("#invite-dialog")
        expect(dialog.get_by_text("Almacén Peñalolén S.A.S.").first).to_be_visible()  # suggested by CUIT
        dialog.get_by_label("Buscar por razón social o CUIT").fill("Almacén Peña")
        dialog.locator(".party-option", has_text="Almacén Peñalolén S.A.S.").first.locator("input").check()
        screenshot(page, "3-vincular")
        dialog.get_by_role("button", name="Confirmar").click()
        page.wait_for_url(f"{base}/administrador/activaciones/")
        expect(page.get_by_text("ana@almacen.test ya puede ingresar")).to_be_visible()
        smtp.wait_for(2)  # the admins' notice of the request, then the approval
        [email] = smtp.to("ana@almacen.test")

    # the approval email arrives, without the password, and the person logs in
    assert email["To"] == "ana@almacen.test" and "almacen2026" not in text_of(email)
    login_url = re.search(r"https?://\S+/ingresar/", text_of(email)).group(0)
    person.goto(login_url)
    person.get_by_label("Email").fill("ana@almacen.test")
    person.get_by_label("Contraseña").fill("almacen2026")
    person.get_by_role("button", name="Ingresar").click()
    person.wait_for_url(f"{base}/")
    person.locator(".bottom-nav").get_by_role("link", name="Facturas").click()
    person.wait_for_url(f"{base}/facturas/")
    expect(person.get_by_text(f"{a_number:08d}").first).to_be_visible()
    screenshot(person, "4-facturas")
    phone.close()
