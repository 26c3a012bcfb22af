"""Programar retiro through the pages: the admin's windows (from Perfil), the supplier's
appointment with its code and QR (on the page and by email, read from a real SMTP server), and
Entregas del día, where the code marks the order collected. Bad input and strangers change nothing."""

import re
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.models import AuditEvent, ErpEvent, PickupSchedule, PickupWindow, SupplierPayment
from portal_core.pickups import services
from portal_core.pickups.errors import PickupError
from tests.billing_views.conftest import doc_id
from tests.billing_views.pickups_helpers import PLACE, book_slot, schedule_today, slot_key, window_create
from tests.conftest import host_client
from tests.mail import configure_email, html_of, text_of
from tests.portal_core.access.test_registrations import admin_client, deliver

CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$")


def rows(company):
    """What a refused request must leave as it was."""
    with tenant_context(company):
        return (list(PickupSchedule.objects.values_list("id", "status", "code").order_by("id")),
                list(SupplierPayment.objects.values_list("id", "status").order_by("id")),
                list(PickupWindow.objects.values_list("id", "active", "capacity").order_by("id")),
                ErpEvent.objects.count())


# --- Perfil → Horarios de retiro -----------------------------------------------------------

def test_the_admin_sets_a_pickup_window_from_perfil(book):
    admin = admin_client(book)
    assert "/administrador/perfil/retiros/" in admin.get("/administrador/perfil/").content.decode()

    response = admin.post("/administrador/perfil/retiros/", {
        "weekdays": ["0", "2", "4"], "starts_at": "09:00", "ends_at": "13:00", "place": PLACE,
        "slot_minutes": "30", "capacity": "3"})

    assert response.status_code == 302
    with tenant_context(book):
        window = PickupWindow.objects.get()
        assert (window.weekdays, f"{window.starts_at:%H:%M}", f"{window.ends_at:%H:%M}", window.capacity) == (
            [0, 2, 4], "09:00", "13:00", 3)
        assert AuditEvent.objects.filter(kind="pickup_window_saved", actor__email="admin@alfa.test").count() == 1
    page = admin.get("/administrador/perfil/retiros/").content.decode()
    assert "lun, mié, vie" in page and "30 min, 3 por turno" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"weekdays": []}, "Elija al menos un día."),
    ({"weekdays": ["9"]}, "Elija días de la semana."),
    ({"ends_at": "08:00"}, "La hora de cierre debe ser posterior a la de apertura."),
    ({"starts_at": "25:00"}, "Hora inválida: use hh:mm, por ejemplo 09:30."),
    ({"slot_minutes": "0"}, "Debe ser al menos 5."),
    ({"slot_minutes": "120", "ends_at": "10:00"}, "El horario es más corto que un turno."),
    ({"capacity": "500"}, "Debe ser como máximo 100."),
    ({"capacity": "dos"}, "Ingrese un número entero."),
    ({"place": ""}, "Complete este campo."),
])
def test_a_bad_window_is_refused_in_spanish_and_nothing_changes(book, changes, message):
    admin = admin_client(book)
    before = rows(book)

    response = admin.post("/administrador/perfil/retiros/", {
        "weekdays": ["0"], "starts_at": "09:00", "ends_at": "13:00", "place": PLACE, "slot_minutes": "30",
        "capacity": "3", **changes})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert rows(book) == before


def test_editing_and_deleting_a_window_keeps_the_appointments_given(book):
    window = window_create(book)
    given = schedule_today(book, window=window)
    admin = admin_client(book)

    admin.post(f"/administrador/perfil/retiros/{window.pk}/", {
        "weekdays": ["1"], "starts_at": "10:00", "ends_at": "12:00", "place": "Otro lugar", "slot_minutes": "60",
        "capacity": "1"})
    admin.post(f"/administrador/perfil/retiros/{window.pk}/eliminar/")

    with tenant_context(book):
        window.refresh_from_db()
        assert (window.place, window.capacity, window.active) == ("Otro lugar", 1, False)
        given.refresh_from_db()
        assert (given.status, given.place) == ("scheduled", PLACE)
    assert admin.get(f"/administrador/perfil/retiros/{window.pk}/").status_code == 404
    assert host_client(book).get("/administrador/perfil/retiros/").status_code == 302  # to the login


def test_only_the_portal_admin_sees_windows_and_deliveries(book, login):
    window = window_create(book)
    for email in ("proveedor@alfa.test", "cliente@alfa.test"):
        client = login(book, email)
        before = rows(book)
        assert client.get("/administrador/perfil/retiros/").status_code == 404
        assert client.post(f"/administrador/perfil/retiros/{window.pk}/eliminar/").status_code == 404
        assert client.get("/administrador/entregas/").status_code == 404
        assert client.post("/administrador/entregas/", {"code": "AAAAAAAA"}).status_code == 404
        assert rows(book) == before


