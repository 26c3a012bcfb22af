"""Programar retiro (suppliers) and the admin's side: the pickup windows (from Perfil) and
*Entregas del día*. Thin views over portal_core.pickups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal_core.pickups import selectors, services
from portal_core.pickups.errors import PickupError
from portal_core.pickups.forms import HandOverForm, ScheduleForm, WindowForm
from portal_core.pickups.qr import code_svg
from portal_core.web.decorators import portal_admin_required
from portal_core.web.menu import menu_for

from .access import require_supplier

Ready = selectors.SupplierPayment.Status.READY


def _render(request, template, url_name, status=200, **context):
    return render(request, f"billing_views/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


def _own_payment(request, payment_id: int):
    supplier = require_supplier(request, "supplier_payments")
    payment = selectors.access_payment(supplier=supplier, payment_id=payment_id)
    if payment is None:
        raise Http404
    return payment


# --- Suppliers ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def pickup_schedule(request, payment_id: int):
    """Programar retiro (or reprogramar): a free slot and who collects."""
    payment = _own_payment(request, payment_id)
    if payment.status != Ready:
        raise Http404
    current = selectors.pickup_active(payment=payment)
    form = ScheduleForm(request.POST or None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pickup_schedule(
                payment=payment, slot_key=data["slot"], person_name=data["person_name"],
                person_dni=data["person_dni"], by=request.user, replacing=data["replacing"],
                page_url=request.build_absolute_uri(reverse("pickup_detail", args=[payment.pk])))
        except PickupError as error:
            form.add_error("person_dni" if error.code == PickupError.NOT_READY else "slot", error.as_form_error())
        else:
            messages.success(request, _("Retiro programado. Le enviamos el código por email."))
            return redirect("pickup_detail", payment_id=payment.pk)
    return _render(request, "pickup_schedule.html", "supplier_payments", status=400 if form.errors else 200,
                   payment=payment, current=current, form=form, days=selectors.slots_available(now=timezone.now()),
                   chosen=form.data.get("slot", "") if form.is_bound else "")


def _initial(current) -> dict:
    if current is None:
        return {}
    return {"person_name": current.person_name, "person_dni": current.person_dni, "replacing": current.pk}


@login_required
@require_GET
@never_cache
def pickup_detail(request, payment_id: int):
    """The appointment: slot, place, who collects, the code and its QR; or the collection."""
    payment = _own_payment(request, payment_id)
    schedule = selectors.pickups_by_payment(payment_ids=[payment.pk]).get(payment.pk)
    if schedule is None:
        raise Http404
    return _render(request, "pickup_detail.html", "supplier_payments", payment=payment, schedule=schedule,
                   qr=code_svg(schedule.code, label=_("Código QR del retiro %(code)s") % {"code": schedule.code})
                   if schedule.status == schedule.Status.SCHEDULED else None)


@login_required
@require_POST
def pickup_cancel(request, payment_id: int):
    payment = _own_payment(request, payment_id)
    current = selectors.pickup_active(payment=payment)
    if current is None:
        raise Http404
    try:
        services.pickup_cancel(schedule=current, by=request.user)
    except PickupError as error:
        messages.error(request, error.message)
        return redirect("pickup_detail", payment_id=payment.pk)
    messages.success(request, _("Retiro cancelado. Puede programar otro cuando quiera."))
    return redirect("supplier_payments")


# --- The portal's admins ---------------------------------------------------------------------


@portal_admin_required
@require_http_methods(["GET", "POST"])
@never_cache
def pickup_windows(request, window_id: int | None = None):
    """Perfil → Retiro de pagos: the windows, and the form of a new one (or of the one edited)."""
    window = None
    if window_id is not None:
        window = selectors.access_window(window_id=window_id)
        if window is None:
            raise Http404
    initial = {name: getattr(window, name) for name in services.WINDOW_FIELDS} if window else None
    form = WindowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.window_save(window=window, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Ventana de retiro guardada."))
        return redirect("pickup_windows")
    return _render(request, "admin/pickup_windows.html", "profile", status=400 if form.errors else 200,
                   form=form, window=window, windows=selectors.windows_active())


@portal_admin_required
@require_POST
def pickup_window_delete(request, window_id: int):
    window = selectors.access_window(window_id=window_id)
    if window is None:
        raise Http404
    services.window_delete(window=window, by=request.user)
    messages.success(request, _("Ventana eliminada. Los retiros ya programados en ella se mantienen."))
    return redirect("pickup_windows")


@portal_admin_required
@require_http_methods(["GET", "POST"])
@never_cache
def pickup_deliveries(request):
    """Entregas del día: today's appointments by slot, and the code field (typed or scanned)."""
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.pickup_hand_over(code=form.cleaned_data["code"], by=request.user)
        except PickupError as error:
            form.add_error("code", error.as_form_error())
        else:
            messages.success(request, _("Orden de pago %(number)s entregada a %(name)s (DNI %(dni)s).") % {
                "number": schedule.payment.number, "name": schedule.person_name, "dni": schedule.person_dni})
            return redirect("pickup_deliveries")
    today = timezone.localdate()
    return _render(request, "admin/pickup_deliveries.html", "pickup_deliveries", status=400 if form.errors else 200,
                   form=HandOverForm() if not form.errors else form, today=today,
                   slots=selectors.day_pickups(day=today))
