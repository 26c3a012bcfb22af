"""The admin in Chromium: edits the profile image from the menu, and filters the ranking."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from provisioning.services import portal_create

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server_url, committed_db):
    company = portal_create(name="Admin Navegador", email="admin@adminnav.test", password="demo1234")
    call_command("seed_demo", company.slug, stdout=io.StringIO())
    port = live_server_url.rsplit(":", 1)[1]
    return f"http://{company.hostname}:{port}"


def _login(page, base):
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill("admin@adminnav.test")
    page.get_by_label("Contraseña").fill("demo1234")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")


def test_edit_the_profile_image_from_the_menu(demo, page, screenshot, tmp_path):
    picture = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (20, 160, 90)).save(picture)
    _login(page, demo)

    page.get_by_role("button", name="Editar").click()
    assert page.locator(".profile.editing .pencil").is_visible()
    page.set_input_files("#profile-input", str(picture))
    assert page.locator("#profile-image").get_attribute("src").startswith("blob:")
    screenshot(page, "1-vista-previa")
    page.get_by_role("button", name="Finalizar edición").click()

    page.wait_for_load_state()
    assert "/perfil/imagen/?v=" in page.locator("#profile-image").get_attribute("src")
    screenshot(page, "2-guardada")


def test_an_svg_is_refused_before_and_after_upload(demo, page, tmp_path):
    drawing = tmp_path / "logo.svg"
    drawing.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    _login(page, demo)

    page.get_by_role("button", name="Editar").click()
    page.set_input_files("#profile-input", str(drawing))

    assert page.get_by_text("Elija una imagen PNG, JPEG o WebP.").is_visible()
    assert not page.get_by_role("button", name="Finalizar edición").is_visible()


def test_filter_the_ranking_by_branch(demo, page, screenshot):
    _login(page, demo)
    page.get_by_role("link", name="Ventas").first.click()
    page.wait_for_url(f"{demo}/administrador/ventas/")
    everyone = page.locator("table.ranking tbody tr").first.locator("td").nth(2).inner_text()
    assert page.locator("ol.bar-chart").count() == 2
    screenshot(page, "1-ventas")

    page.locator("#ranking").get_by_label("Sucursal").select_option(label="Sucursal Rosario")
    page.locator("#ranking").get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**r-sucursal=**")

    in_rosario = page.locator("table.ranking tbody tr").first.locator("td").nth(2).inner_text()
    assert in_rosario != everyone
    screenshot(page, "2-ventas-rosario")
