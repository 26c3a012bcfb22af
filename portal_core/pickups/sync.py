"""What an ERP batch of supplier payments means for their appointments (the `after` follow-up of
the "supplier-payments" sync resource, run in the batch's transaction on the rows it wrote).

- The ERP sends `picked_up`: the order was collected (at its own counter, or it records the
  portal's collection). An active appointment closes as collected by the ERP; a collection done
  in the portal is marked as confirmed by the ERP.
- The ERP sends `ready` for an order collected in the portal that it has not confirmed yet: the
  portal keeps it *Retirada*. A person signed for that payment at the company's counter; an ERP
  that has not read the PICKUP_DONE event yet is resending its old state, and undoing the
  collection would offer a paid order for pickup again. The activity log says the sync was
  overruled. Once the ERP has confirmed (sent `picked_up`), a later `ready` is its deliberate
  decision (the order was reopened) and stands.

An unchanged row is not written by the sync at all, so resending the same old `ready` row never
even reaches here.

- The ERP deletes the order (it was annulled): its appointment goes with it, and whoever booked
  one still to come is told by email that it no longer stands, so nobody travels to the counter
  for a payment that is not there (`payments_deleted`, before the delete, in its transaction)."""

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal_core.activity.services import Kind as Audit
from portal_core.activity.services import audit_record
from portal_core.models import AccountLink, PickupSchedule, SupplierPayment
from tenants.hosts import portal_origin

Status = PickupSchedule.Status


def payments_pickups_follow(*, rows, indexes, changed) -> None:
    status_of = {row.external_id: row.status for row in rows}
    collected = [pk for external_id, pk in changed.items() if status_of[external_id] == "picked_up"]
    ready = [pk for external_id, pk in changed.items() if status_of[external_id] == "ready"]
    if collected:
        _collected_by_erp(collected)
    if ready:
        _keep_portal_collections(ready)


def _collected_by_erp(payment_ids: list[int]) -> None:
    now = timezone.now()
    PickupSchedule.objects.filter(payment_id__in=payment_ids, status=Status.DONE, closed_by_erp=False).update(
        erp_confirmed=True)
    for schedule in PickupSchedule.objects.filter(payment_id__in=payment_ids, status=Status.SCHEDULED).select_related(
            "payment__supplier"):
        schedule.status, schedule.closed_at, schedule.closed_by_erp = Status.DONE, now, True
        schedule.save(update_fields=["status", "closed_at", "closed_by_erp"])
        audit_record(kind=Audit.PICKUP_DONE, target=schedule.payment.supplier.business_name,
                     detail={"payment": schedule.payment.number, "code": schedule.code, "by": "erp"})


def _keep_portal_collections(payment_ids: list[int]) -> None:
    kept = SupplierPayment.objects.filter(
        pk__in=payment_ids, pickups__status=Status.DONE, pickups__closed_by_erp=False,
        pickups__erp_confirmed=False).select_related("supplier").distinct()
    for payment in kept:
        payment.status = SupplierPayment.Status.PICKED_UP
        payment.save(update_fields=["status"])
        audit_record(kind=Audit.PICKUP_KEPT, target=payment.supplier.business_name,
                     detail={"payment": payment.number, "external_id": payment.external_id,
                             "erp_status": "ready", "kept": "picked_up"})


def payments_deleted(payment_ids: list[int]) -> None:
    """The ERP is deleting these payment orders: each active appointment is logged as cancelled,
    and whoever booked one still to come is emailed, if it still sees Retiro de pagos for that
    supplier (an account deactivated, or a colleague whose titular took the permission away, is
    not). The rows themselves go with the order (the log keeps the record)."""
    from .services import pickup_email  # services uses the sync engine, which loads this module

    page_url = portal_origin(connection.tenant) + reverse("supplier_payments")
    now = timezone.now()
    for schedule in PickupSchedule.objects.filter(payment_id__in=payment_ids, status=Status.SCHEDULED).select_related(
            "payment__supplier", "scheduled_by"):
        payment = schedule.payment
        audit_record(kind=Audit.PICKUP_CANCELLED, target=payment.supplier.business_name, detail={
            "payment": payment.number, "slot": timezone.localtime(schedule.slot_start).isoformat(),
            "reason": "payment_deleted", "by": "erp"})
        if schedule.slot_end > now and _sees_payments(schedule.scheduled_by, payment.supplier_id):
            pickup_email(schedule, to=schedule.scheduled_by.email, page_url=page_url, template="pickup_cancelled")


def _sees_payments(user, supplier_id: int) -> bool:
    if user is None or not user.is_active:
        return False
    link = AccountLink.objects.filter(user=user, supplier_id=supplier_id).first()
    return link is not None and AccountLink.Permission.PAYMENTS in link.effective_permissions
