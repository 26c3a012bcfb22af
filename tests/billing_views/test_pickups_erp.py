"""Programar retiro and the ERP: the sync marking an order collected closes its appointment; a
stale "ready" does not undo a collection done in the portal until the ERP has confirmed it; and
two suppliers racing for a slot's last place never both get it (committed, in two threads)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.accounts.services import party_account_create
from portal_core.erp.services import api_key_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    AccountLink,
    AuditEvent,
    ErpEvent,
    OutboxMessage,
    PickupSchedule,
    Supplier,
    SupplierPayment,
)
from portal_core.pickups import services
from portal_core.pickups.errors import PickupError
from provisioning.services import portal_create
from tests.billing_views.conftest import BOOK
from tests.billing_views.pickups_helpers import schedule_today, slot_key, start_of_today, window_create
from tests.conftest import PASSWORD
from tests.portal_core.erp.api.conftest import ApiClient

OP1 = next(row for row in BOOK["supplier-payments"] if row["external_id"] == "OP1")


def sync_op1(company, **changes):
    with tenant_context(company):
        return batch_upsert(resource="supplier-payments", items=[{**OP1, **changes}])


def test_the_erp_marking_the_order_picked_up_closes_its_appointment(book):
    schedule = schedule_today(book)

    sync_op1(book, status="picked_up")

    with tenant_context(book):
        schedule.refresh_from_db()
        assert (schedule.status, schedule.closed_by_erp, schedule.closed_by) == ("done", True, None)
        assert SupplierPayment.objects.get(external_id="OP1").status == "picked_up"
        assert AuditEvent.objects.filter(kind="pickup_done", detail__by="erp").count() == 1
        # the ERP told us: no PICKUP_DONE goes back to it
        assert list(ErpEvent.objects.values_list("kind", flat=True)) == ["pickup_scheduled"]


def test_a_stale_ready_from_the_erp_does_not_undo_a_collection_done_in_the_portal(book):
    schedule = schedule_today(book)
    with tenant_context(book):
        admin = User.objects.get(email="admin@alfa.test")
        services.pickup_hand_over(code=schedule.code, by=admin)

    unchanged = sync_op1(book)  # the same row as before: not even written
    resent = sync_op1(book, method="Transferencia bancaria")  # the old status in a changed row

    assert (unchanged.unchanged, resent.updated) == (1, 1)
    with tenant_context(book):
        payment = SupplierPayment.objects.get(external_id="OP1")
        assert (payment.status, payment.method) == ("picked_up", "Transferencia bancaria")
        assert AuditEvent.objects.filter(kind="pickup_kept", detail__external_id="OP1").count() == 1


def test_once_the_erp_confirmed_the_collection_its_later_ready_reopens_the_order(book):
    schedule = schedule_today(book)
    with tenant_context(book):
        services.pickup_hand_over(code=schedule.code, by=User.objects.get(email="admin@alfa.test"))

    sync_op1(book, status="picked_up")  # the ERP read PICKUP_DONE and recorded it
    sync_op1(book, status="ready")      # then decided to reopen the order

    with tenant_context(book):
        schedule.refresh_from_db()
        assert (schedule.status, schedule.erp_confirmed) == ("done", True)
        assert SupplierPayment.objects.get(external_id="OP1").status == "ready"
        assert not AuditEvent.objects.filter(kind="pickup_kept").exists()


def test_an_order_the_erp_collected_cannot_be_handed_over_again(book):
    schedule = schedule_today(book)
    sync_op1(book, status="picked_up")

    with tenant_context(book):
        try:
            services.pickup_hand_over(code=schedule.code, by=User.objects.get(email="admin@alfa.test"))
        except PickupError as error:
            refused = error.code
    assert refused == PickupError.CODE_DONE


def erp_delete_op1(company):
    """OP1 deleted as the ERP does it: through the API, with the portal's key."""
    with tenant_context(company):
        _, secret = api_key_create(name="ERP")
    return ApiClient(company, secret).client.delete("/api/v1/supplier-payments/OP1/")


def test_the_erp_deleting_an_order_with_an_appointment_tells_whoever_booked_it(book, login):
    # given: the supplier booked a pickup of OP1 and has the Retiro page open
    window = window_create(book)
    with tenant_context(book):
        schedule = services.pickup_schedule(
            payment=SupplierPayment.objects.get(external_id="OP1"), slot_key=slot_key(window, days=1),
            person_name="Ana María Pérez", person_dni="30123456",
            by=User.objects.get(email="proveedor@alfa.test"), page_url="http://alfa/retiro/")
    supplier = login(book, "proveedor@alfa.test")
    assert "0001-00000101" in supplier.get("/retiro-de-pagos/").content.decode()

    # when: the ERP deletes the order (annulled)
    response = erp_delete_op1(book)

    # then: the order and its appointment are gone, the log says why, and the booker is told
    assert response.status_code == 200, response.content
    with tenant_context(book):
        assert not PickupSchedule.objects.filter(code=schedule.code).exists()
        logged = AuditEvent.objects.get(kind="pickup_cancelled")
        assert (logged.detail["reason"], logged.detail["payment"], logged.actor) == ("payment_deleted", "0001-00000101",
                                                                                     None)
        mail = OutboxMessage.objects.get(kind="pickup_cancelled")
    assert mail.to == "proveedor@alfa.test"
    assert mail.subject == "Retiro cancelado: la orden de pago 0001-00000101 fue anulada"
    assert "no se presente a retirarla" in mail.body_text and schedule.code in mail.body_text
    assert "/retiro-de-pagos/" in mail.body_html
    assert "0001-00000101" not in supplier.get("/retiro-de-pagos/").content.decode()


