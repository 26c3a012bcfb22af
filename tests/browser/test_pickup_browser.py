"""Programar retiro in Chromium: a supplier on a phone (390x844, es-AR) books a slot and gets
the code and its QR; the admin marks the order collected by typing the code in *Entregas del
día* (as a scanner does, ending with Enter); the ERP reads the events through its API."""

import json
import urllib.request
from datetime import time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.services import api_key_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import PickupSchedule, PickupWindow, Supplier, SupplierPayment
from provisioning.services import portal_create

pytestmark = pytest.mark.browser
PASSWORD = "demo1234"


@pytest.fixture
def portal(live_server_url, committed_db):
    company = portal_create(name="Retiros Navegador", email="admin@retiros.test", password=PASSWORD)
    with tenant_context(company):
        batch_upsert(resource="suppliers", items=[{"external_id": "S1", "business_name": "Molinos Güemes S.A."}])
        batch_upsert(resource="supplier-payments", items=[{
            "external_id": "OP-77", "supplier": "S1", "number": "0001-00000077", "date": "2026-11-30",
            "amount": "98000.00", "method": "Cheque", "status": "ready"}])
        party_account_create(email="proveedor@retiros.test", password=PASSWORD,
                             supplier=Supplier.objects.get(external_id="S1"))
        PickupWindow.objects.create(weekdays=list(range(7)), starts_at=time(8), ends_at=time(20),
                                    place="Av. Corrientes 1234, Caja 2", slot_minutes=30, capacity=2)
    port = live_server_url.rsplit(":", 1)[1]
    return company, port, f"http://{company.hostname}:{port}"


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="es-AR", viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _login(page, base, email):
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")


def _schedule_on_the_phone(phone, base, screenshot) -> str:
    _login(phone, base, "proveedor@retiros.test")
    phone.goto(f"{base}/retiro-de-pagos/")
    phone.get_by_role("link", name="Programar retiro").click()
    phone.locator("label.slot").first.click()
    phone.get_by_label("Nombre y apellido de quien retira").fill("Ana María Pérez")
    phone.get_by_label("DNI de quien retira").fill("30.123.456")
    screenshot(phone, "1-programar")
    phone.get_by_role("button", name="Programar retiro").click()
    phone.wait_for_url("**/retiro/")
    code = phone.locator("#pickup-code").inner_text().strip()
    assert phone.locator("svg.qr").is_visible()
    assert phone.get_by_text("Ana María Pérez · DNI 30123456").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, "2-codigo")
    return code


def _the_day_comes(company):
    """The appointment is for the first free slot, maybe tomorrow's: the day comes."""
    with tenant_context(company):
        schedule = PickupSchedule.objects.get(status="scheduled")
        shift = timezone.localdate() - timezone.localdate(schedule.slot_start)
        if shift:
            PickupSchedule.objects.filter(pk=schedule.pk).update(
                slot_start=schedule.slot_start + timedelta(days=shift.days),
                slot_end=schedule.slot_end + timedelta(days=shift.days))


def _hand_over(page, base, code, screenshot):
    _login(page, base, "admin@retiros.test")
    page.get_by_role("link", name="Entregas del día").first.click()
    page.wait_for_url(f"{base}/administrador/entregas/")
    assert page.get_by_text("Ana María Pérez").is_visible() and page.get_by_text("Por retirar").is_visible()
    page.get_by_label("Código de retiro").type(code.lower())  # a scanner types, then presses Enter
    page.get_by_label("Código de retiro").press("Enter")
    assert page.get_by_text("Orden de pago 0001-00000077 entregada a Ana María Pérez (DNI 30123456).").is_visible()
    screenshot(page, "3-entregada")


def _api_get(company, port, secret, path) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/{path}", headers={
        "Host": f"{company.hostname}:{port}", "Authorization": f"Bearer {secret}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_a_supplier_schedules_on_a_phone_and_the_admin_hands_it_over_with_the_code(portal, phone, page, screenshot):
    company, _port, base = portal
    code = _schedule_on_the_phone(phone, base, screenshot)
    _the_day_comes(company)

    _hand_over(page, base, code, screenshot)

    with tenant_context(company):
        assert SupplierPayment.objects.get(external_id="OP-77").status == "picked_up"
        assert PickupSchedule.objects.get().closed_by.email == "admin@retiros.test"
    phone.goto(f"{base}/retiro-de-pagos/")
    assert phone.get_by_text("Retirada").first.is_visible()


def test_the_erp_reads_the_pickup_events_through_the_api(portal, phone, page, screenshot):
    """Needs GET /api/v1/events/ (item 6 of issue #15, built on another branch)."""
    company, port, base = portal
    code = _schedule_on_the_phone(phone, base, screenshot)
    _the_day_comes(company)
    _hand_over(page, base, code, screenshot)
    with tenant_context(company):
        _key, secret = api_key_create(name="ERP")

    assert _api_get(company, port, secret, "sync-status/")  # the key and the portal's host are right
    body = _api_get(company, port, secret, "events/?after=0")

    pickups = [event for event in body["events"] if event["kind"].startswith("pickup_")]
    assert [event["kind"] for event in pickups] == ["pickup_scheduled", "pickup_done"]
    assert all((event["resource"], event["external_id"]) == ("supplier-payments", "OP-77") for event in pickups)
    done = pickups[-1]["data"]
    assert done["person"] == {"name": "Ana María Pérez", "dni": "30123456"}
    assert done["handed_over_by"] == "admin@retiros.test" and done["place"] == "Av. Corrientes 1234, Caja 2"
