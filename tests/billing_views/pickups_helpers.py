"""Pickup windows and appointments for the Programar retiro tests."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.models import PickupWindow, SupplierPayment
from portal_core.pickups import services

PLACE = "Av. Corrientes 1234, Caja 2"


def window_create(company, *, capacity=2, weekdays=tuple(range(7)), place=PLACE) -> PickupWindow:
    """Every day (unless told), 08:00 to 18:00 in slots of 30 minutes."""
    with tenant_context(company):
        return PickupWindow.objects.create(weekdays=list(weekdays), starts_at=time(8), ends_at=time(18), place=place,
                                           slot_minutes=30, capacity=capacity)


def slot_key(window, *, days=1, hour=9, minute=0) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{window.pk}-{day:%Y%m%d}{hour:02d}{minute:02d}"


def start_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(0)))


def schedule_today(company, *, payment_external_id="OP1", email="proveedor@alfa.test", window=None, hour=9):
    """An appointment for today (booked at midnight, as if the day before), through the service."""
    window = window or window_create(company)
    with tenant_context(company):
        return services.pickup_schedule(
            payment=SupplierPayment.objects.get(external_id=payment_external_id),
            slot_key=slot_key(window, days=0, hour=hour), person_name="Ana María Pérez", person_dni="30123456",
            by=User.objects.get(email=email), page_url="http://alfa/retiro/", now=start_of_today())


def book_slot(client, company, window, *, payment="OP1", days=1, hour=9, **extra):
    """The supplier's booking through Programar retiro's form."""
    with tenant_context(company):
        payment_id = SupplierPayment.objects.get(external_id=payment).pk
    return client.post(f"/retiro-de-pagos/{payment_id}/programar/", {
        "slot": slot_key(window, days=days, hour=hour), "person_name": "Ana María Pérez",
        "person_dni": "30.123.456", **extra})
