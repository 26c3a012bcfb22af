"""Writes of Programar retiro: pickup windows, appointments (schedule, reschedule, cancel), the
hand-over with the code in Entregas del día, and what an ERP sync of a payment's status means
for its appointment. Each writes its activity-log row and its ERP event in its transaction.

Locks: the hand-over takes the supplier payments' sync lock before anything (it stamps the
order as a sync batch does); then the payment order's row, then its appointment, then the
window's row (which serializes the bookings of that window's slots, so two suppliers never both
take a slot's last place). Every writer takes them in that order."""

import secrets
from datetime import datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import formats, timezone
from psycopg import errors

from portal_core.activity.services import Kind as Audit
from portal_core.activity.services import audit_record
from portal_core.erp.events import Kind as Event
from portal_core.erp.events import event_record
from portal_core.erp.sync.engine import resource_lock, sync_now
from portal_core.erp.sync.resources import RESOURCES
from portal_core.mail.services import email_queue
from portal_core.models import PickupSchedule, PickupWindow, SupplierPayment

from . import selectors
from .errors import PickupError
from .qr import code_table

# No 0/O, 1/I/L: read aloud over the counter or typed from a phone without doubt. 31^8 codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
HAND_OVER_LOCK_WAIT = "5s"  # a normal supplier-payments batch holds its lock well under a second
Status = PickupSchedule.Status


def code_normalize(text: str) -> str:
    """What a person or a scanner typed, as stored: capitals, without spaces or dashes."""
    return "".join(char for char in str(text).upper() if char not in " -\t\r\n")[:20]


# --- Windows (Perfil → Retiro de pagos) --------------------------------------------------

WINDOW_FIELDS = ("weekdays", "starts_at", "ends_at", "place", "slot_minutes", "capacity")


def window_save(*, window: PickupWindow | None, data: dict, by) -> PickupWindow:
    """Create a window, or change one. Appointments already given keep their slot and place."""
    with transaction.atomic():
        window = window or PickupWindow()
        for name in WINDOW_FIELDS:
            setattr(window, name, data[name])
        window.weekdays = sorted(set(window.weekdays))
        window.save()
        audit_record(kind=Audit.PICKUP_WINDOW_SAVED, actor=by, target=window.place, detail={
            "window": window.pk, "weekdays": window.weekdays, "from": f"{window.starts_at:%H:%M}",
            "to": f"{window.ends_at:%H:%M}", "slot_minutes": window.slot_minutes, "capacity": window.capacity})
    return window


def window_delete(*, window: PickupWindow, by) -> None:
    """No more slots from it; its appointments already given stay as they are."""
    with transaction.atomic():
        PickupWindow.objects.filter(pk=window.pk).update(active=False)
        audit_record(kind=Audit.PICKUP_WINDOW_DELETED, actor=by, target=window.place, detail={"window": window.pk})


# --- Appointments --------------------------------------------------------------------------

def pickup_schedule(*, payment: SupplierPayment, slot_key: str, person_name: str, person_dni: str, by,
                    page_url: str, replacing: int | None = None, now: datetime | None = None) -> PickupSchedule:
    """Book a slot for the payment order, for the named person; `replacing` is the appointment a
    reschedule replaces (which is cancelled in the same transaction). Emails the code and QR."""
    now = now or timezone.now()
    with transaction.atomic():
        payment = SupplierPayment.objects.select_for_update().select_related("supplier").get(pk=payment.pk)
        if payment.status != SupplierPayment.Status.READY:
            raise PickupError(PickupError.NOT_READY)
        current = (PickupSchedule.objects.select_for_update()
                   .filter(payment=payment, status=Status.SCHEDULED).first())
        if current is not None and current.pk != replacing:
            raise PickupError(PickupError.ALREADY_SCHEDULED)
        if current is not None:
            _changeable(current, now)
        window, slot = _slot_claim(slot_key, now=now, besides=current)
        if current is not None:
            _close(current, status=Status.CANCELLED, by=by, now=now, reason="rescheduled")
        schedule = _create(payment=payment, window=window, slot=slot, by=by, now=now,
                           person_name=person_name.strip(), person_dni=person_dni)
        event_record(kind=Event.PICKUP_SCHEDULED, resource="supplier-payments", external_id=payment.external_id,
                     data=_event_data(schedule))
        audit_record(kind=Audit.PICKUP_SCHEDULED, actor=by, target=payment.supplier.business_name,
                     detail={"payment": payment.number, "slot": _local(schedule.slot_start), "code": schedule.code})
        pickup_email(schedule, to=by.email, page_url=page_url, qr=code_table(schedule.code))
    return schedule