# --- The supplier: Programar retiro -----------------------------------------------------------

def test_the_supplier_schedules_a_pickup_and_gets_the_code_and_qr_on_the_page_and_by_email(book, login, smtp):
    configure_email(book, smtp)
    window = window_create(book)
    supplier = login(book, "proveedor@alfa.test")
    payments = supplier.get("/retiro-de-pagos/").content.decode()
    assert "Programar retiro" in payments
    form = supplier.get(f"/retiro-de-pagos/{doc_id(book, SupplierPayment, 'OP1')}/programar/").content.decode()
    assert f'value="{slot_key(window, hour=9)}"' in form and "2 lugares" in form

    response = book_slot(supplier, book, window)

    assert response.status_code == 302
    with tenant_context(book):
        schedule = PickupSchedule.objects.get()
        event = ErpEvent.objects.get()
    assert CODE.match(schedule.code)
    assert (schedule.person_name, schedule.person_dni, schedule.place, schedule.status) == (
        "Ana María Pérez", "30123456", PLACE, "scheduled")
    assert (event.kind, event.resource, event.external_id) == ("pickup_scheduled", "supplier-payments", "OP1")
    assert event.data["person"] == {"name": "Ana María Pérez", "dni": "30123456"}
    assert event.data["place"] == PLACE and event.data["slot_start"].endswith("09:00:00-03:00")
    page = supplier.get(response["Location"]).content.decode()
    assert schedule.code in page and '<svg class="qr"' in page and "Ana María Pérez · DNI 30123456" in page
    # by email, through the company's SMTP server
    deliver(book)
    [email] = smtp.to("proveedor@alfa.test")
    assert email["Subject"] == "Retiro programado: orden de pago 0001-00000101"
    assert f"Código de retiro: {schedule.code}" in text_of(email) and PLACE in text_of(email)
    assert "DNI 30123456" in text_of(email) and response["Location"] in text_of(email)
    assert schedule.code in html_of(email) and 'aria-label="QR ' in html_of(email)
    with tenant_context(book):
        assert AuditEvent.objects.filter(kind="pickup_scheduled", actor__email="proveedor@alfa.test").count() == 1
    # the list now shows the appointment instead of the button
    assert "Ver código" in supplier.get("/retiro-de-pagos/").content.decode()