def test_the_erp_deleting_an_order_already_collected_emails_nobody(book):
    schedule = schedule_today(book)
    with tenant_context(book):
        services.pickup_hand_over(code=schedule.code, by=User.objects.get(email="admin@alfa.test"))

    assert erp_delete_op1(book).status_code == 200

    with tenant_context(book):
        assert not OutboxMessage.objects.filter(kind="pickup_cancelled").exists()
        assert not AuditEvent.objects.filter(kind="pickup_cancelled").exists()
        assert AuditEvent.objects.filter(kind="pickup_done").count() == 1  # the collection stays on record


def test_a_hand_over_reaches_the_erps_read_back_after_its_cursor(book):
    with tenant_context(book):
        _, secret = api_key_create(name="ERP")
    erp = ApiClient(book, secret)
    schedule = schedule_today(book)
    resume = erp.get("/api/v1/supplier-payments/").json()["resume"]

    with tenant_context(book):
        services.pickup_hand_over(code=schedule.code, by=User.objects.get(email="admin@alfa.test"))

    page = erp.get(f"/api/v1/supplier-payments/?cursor={resume}").json()
    assert [(row["external_id"], row["status"]) for row in page["items"]] == [("OP1", "picked_up")]


def _booked(company, email, *, days=1, now=None):
    window = window_create(company)
    with tenant_context(company):
        return services.pickup_schedule(
            payment=SupplierPayment.objects.get(external_id="OP1"), slot_key=slot_key(window, days=days),
            person_name="Ana María Pérez", person_dni="30123456", by=User.objects.get(email=email),
            page_url="http://alfa/retiro/", now=now)


@pytest.mark.parametrize("afterwards", ["permission taken away", "account deactivated"])
def test_a_booker_who_no_longer_sees_retiro_de_pagos_is_not_emailed(book, afterwards):
    with tenant_context(book):
        colleague = party_account_create(email="colega@alfa.test", password=PASSWORD,
                                         supplier=Supplier.objects.get(external_id="S1"))
        AccountLink.objects.filter(user=colleague).update(role=AccountLink.Role.COLLEAGUE, permissions=["payments"])
    _booked(book, "colega@alfa.test")
    with tenant_context(book):
        if afterwards == "permission taken away":
            AccountLink.objects.filter(user=colleague).update(permissions=[])
        else:
            User.objects.filter(pk=colleague.pk).update(is_active=False)

    assert erp_delete_op1(book).status_code == 200

    with tenant_context(book):
        assert AuditEvent.objects.filter(kind="pickup_cancelled", detail__reason="payment_deleted").count() == 1
        assert not OutboxMessage.objects.filter(kind="pickup_cancelled").exists()


def test_a_missed_appointment_is_logged_but_nobody_is_told_not_to_come(book):
    _booked(book, "proveedor@alfa.test", days=-1, now=start_of_today() - timedelta(days=2))

    assert erp_delete_op1(book).status_code == 200

    with tenant_context(book):
        assert AuditEvent.objects.filter(kind="pickup_cancelled", detail__reason="payment_deleted").count() == 1
        assert not OutboxMessage.objects.filter(kind="pickup_cancelled").exists()


def test_codes_are_short_unambiguous_and_unique(book):
    window = window_create(book, capacity=100)
    with tenant_context(book):
        supplier = User.objects.get(email="proveedor@alfa.test")
        codes = set()
        for hour in range(8, 18):
            payment = SupplierPayment.objects.get(external_id="OP1")
            current = PickupSchedule.objects.filter(status="scheduled").first()
            codes.add(services.pickup_schedule(
                payment=payment, slot_key=slot_key(window, hour=hour), person_name="Ana Pérez",
                person_dni="30123456", by=supplier, page_url="http://x/", replacing=current and current.pk).code)
    assert len(codes) == 10
    assert all(len(code) == 8 and set(code) <= set(services.CODE_ALPHABET) for code in codes)
    assert not set("01IOL") & set(services.CODE_ALPHABET)


def test_two_suppliers_racing_for_a_slots_last_place_never_both_get_it(committed_db):
    company = portal_create(name="Retiros Carrera", email="admin@carrera.test", password=PASSWORD)
    with tenant_context(company):
        batch_upsert(resource="suppliers", items=[{"external_id": f"S{n}", "business_name": f"Proveedor {n}"}
                                                  for n in (1, 2)])
        batch_upsert(resource="supplier-payments", items=[
            {"external_id": f"OP{n}", "supplier": f"S{n}", "number": f"0001-{n}", "date": "2026-11-30",
             "amount": "100.00", "method": "Cheque"} for n in (1, 2)])
        accounts = [party_account_create(email=f"p{n}@carrera.test", password=PASSWORD,
                                         supplier=Supplier.objects.get(external_id=f"S{n}")) for n in (1, 2)]
    window = window_create(company, capacity=1)
    start, outcomes = threading.Barrier(2), []

    def book(n):
        try:
            with tenant_context(company):
                payment = SupplierPayment.objects.get(external_id=f"OP{n}")
                start.wait()
                services.pickup_schedule(payment=payment, slot_key=slot_key(window, hour=10), person_name="Ana Pérez",
                                         person_dni="30123456", by=accounts[n - 1], page_url="http://x/")
            outcomes.append("ok")
        except PickupError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", PickupError.SLOT_FULL]
    with tenant_context(company):
        assert PickupSchedule.objects.filter(status="scheduled").count() == 1
        assert ErpEvent.objects.filter(kind="pickup_scheduled").count() == 1