def _slot_claim(slot_key: str, *, now: datetime, besides: PickupSchedule | None):
    """The window (its row locked) and the slot, if the slot is on offer and has room."""
    parsed = selectors.slot_key_parse(slot_key)
    if parsed is None:
        raise PickupError(PickupError.SLOT_UNKNOWN)
    window_id, start = parsed
    window = PickupWindow.objects.select_for_update().filter(pk=window_id, active=True).first()
    first, last = selectors.bookable_range(now=now)
    slot = next((slot for slot in (selectors.window_slots(window, start.date()) if window else [])
                 if slot.start == start), None)
    if slot is None or start <= now or not first <= timezone.localdate(start) <= last:
        raise PickupError(PickupError.SLOT_UNKNOWN)
    taken = PickupSchedule.objects.filter(window=window, slot_start=start, status__in=selectors.TAKEN)
    if besides is not None:
        taken = taken.exclude(pk=besides.pk)
    if taken.count() >= window.capacity:
        raise PickupError(PickupError.SLOT_FULL)
    return window, slot


def _create(*, payment, window, slot, by, now, person_name, person_dni) -> PickupSchedule:
    fields = {"payment": payment, "window": window, "slot_start": slot.start, "slot_end": slot.end,
              "place": slot.place, "person_name": person_name, "person_dni": person_dni,
              "scheduled_by": by, "created_at": now}
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a code already taken only costs another draw
                return PickupSchedule.objects.create(code=_new_code(), **fields)
        except IntegrityError as error:
            if not getattr(getattr(error.__cause__, "diag", None), "constraint_name", "").endswith("_code_key"):
                raise
    raise RuntimeError("no free pickup code after 5 draws")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _changeable(schedule: PickupSchedule, now: datetime) -> None:
    """From the slot's start to the end of its day the appointment is fixed (the person may be at
    the counter); a missed one can be changed again from the next day."""
    if schedule.slot_start <= now and timezone.localdate(schedule.slot_start) == timezone.localdate(now):
        raise PickupError(PickupError.TOO_LATE)


