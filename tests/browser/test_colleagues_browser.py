"""Usuarios de la empresa in Chromium: the admin allows them on Perfil; the customer's titular,
on a phone, invites a colleague who may only see orders; the colleague sets a password from the
email (real SMTP server, real Celery worker) and sees no PDFs and no balances; the titular
deactivates the colleague, whose open session ends."""

import io

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from playwright.sync_api import expect

from config.celery import app
from provisioning.services import portal_create
from tests.mail import configure_email, link_in

pytestmark = pytest.mark.browser

PHONE = {"locale": "es-AR", "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def demo(live_server_url, committed_db, smtp):
    company = portal_create(name="Colegas Navegador", email="admin@colegas.test", password="demo1234")
    call_command("seed_demo", company.slug, with_accounts=True, stdout=io.StringIO())
    configure_email(company, smtp)
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{company.hostname}:{port}"


def _login(page, base, email, password="demo1234"):
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")


def _wait_for_mail(smtp, to: str):
    for count in range(1, 10):
        smtp.wait_for(count, timeout=10)
        if smtp.to(to):
            return smtp.to(to)[-1]
    raise AssertionError(f"no llegó el email a {to}")


def test_a_titular_on_a_phone_invites_a_colleague_who_sees_only_what_was_granted(demo, chromium, page, smtp,
                                                                                  screenshot):
    # the admin allows colleagues on Perfil
    _login(page, demo, "admin@colegas.test")
    page.goto(f"{demo}/administrador/perfil/")
    page.get_by_label("Los clientes y proveedores pueden invitar a usuarios de su empresa").check()
    page.locator("#colleagues-switch").locator("xpath=ancestor::form").get_by_role(
        "button", name="Guardar cambios").click()
    expect(page.get_by_text("Cambios guardados.")).to_be_visible()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # the customer's titular, on a phone, invites a colleague who may only see orders
        titular = chromium.new_context(**PHONE).new_page()
        _login(titular, demo, "cliente@demo.test")
        titular.locator('.bottom-nav a[href="/mi-cuenta/usuarios/"]').click()
        titular.wait_for_url(f"{demo}/mi-cuenta/usuarios/")
        invite = titular.locator("#invite")
        invite.get_by_label("Email").fill("colega@demo.test")
        for permission in ("Ver saldos", "Descargar comprobantes"):
            invite.get_by_label(permission).uncheck()
        expect(invite.get_by_label("Retiro de pagos")).to_have_count(0)  # a customer's titular: no payments
        invite.get_by_role("button", name="Enviar invitación").click()
        expect(titular.get_by_text("Invitación enviada a colega@demo.test")).to_be_visible()
        screenshot(titular, "1-invitado")

        # the colleague opens the emailed link on a phone and sets a password
        email = _wait_for_mail(smtp, "colega@demo.test")
        colleague = chromium.new_context(**PHONE).new_page()
        colleague.goto(demo + link_in(email))
        colleague.get_by_label("Contraseña", exact=True).fill("pedidos2026")
        colleague.get_by_label("Repetir contraseña").fill("pedidos2026")
        colleague.get_by_role("button", name="Activar cuenta").click()
        colleague.wait_for_url(f"{demo}/")

        # orders yes; invoices without PDFs; the current account without balances or exports
        colleague.goto(f"{demo}/pedidos/")
        expect(colleague.locator("h1")).to_have_text("Seguimiento de pedidos")
        colleague.goto(f"{demo}/facturas/")
        expect(colleague.locator("table.documents tbody tr").first).to_be_visible()
        expect(colleague.get_by_role("link", name="PDF")).to_have_count(0)
        expect(colleague.get_by_role("button", name="Descargar todas (ZIP)")).to_have_count(0)
        colleague.goto(f"{demo}/cuenta-corriente/")
        expect(colleague.get_by_text("Saldo pendiente")).to_have_count(0)
        expect(colleague.get_by_role("link", name="CSV")).to_have_count(0)
        expect(colleague.locator('nav a[href="/mi-cuenta/usuarios/"]')).to_have_count(0)
        screenshot(colleague, "2-colega")

        # the titular sees the colleague and deactivates it: the colleague's session ends
        titular.reload()
        row = titular.locator('#colleagues tr[data-email="colega@demo.test"]')
        expect(row).to_contain_text("Activo")
        row.get_by_role("button", name="Desactivar").click()
        expect(titular.get_by_text("colega@demo.test fue desactivado")).to_be_visible()
        colleague.goto(f"{demo}/pedidos/")
        expect(colleague).to_have_url(f"{demo}/ingresar/?next=/pedidos/")
