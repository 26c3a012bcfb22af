"""Reads of Programar retiro: the slots on offer, a payment's appointment, the day's pickups."""

import functools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from portal_core.models import PickupSchedule, PickupWindow, Supplier, SupplierPayment

DAYS_AHEAD = 14  # how far ahead a supplier may book (today included)
TAKEN = (PickupSchedule.Status.SCHEDULED, PickupSchedule.Status.DONE)
_SLOT_KEY = re.compile(r"^(\d{1,9})-(\d{12})$")


@dataclass(frozen=True)
class Slot:
    window_id: int
    start: datetime
    end: datetime
    place: str
    capacity: int
    taken: int = 0

    @property
    def key(self) -> str:
        """How a form names the slot: the window and the local start, `12-202612051430`."""
        return f"{self.window_id}-{timezone.localtime(self.start):%Y%m%d%H%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def slot_key_parse(key: str) -> tuple[int, datetime] | None:
    """(window id, aware start) of a slot key, or None when it is not one."""
    match = _SLOT_KEY.match(key or "")
    if not match:
        return None
    try:
        start = datetime.strptime(match.group(2), "%Y%m%d%H%M")
    except ValueError:
        return None
    return int(match.group(1)), timezone.make_aware(start)


def window_slots(window: PickupWindow, day: date) -> list[Slot]:
    """The window's slots on `day` (none when it does not open that weekday)."""
    if day.weekday() not in window.weekdays:
        return []
    start = timezone.make_aware(datetime.combine(day, window.starts_at))
    end_of_window = timezone.make_aware(datetime.combine(day, window.ends_at))
    step, slots = timedelta(minutes=window.slot_minutes), []
    while start + step <= end_of_window:
        slots.append(Slot(window.id, start, start + step, window.place, window.capacity))
        start += step
    return slots


def bookable_range(*, now: datetime) -> tuple[date, date]:
    today = timezone.localdate(now)
    return today, today + timedelta(days=DAYS_AHEAD - 1)


def slots_available(*, now: datetime) -> list[tuple[date, list[Slot]]]:
    """Each day from today on (DAYS_AHEAD of them) with its slots that have not started and have
    room left, in order. Only days with at least one such slot."""
    first, last = bookable_range(now=now)
    windows = list(windows_active())
    taken = Counter(
        PickupSchedule.objects.filter(status__in=TAKEN, slot_start__gt=now,
                                      slot_start__date__lte=last).values_list("window_id", "slot_start"))
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        slots = sorted(
            (Slot(s.window_id, s.start, s.end, s.place, s.capacity, taken[(s.window_id, s.start)])
             for window in windows for s in window_slots(window, day) if s.start > now),
            key=lambda slot: (slot.start, slot.place))
        slots = [slot for slot in slots if slot.free]
        if slots:
            days.append((day, slots))
    return days


def windows_active() -> QuerySet[PickupWindow]:
    return PickupWindow.objects.filter(active=True)


def access_window(*, window_id: int) -> PickupWindow | None:
    return windows_active().filter(pk=window_id).first()


def access_payment(*, supplier: Supplier, payment_id: int) -> SupplierPayment | None:
    """The supplier's own payment order; None for one that is absent or another's."""
    return SupplierPayment.objects.filter(supplier=supplier, pk=payment_id).first()


def pickup_active(*, payment: SupplierPayment) -> PickupSchedule | None:
    return payment.pickups.filter(status=PickupSchedule.Status.SCHEDULED).first()


def pickups_version(*, supplier: Supplier) -> str:
    """Changes whenever Retiro de pagos would show the supplier's appointments differently: one
    is booked (count and highest id), one is cancelled or collected (`closed_at` is set once
    and for all; a reschedule is both), or the portal starts or stops offering pickups (an
    active window). The payment orders themselves are in the supplier's data version."""
    with connection.cursor() as cursor:
        cursor.execute(_pickups_version_sql(), [supplier.id])
        return ":".join(str(value) for value in cursor.fetchone())


@functools.cache
def _pickups_version_sql() -> str:
    """Written out: the page that reads it is served whole when it has not changed
    (portal_core.web.kept_pages), and the ORM's building of it cost about as much."""
    return (f"SELECT count(p.id), max(p.id), count(p.closed_at),"
            f" EXISTS (SELECT 1 FROM {PickupWindow._meta.db_table} w WHERE w.active)"
            f" FROM {PickupSchedule._meta.db_table} p JOIN {SupplierPayment._meta.db_table} o ON o.id = p.payment_id"
            " WHERE o.supplier_id = %s")


def pickups_by_payment(*, payment_ids: list[int]) -> dict[int, PickupSchedule]:
    """The active (or, failing that, collected) appointment of each of these payment orders."""
    found = {}
    for schedule in (PickupSchedule.objects.filter(payment_id__in=payment_ids, status__in=TAKEN)
                     .order_by("status", "-slot_start")):  # "done" < "scheduled": the active one wins
        found[schedule.payment_id] = schedule
    return found


def day_pickups(*, day: date) -> list[tuple[datetime, list[PickupSchedule]]]:
    """Entregas del día: the day's appointments (not the cancelled ones) grouped by slot start."""
    schedules = (PickupSchedule.objects.filter(slot_start__date=day, status__in=TAKEN)
                 .select_related("payment__supplier", "closed_by").order_by("slot_start", "place", "id"))
    grouped: dict[datetime, list[PickupSchedule]] = {}
    for schedule in schedules:
        grouped.setdefault(schedule.slot_start, []).append(schedule)
    return list(grouped.items())