def pickup_cancel(*, schedule: PickupSchedule, by, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        SupplierPayment.objects.select_for_update().filter(pk=schedule.payment_id).first()
        schedule = PickupSchedule.objects.select_for_update().select_related("payment__supplier").get(pk=schedule.pk)
        if schedule.status != Status.SCHEDULED:
            raise PickupError(PickupError.SLOT_UNKNOWN)
        _changeable(schedule, now)
        _close(schedule, status=Status.CANCELLED, by=by, now=now, reason="cancelled")


def _close(schedule: PickupSchedule, *, status: str, by, now: datetime, reason: str) -> None:
    """Cancel an appointment (the supplier cancelled or rescheduled it), with its event and log row."""
    schedule.status, schedule.closed_at, schedule.closed_by = status, now, by
    schedule.save(update_fields=["status", "closed_at", "closed_by"])
    payment = schedule.payment
    event_record(kind=Event.PICKUP_CANCELLED, resource="supplier-payments", external_id=payment.external_id,
                 data={**_event_data(schedule), "reason": reason, "cancelled_by": by.email})
    audit_record(kind=Audit.PICKUP_CANCELLED, actor=by, target=payment.supplier.business_name,
                 detail={"payment": payment.number, "slot": _local(schedule.slot_start), "reason": reason})


# --- Entregas del día ------------------------------------------------------------------------

def pickup_hand_over(*, code: str, by, now: datetime | None = None) -> PickupSchedule:
    """The admin entered (or scanned) the code of today's appointment: the order is collected.
    A wrong code, another day's, a cancelled or collected one: refused, nothing changes."""
    now, code = now or timezone.now(), code_normalize(code)
    found = PickupSchedule.objects.filter(code=code).values_list("payment_id", flat=True).first()
    if found is None:
        raise PickupError(PickupError.CODE_UNKNOWN, pickup_code=code)
    try:
        with transaction.atomic():
            # The order's new status is a change the ERP's read-back follows (by synced_at): stamped
            # as a batch stamps its rows, under the resource's lock, taken first as batches take it.
            # The person waits at the counter: a batch that holds the lock too long is said so.
            _lock_wait_at_most(HAND_OVER_LOCK_WAIT)
            resource_lock(RESOURCES["supplier-payments"])
            payment = SupplierPayment.objects.select_for_update().select_related("supplier").get(pk=found)
            schedule = PickupSchedule.objects.select_for_update().get(code=code)
            _hand_over_check(schedule, payment, now)
            schedule.status, schedule.closed_at, schedule.closed_by = Status.DONE, now, by
            schedule.save(update_fields=["status", "closed_at", "closed_by"])
            payment.status = SupplierPayment.Status.PICKED_UP
            SupplierPayment.objects.filter(pk=payment.pk).update(status=payment.status, synced_at=sync_now())
            event_record(kind=Event.PICKUP_DONE, resource="supplier-payments", external_id=payment.external_id,
                         data={**_event_data(schedule), "handed_over_by": by.email, "done_at": now.isoformat()})
            audit_record(kind=Audit.PICKUP_DONE, actor=by, target=payment.supplier.business_name, detail={
                "payment": payment.number, "code": code, "person": schedule.person_name,
                "dni": schedule.person_dni})
    except OperationalError as error:
        if not isinstance(error.__cause__, errors.LockNotAvailable):
            raise
        raise PickupError(PickupError.SYNC_BUSY) from error
    return schedule


def _lock_wait_at_most(wait: str) -> None:
    """For the rest of the transaction, a lock not had within `wait` raises LockNotAvailable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [wait])


def _hand_over_check(schedule: PickupSchedule, payment: SupplierPayment, now: datetime) -> None:
    if schedule.status == Status.CANCELLED:
        raise PickupError(PickupError.CODE_CANCELLED, pickup_code=schedule.code)
    if schedule.status == Status.DONE:
        raise PickupError(PickupError.CODE_DONE, number=payment.number, when=_shown(schedule.closed_at))
    if payment.status != SupplierPayment.Status.READY:
        raise PickupError(PickupError.PAYMENT_COLLECTED, number=payment.number)
    if timezone.localdate(schedule.slot_start) != timezone.localdate(now):
        raise PickupError(PickupError.CODE_OTHER_DAY, pickup_code=schedule.code,
                          day=formats.date_format(timezone.localdate(schedule.slot_start), "d/m/Y"))


# --- Shared -----------------------------------------------------------------------------------

def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _shown(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def _event_data(schedule: PickupSchedule) -> dict:
    """What the ERP learns: the order, the slot and place, and who collects. The DNI goes too: the
    ERP is the company's own system, and its receipt for the payment needs who took it."""
    return {"payment_number": schedule.payment.number, "slot_start": _local(schedule.slot_start),
            "slot_end": _local(schedule.slot_end), "place": schedule.place,
            "person": {"name": schedule.person_name, "dni": schedule.person_dni}}


def pickup_email(schedule: PickupSchedule, *, to: str, page_url: str, template: str = "pickup_scheduled",
                 **context) -> None:
    """An email about the appointment (its kind is its template): the order, the slot in local
    time, the place and code, and the Retiro page's link."""
    email_queue(to=to, kind=template, template=template, context={
        "schedule": schedule, "payment": schedule.payment, "url": page_url,
        "slot_start": timezone.localtime(schedule.slot_start), "slot_end": timezone.localtime(schedule.slot_end),
        **context})