@pytest.mark.parametrize(("changes", "message"), [
    ({"person_dni": "12.34"}, "El DNI tiene 7 u 8 números, sin puntos ni letras."),
    ({"person_dni": "123456789"}, "El DNI tiene 7 u 8 números, sin puntos ni letras."),
    ({"person_dni": "3O123456"}, "El DNI tiene 7 u 8 números, sin puntos ni letras."),
    ({"person_dni": ""}, "Complete este campo."),
    ({"person_name": "Ana"}, "Escriba nombre y apellido, solo con letras."),
    ({"person_name": "R2 D2"}, "Escriba nombre y apellido, solo con letras."),
    ({"slot": ""}, "Elija un turno."),
    ({"slot": "basura"}, "Ese turno ya no está disponible. Elija otro."),
    ({"days": -1}, "Ese turno ya no está disponible. Elija otro."),  # yesterday
    ({"days": 14}, "Ese turno ya no está disponible. Elija otro."),  # past the 14 days on offer
    ({"hour": 20}, "Ese turno ya no está disponible. Elija otro."),  # the window closes at 18
    ({"slot": "999999-209901010900"}, "Ese turno ya no está disponible. Elija otro."),
])
def test_bad_scheduling_input_is_refused_in_spanish_and_changes_nothing(book, login, changes, message):
    window = window_create(book)
    supplier = login(book, "proveedor@alfa.test")
    before = rows(book)
    keys = {key: changes.pop(key) for key in ("days", "hour") if key in changes}

    response = book_slot(supplier, book, window, **keys, **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert rows(book) == before


def test_a_full_slot_is_refused_and_no_longer_offered(book, login):
    window = window_create(book, capacity=1)
    assert book_slot(login(book, "otroprov@alfa.test"), book, window, payment="OP3").status_code == 302
    supplier = login(book, "proveedor@alfa.test")
    before = rows(book)

    response = book_slot(supplier, book, window)

    assert response.status_code == 400 and "Ese turno se completó recién. Elija otro." in response.content.decode()
    assert rows(book) == before
    form = supplier.get(f"/retiro-de-pagos/{doc_id(book, SupplierPayment, 'OP1')}/programar/").content.decode()
    assert f'value="{slot_key(window, hour=9)}"' not in form and f'value="{slot_key(window, hour=10)}"' in form


def test_one_active_appointment_per_order_rescheduling_replaces_it(book, login):
    window = window_create(book)
    supplier = login(book, "proveedor@alfa.test")
    book_slot(supplier, book, window)
    with tenant_context(book):
        first = PickupSchedule.objects.get()

    again = book_slot(supplier, book, window, hour=11)
    assert again.status_code == 400 and "ya tiene un retiro programado" in again.content.decode()
    moved = book_slot(supplier, book, window, hour=11, replacing=str(first.pk))

    assert moved.status_code == 302
    with tenant_context(book):
        first.refresh_from_db()
        second = PickupSchedule.objects.get(status="scheduled")
        kinds = list(ErpEvent.objects.values_list("kind", "data__reason"))
    assert first.status == "cancelled" and second.code != first.code and second.slot_start.hour == 14  # 11 at -03
    assert kinds == [("pickup_scheduled", None), ("pickup_cancelled", "rescheduled"), ("pickup_scheduled", None)]


def test_the_supplier_cancels_and_can_schedule_again(book, login):
    window = window_create(book)
    supplier = login(book, "proveedor@alfa.test")
    book_slot(supplier, book, window)
    payment_id = doc_id(book, SupplierPayment, "OP1")

    response = supplier.post(f"/retiro-de-pagos/{payment_id}/retiro/cancelar/")

    assert response.status_code == 302
    with tenant_context(book):
        assert PickupSchedule.objects.get().status == "cancelled"
        cancelled = ErpEvent.objects.get(kind="pickup_cancelled")
        assert AuditEvent.objects.filter(kind="pickup_cancelled").count() == 1
    assert cancelled.data["reason"] == "cancelled" and cancelled.data["cancelled_by"] == "proveedor@alfa.test"
    assert "Programar retiro" in supplier.get("/retiro-de-pagos/").content.decode()
    assert supplier.post(f"/retiro-de-pagos/{payment_id}/retiro/cancelar/").status_code == 404  # none active


def test_an_appointment_that_has_started_cannot_be_cancelled_or_moved_that_day(book):
    schedule = schedule_today(book, hour=8)
    started = schedule.slot_start + timedelta(minutes=1)
    before = rows(book)

    with tenant_context(book):
        supplier = User.objects.get(email="proveedor@alfa.test")
        refusals = []
        for attempt in (lambda: services.pickup_cancel(schedule=schedule, by=supplier, now=started),
                        lambda: services.pickup_schedule(
                            payment=schedule.payment, slot_key=slot_key(schedule.window, hour=10),
                            person_name="Ana Pérez", person_dni="30123456", by=supplier, page_url="http://x/",
                            replacing=schedule.pk, now=started)):
            try:
                attempt()
            except PickupError as error:
                refusals.append(error.code)

    assert refusals == [PickupError.TOO_LATE, PickupError.TOO_LATE]
    assert rows(book) == before


def test_a_missed_appointment_can_be_moved_from_the_next_day(book):
    schedule = schedule_today(book, hour=8)
    next_day = schedule.slot_start + timedelta(days=1) - timedelta(hours=7)  # 01:00 the next day

    with tenant_context(book):
        moved = services.pickup_schedule(
            payment=schedule.payment, slot_key=slot_key(schedule.window, days=2, hour=10), person_name="Ana Pérez",
            person_dni="30123456", by=User.objects.get(email="proveedor@alfa.test"), page_url="http://x/",
            replacing=schedule.pk, now=next_day)
        schedule.refresh_from_db()

    assert (schedule.status, moved.status) == ("cancelled", "scheduled")


def test_strangers_and_orders_not_ready_get_404_and_nothing_changes(book, login, beta):
    window = window_create(book)
    book_slot(login(book, "proveedor@alfa.test"), book, window)
    op1, op2 = doc_id(book, SupplierPayment, "OP1"), doc_id(book, SupplierPayment, "OP2")
    before = rows(book)
    for email in ("otroprov@alfa.test", "cliente@alfa.test", "admin@alfa.test"):
        client = login(book, email)
        for path in (f"/retiro-de-pagos/{op1}/programar/", f"/retiro-de-pagos/{op1}/retiro/"):
            assert client.get(path).status_code == 404, (email, path)
        assert book_slot(client, book, window, hour=12).status_code == 404
        assert client.post(f"/retiro-de-pagos/{op1}/retiro/cancelar/").status_code == 404
    # the owner, on an order already collected (OP2), and on an id that is not a payment
    owner = login(book, "proveedor@alfa.test")
    assert owner.get(f"/retiro-de-pagos/{op2}/programar/").status_code == 404
    assert book_slot(owner, book, window, payment="OP2").status_code == 404
    assert owner.get("/retiro-de-pagos/99999999/programar/").status_code == 404
    # another portal: alfa's session means nothing on beta, and beta's admin has no such order
    assert host_client(beta).get(f"/retiro-de-pagos/{op1}/retiro/").status_code == 302
    assert admin_client(beta).get(f"/retiro-de-pagos/{op1}/retiro/").status_code == 404
    assert rows(book) == before


# --- The admin: Entregas del día -------------------------------------------------------------

def test_the_admin_marks_todays_pickup_collected_with_the_code(book):
    schedule = schedule_today(book)
    admin = admin_client(book)
    page = admin.get("/administrador/entregas/").content.decode()
    assert "Entregas del día" in page and "Ana María Pérez" in page and "30123456" in page
    assert "0001-00000101" in page and "Molinos Güemes S.A." in page and "Por retirar" in page

    typed = f" {schedule.code[:4].lower()}-{schedule.code[4:].lower()} "  # as a person may type it
    response = admin.post("/administrador/entregas/", {"code": typed}, follow=True)

    assert "Orden de pago 0001-00000101 entregada a Ana María Pérez (DNI 30123456)." in response.content.decode()
    with tenant_context(book):
        schedule.refresh_from_db()
        payment = SupplierPayment.objects.get(external_id="OP1")
        event = ErpEvent.objects.get(kind="pickup_done")
        assert AuditEvent.objects.filter(kind="pickup_done", actor__email="admin@alfa.test").count() == 1
    assert (schedule.status, schedule.closed_by.email, payment.status) == ("done", "admin@alfa.test", "picked_up")
    assert schedule.closed_at is not None
    assert (event.external_id, event.data["handed_over_by"]) == ("OP1", "admin@alfa.test")
    assert event.data["person"] == {"name": "Ana María Pérez", "dni": "30123456"}
    assert "Retirada" in admin.get("/administrador/entregas/").content.decode()


def test_a_hand_over_while_a_payments_batch_holds_its_lock_says_to_try_again(committed_db):
    # committed: in a test's own transaction the book's batches would still hold the lock
    import threading
    import time

    import psycopg
    from django.db import connection

    from tests.billing_views.conftest import committed_book

    company = committed_book("Mostrador", "mostrador", {"proveedor@mostrador.test": ("supplier", "S1")})
    schedule = schedule_today(company, email="proveedor@mostrador.test")
    admin = admin_client(company)
    db = connection.settings_dict
    before = rows(company)
    # another session holds the supplier payments' sync lock, as a long batch would
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"],
                         dbname=db["NAME"], autocommit=True) as batch:
        batch.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"{company.schema_name}:supplier-payments"])
        ends = threading.Timer(20, batch.close)  # the batch ends by itself (the lock goes with its session)
        ends.start()
        started = time.monotonic()

        response = admin.post("/administrador/entregas/", {"code": schedule.code})

        waited = time.monotonic() - started
        ends.cancel()
    assert response.status_code == 400
    assert "El ERP está actualizando las órdenes de pago en este momento. No se registró nada" in \
        response.content.decode()
    assert waited < 15  # the counter is told, not left waiting for the batch
    assert rows(company) == before
    # once the batch is over, the same code goes through
    response = admin.post("/administrador/entregas/", {"code": schedule.code}, follow=True)
    assert "Orden de pago 0001-00000101 entregada a" in response.content.decode()


