"""End to end in Chromium: create a portal through the form, follow the redirect to its
subdomain, log in as its admin, see the home (side menu, or bottom bar on a phone), log out."""

import re

import pytest
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from tenants.models import Company

pytestmark = pytest.mark.browser


def test_create_portal_log_in_and_out(live_server_url, page, screenshot):
    # given
    port = live_server_url.rsplit(":", 1)[1]
    page.goto(live_server_url + "/")

    # when: the name is typed, the address preview follows it
    page.get_by_label("Nombre del portal").fill("Panadería Güemes")
    page.wait_for_function(
        "document.getElementById('url-preview-subdomain').textContent === 'panaderia-guemes'"
    )
    page.get_by_label("Nombre de usuario").fill("duena@guemes.test")
    page.get_by_label("Contraseña", exact=True).fill("pan2024dulce")
    page.get_by_label("Repetir contraseña").fill("pan2024dulce")
    screenshot(page, "1-crear-portal")
    page.get_by_role("button", name="Continuar").click()

    # then: we land on the new portal's login page
    page.wait_for_url(f"http://panaderia-guemes.localhost:{port}/ingresar/?creado=1")
    assert page.get_by_text("¡Su portal está listo!").is_visible()
    screenshot(page, "2-login")

    # when: the admin logs in
    page.get_by_label("Email").fill("duena@guemes.test")
    page.get_by_label("Contraseña").fill("pan2024dulce")
    page.get_by_role("button", name="Ingresar").click()

    # then
    page.wait_for_url(f"http://panaderia-guemes.localhost:{port}/")
    assert page.get_by_role("heading", name="Hola, duena@guemes.test").is_visible()
    assert page.locator(".side-menu").is_visible()
    assert not page.locator(".bottom-nav").is_visible()
    screenshot(page, "3-inicio")

    # and on a phone the bottom bar replaces the side menu
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator(".bottom-nav").is_visible()
    assert not page.locator(".side-menu").is_visible()
    screenshot(page, "4-inicio-telefono")
    page.set_viewport_size({"width": 1280, "height": 800})

    # when: Salir
    page.locator(".side-menu").get_by_role("button", name="Salir").click()

    # then
    page.wait_for_url(re.compile(r".*/ingresar/$"))
    page.goto(f"http://panaderia-guemes.localhost:{port}/")
    assert "/ingresar/" in page.url
    company = Company.objects.get(slug="panaderia-guemes")
    with tenant_context(company):
        assert User.objects.get().is_portal_admin


def test_form_errors_are_shown_in_spanish_beside_each_field(live_server_url, page, screenshot):
    page.goto(live_server_url + "/")

    page.get_by_label("Nombre del portal").fill("Admin")
    page.get_by_label("Nombre de usuario").fill("no-es-email")
    page.get_by_label("Contraseña", exact=True).fill("abc")
    page.get_by_label("Repetir contraseña").fill("abd")
    page.get_by_role("button", name="Continuar").click()

    page.wait_for_selector(".field.has-error")
    assert page.get_by_text("«admin» es un nombre reservado").first.is_visible()
    assert page.get_by_text("Ingrese un email válido").is_visible()
    assert page.get_by_text("Las contraseñas no coinciden.").is_visible()
    assert page.get_by_label("Nombre del portal").input_value() == "Admin"
    screenshot(page, "errores")
    assert not Company.objects.filter(name="Admin").exists()
