"""The whole request path in Chromium: someone registers from the shared link with a customer's
CUIT, confirms their email, the admin approves only after acknowledging the weak match, the
customer's ERP email is told and objects, the admin revokes, and the log shows every step;
emails go through a real SMTP server and a real Celery worker."""

import io
import re
import time

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


def _link(email, path_start: str) -> str:
    return re.search(rf"https?://\S+{path_start}\S*", text_of(email)).group(0)


def test_a_stranger_with_a_customers_cuit_is_verified_acknowledged_and_told_to_the_owner(
        demo, chromium, page, smtp, screenshot):
    """The attack: someone registers with their own email and a customer's (public) CUIT."""
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

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # a stranger opens it on a phone and registers with the customer's CUIT
        phone = chromium.new_context(locale="es-AR", viewport={"width": 390, "height": 844})
        person = phone.new_page()
        person.goto(shared_link)
        person.get_by_label("Email").fill("ana@almacen.test")
        person.get_by_label("Contraseña", exact=True).fill("mostrador77")
        person.get_by_label("Repetir contraseña").fill("mostrador77")
        person.get_by_label("Nombre y apellido (opcional)").fill("Ana Pérez")
        person.get_by_label("CUIT (opcional)").fill(customer.tax_id)
        person.get_by_role("button", name="Registrarse").click()
        expect(person.locator("#register-done")).to_contain_text("Le enviamos un email para confirmar")
        screenshot(person, "2-registrada")
        smtp.wait_for(1)

        # before the email is confirmed the admin cannot approve: the row has no Invitar
        page.reload()
        unverified = page.locator('tr[data-kind="V"][data-email="ana@almacen.test"]')
        expect(unverified).to_contain_text("Todavía no confirmó su email")
        expect(unverified.get_by_role("button", name="Invitar")).to_have_count(0)

        # the person confirms from the email
        [confirmation] = smtp.to("ana@almacen.test")
        person.goto(_link(confirmation, "/registro/confirmar/"))
        expect(person.locator("#register-verified")).to_be_visible()

        # the dialog says the match is weak, ticks nothing, and wants the acknowledgement
        page.reload()
        row = page.locator('tr[data-kind="P"][data-email="ana@almacen.test"]')
        row.get_by_role("button", name="Invitar").click()
        dialog = page.locator("#invite-dialog")
        option = dialog.locator(".party-option", has_text="Almacén Peñalolén S.A.S.").first
        expect(option).to_contain_text("Solo coincide el CUIT")
        expect(option.locator("input")).not_to_be_checked()
        option.locator("input").check()
        expect(dialog.locator("#weak-match")).to_contain_text("Un CUIT es público")
        dialog.get_by_role("button", name="Confirmar").click()
        expect(dialog.locator("#acknowledge-error")).to_be_visible()  # refused without it
        screenshot(page, "3-vincular-sin-confirmar")
        dialog.get_by_label("Verifiqué por otro medio que esta persona pertenece a la empresa").check()
        dialog.get_by_role("button", name="Confirmar").click()
        page.wait_for_url(f"{base}/administrador/activaciones/")
        expect(page.get_by_text("ana@almacen.test ya puede ingresar")).to_be_visible()

        # the customer's ERP email is told, and the person gets the approval
        deadline = time.monotonic() + 20
        while not (smtp.to(customer.email) and len(smtp.to("ana@almacen.test")) > 1) and time.monotonic() < deadline:
            time.sleep(0.1)
        [notice] = smtp.to(customer.email)
        approval = smtp.to("ana@almacen.test")[-1]
        assert "ana@almacen.test" in text_of(notice) and "mostrador77" not in text_of(approval)

        # the person logs in and sees the customer's invoices
        person.goto(_link(approval, "/ingresar/"))
        person.get_by_label("Email").fill("ana@almacen.test")
        person.get_by_label("Contraseña").fill("mostrador77")
        person.get_by_role("button", name="Ingresar").click()
        person.wait_for_url(f"{base}/")
        person.locator(".bottom-nav").get_by_role("link", name="Facturas").click()
        person.wait_for_url(f"{base}/facturas/")
        expect(person.get_by_text(f"{a_number:08d}").first).to_be_visible()
        screenshot(person, "4-facturas")

        # the real customer does not recognise the access and objects
        owner = phone.new_page()
        owner.goto(_link(notice, "/aviso/"))
        owner.get_by_label("Comentario para el administrador (opcional)").fill("No trabaja con nosotros")
        owner.get_by_role("button", name="No reconozco este acceso").click()
        expect(owner.locator("#objected")).to_be_visible()

    # the admin sees the objection and revokes; the person is out at their next click
    page.goto(f"{base}/administrador/activaciones/?tipo=O")
    objection = page.locator('tr[data-kind="O"][data-email="ana@almacen.test"]')
    expect(objection).to_contain_text("No trabaja con nosotros")
    objection.get_by_role("button", name="Revocar acceso").click()
    expect(page.get_by_text("Acceso revocado")).to_be_visible()
    person.reload()
    expect(person).to_have_url(re.compile(r"/ingresar/"))

    # and the activity log has every step
    page.get_by_role("link", name="Registro de actividad").first.click()
    log = page.locator("#activity")
    for step in ("Registro", "Email de registro verificado", "Petición aprobada", "Objeción del titular",
                 "Objeción resuelta", "solo coincide el CUIT · verificado por otro medio"):
        expect(log).to_contain_text(step)
    screenshot(page, "5-registro-de-actividad")
    phone.close()