def test_a_wrong_a_collected_a_cancelled_or_another_days_code_changes_nothing(book, login):
    window = window_create(book)
    collected = schedule_today(book, window=window)
    admin = admin_client(book)
    admin.post("/administrador/entregas/", {"code": collected.code})
    book_slot(login(book, "otroprov@alfa.test"), book, window, payment="OP3")  # tomorrow
    with tenant_context(book):
        tomorrow = PickupSchedule.objects.get(status="scheduled")
    cases = [("ZZZZ2222", "El código ZZZZ2222 no corresponde a ningún retiro."),
             ("", "Ingrese o escanee el código de retiro."),
             (collected.code, "La orden de pago 0001-00000101 ya fue retirada el"),
             (tomorrow.code, f"El código {tomorrow.code} es de un retiro programado para el")]
    before = rows(book)
    for code, message in cases:
        response = admin.post("/administrador/entregas/", {"code": code})
        assert response.status_code == 400 and message in response.content.decode(), code
    login(book, "otroprov@alfa.test").post(f"/retiro-de-pagos/{doc_id(book, SupplierPayment, 'OP3')}/retiro/cancelar/")
    before = rows(book)
    response = admin.post("/administrador/entregas/", {"code": tomorrow.code})
    assert "fue cancelado: no se puede entregar" in response.content.decode()
    assert rows(book) == before


def test_entregas_del_dia_is_in_the_admins_menu(book):
    menu = admin_client(book).get("/").content.decode()
    assert "Entregas del día" in menu and "/administrador/entregas/" in menu
