"""Notificaciones in Chromium, on a phone: a customer picks the daily digest in Mi cuenta, gets
one digest email, and leaves a kind with the email's unsubscribe link (a page that asks, then
one button)."""

from urllib.parse import urlsplit

import pytest
from django_tenants.utils import tenant_context

from portal_core.accounts.services import party_account_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.mail.services import outbox_deliver
from portal_core.models import Customer, NotificationPreference, OutboxMessage
from portal_core.notifications import services
from provisioning.services import portal_create
from tests.conftest import PASSWORD
from tests.mail import configure_email, text_of
from tests.portal_core.notifications.test_notifications import invoice

pytestmark = pytest.mark.browser


def _deliver(company) -> None:
    with tenant_context(company):
        for pk in OutboxMessage.objects.exclude(status="sent").values_list("pk", flat=True):
            outbox_deliver(message_id=pk)


def test_a_customer_on_a_phone_chooses_the_digest_and_unsubscribes_from_the_email(
        live_server_url, committed_db, smtp, page, screenshot):
    company = portal_create(name="Avisos Navegador", email="admin@avisosnav.test", password=PASSWORD)
    configure_email(company, smtp)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Cliente Uno"}])
        party_account_create(email="cliente@avisosnav.test", password=PASSWORD,
                             customer=Customer.objects.get(external_id="C1"))
    base = f"http://{company.hostname}:{live_server_url.rsplit(':', 1)[1]}"
    page.set_viewport_size({"width": 390, "height": 844})

    # the customer logs in and opens Mi cuenta → Notificaciones
    page.goto(f"{base}/ingresar/")
    page.get_by_label("Email").fill("cliente@avisosnav.test")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/mi-cuenta/")
    page.get_by_role("link", name="Elegir mis notificaciones").click()
    page.wait_for_url(f"{base}/mi-cuenta/notificaciones/")
    assert not page.get_by_text("Pagos listos para retirar").count()

    # and wants new documents in the daily digest
    page.locator("#aviso-new_document").get_by_label("Resumen diario").check()
    page.get_by_role("button", name="Guardar preferencias").click()
    assert page.get_by_text("Sus preferencias de notificaciones quedaron guardadas.").is_visible()
    assert page.locator("#aviso-new_document").get_by_label("Resumen diario").is_checked()
    screenshot(page, "telefono-notificaciones")

    # when the ERP sends an invoice: nothing at once, one digest at the daily run
    with tenant_context(company):
        batch_upsert(resource="sales-invoices", items=[invoice("F1", number=8)])
        services.notifications_send()
    _deliver(company)
    assert smtp.received == []
    with tenant_context(company):
        services.due_dates_run()
    _deliver(company)
    [digest] = smtp.received
    assert "A 0003-00000008" in text_of(digest)

    # the customer follows the email's unsubscribe link: a question first, then the button
    path = urlsplit(str(digest["List-Unsubscribe"]).strip().strip("<>")).path
    page.goto(f"{base}{path}")
    assert page.get_by_text("¿Dejar de recibir estos avisos?").is_visible()
    with tenant_context(company):
        assert NotificationPreference.objects.get(kind="new_document").delivery == "digest"
    page.get_by_role("button", name="Dejar de recibirlos").click()
    assert page.get_by_text("ya no recibe estos avisos").is_visible()
    screenshot(page, "telefono-baja")
    with tenant_context(company):
        assert NotificationPreference.objects.get(kind="new_document").delivery == "off"
