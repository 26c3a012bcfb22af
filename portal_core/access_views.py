"""The portal admin's access pages: Activaciones (requests, invitations, accounts, sharing the
portal), Envío de email and Empresa."""

import json
import smtplib
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tenants.crypto import SecretUnreadable
from tenants.images import ImageRejected, image_rejected_message, png_response
from tenants.mail import email_settings_for, smtp_failure_message

from . import access, outbox, selectors, services
from .access import AccessError
from .cuit import cuit_format
from .decorators import portal_admin_required
from .exports import csv_response, safe_text
from .forms import ActivityFilterForm, CompanyForm, EmailSettingsForm, TestEmailForm
from .menu import menu_for
from .models import InvitationBatch, OutboxMessage
from .ratelimit import rate_limited
from .views import base_url

PAGE_SIZE = 50
LOAD_KINDS = {"clientes": {selectors.CUSTOMERS}, "proveedores": {selectors.SUPPLIERS},
              "ambos": {selectors.CUSTOMERS, selectors.SUPPLIERS}}


def _render(request, template, url_name, status=200, **context):
    return render(request, f"portal_core/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


def _access_error(request, error: AccessError) -> None:
    """Show an AccessError; the one about email links to the page that fixes it."""
    messages.error(request, error.message, extra_tags="email-missing" if
                   error.code == AccessError.EMAIL_NOT_CONFIGURED else "")


@portal_admin_required
def activations(request):
    """Activaciones: requests (P), invitations (I) and accounts (C), filterable, and the links
    to share the portal."""
    kind = request.GET.get("tipo", "")
    kind = kind if kind in selectors.ACTIVATION_KINDS else ""
    status = request.GET.get("estado", "")
    status = status if status in selectors.ACTIVATION_STATUSES else ""
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    rows = selectors.activation_rows(kind=kind, status=status, query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    register_url = request.build_absolute_uri(reverse("register"))
    share_text = _("Ingrese al portal de clientes y proveedores de %(company)s y regístrese: %(url)s") % {
        "company": connection.tenant.display_name, "url": register_url}
    return _render(request, "activations.html", "activations", page=page, kind=kind, status_filter=status, query=query,
                   kinds=selectors.ACTIVATION_KINDS, statuses=selectors.ACTIVATION_STATUSES, register_url=register_url,
                   whatsapp_url=f"https://wa.me/?text={quote(share_text)}",
                   email_configured=outbox.company_email_configured())


@portal_admin_required
def activation_parties(request):
    """The linking dialog's search: customers and suppliers by razón social or CUIT (JSON)."""
    found = selectors.party_search(query=request.GET.get("q", "").replace("\x00", "")[:100])
    return JsonResponse({"results": found})


@portal_admin_required
def registration_link(request, registration_id: int):
    """The linking dialog of a request: who asked and the parties whose CUIT or email match (JSON)."""
    registration = selectors.registration_pending(registration_id=registration_id)
    return JsonResponse({
        "email": registration.email, "full_name": registration.full_name,
        "tax_id": cuit_format(registration.tax_id), "message": registration.message,
        "suggestions": selectors.party_suggestions(registration=registration),
    })


@portal_admin_required
@require_POST
def registration_approve(request, registration_id: int):
    selectors.access_registration(registration_id=registration_id)
    party = access.party_for_choice(request.POST.get("party", ""))
    try:
        user = access.registration_approve(registration_id=registration_id, party=party, by=request.user,
                                           acknowledged=request.POST.get("verificado") == "1",
                                           base_url=base_url(request))
    except AccessError as error:
        _access_error(request, error)
    else:
        messages.success(request, _("%(email)s ya puede ingresar: le avisamos por email.") % {"email": user.email})
    return redirect("activations")


@portal_admin_required
@require_POST
def registration_reject(request, registration_id: int):
    selectors.access_registration(registration_id=registration_id)
    try:
        access.registration_reject(registration_id=registration_id, by=request.user)
    except AccessError as error:
        _access_error(request, error)
    else:
        messages.success(request, _("Petición rechazada."))
    return redirect("activations")


@portal_admin_required
@require_POST
def objection_resolve(request, notice_id: int, revoke: bool):
    """Revocar acceso / Desestimar an owner's objection."""
    selectors.access_objection(notice_id=notice_id)
    try:
        notice = access.owner_objection_resolve(notice_id=notice_id, revoke=revoke, by=request.user)
    except AccessError as error:
        _access_error(request, error)
    else:
        message = _("Acceso revocado: la cuenta %(email)s fue desactivada.") if revoke else _(
            "Objeción desestimada: la cuenta %(email)s sigue activa.")
        messages.success(request, message % {"email": notice.user.email})
    return redirect("activations")


@portal_admin_required
@require_POST
def invitation_resend(request, invitation_id: int):
    selectors.access_invitation(invitation_id=invitation_id)
    try:
        invitation = access.invitation_resend(invitation_id=invitation_id, by=request.user,
                                              base_url=base_url(request))
    except AccessError as error:
        _access_error(request, error)
    else:
        messages.success(request, _("Invitación reenviada a %(email)s con un enlace nuevo.") % {
            "email": invitation.email})
    return redirect("activations")


@portal_admin_required
@require_POST
def account_active(request, user_id: int, active: bool):
    """Activar / Desactivar an account."""
    selectors.access_account(user_id=user_id)
    try:
        user = access.account_set_active(user_id=user_id, active=active, by=request.user)
    except AccessError as error:
        _access_error(request, error)
    else:
        message = _("La cuenta %(email)s está activa.") if active else _(
            "La cuenta %(email)s fue desactivada: ya no puede ingresar.")
        messages.success(request, message % {"email": user.email})
    return redirect("activations")


@portal_admin_required
def invitations_load(request):
    """Cargar clientes/proveedores: who can be invited, with a warning for shared emails."""
    load = request.GET.get("tipo", "ambos")
    load = load if load in LOAD_KINDS else "ambos"
    rows, duplicates = selectors.invitation_candidates(kinds=LOAD_KINDS[load])
    return _render(request, "invitations_load.html", "activations", rows=rows, duplicates=duplicates, load=load,
                   email_configured=outbox.company_email_configured())


@portal_admin_required
@require_POST
def invitations_send(request):
    load = request.POST.get("tipo", "ambos")
    try:
        # The page's script posts the rows left unticked ("excluir"): a long list's ticked rows
        # would pass Django's limit on form fields.
        every_but = request.POST.get("modo") == "excluir"
        batch = access.invitations_start(
            kinds=LOAD_KINDS.get(load, LOAD_KINDS["ambos"]), by=request.user, base_url=base_url(request),
            emails=None if every_but else request.POST.getlist("email"), excluded=request.POST.getlist("excluir"))
    except AccessError as error:
        _access_error(request, error)
        return redirect(f"{reverse('invitations_load')}?tipo={load}")
    return redirect("invitation_batch", batch_id=batch.pk)


@portal_admin_required
def invitation_batch(request, batch_id: int):
    batch = get_object_or_404(InvitationBatch, pk=batch_id)
    if request.headers.get("Accept") == "application/json" or request.GET.get("formato") == "json":
        return JsonResponse({"status": batch.status, "done": batch.done, "total": batch.total,
                             "percent": batch.percent})
    return _render(request, "invitation_batch.html", "activations", batch=batch)


# --- Envío de email ------------------------------------------------------------------------

def _email_page(request, *, form=None, test_form=None, status=200, test_error=None):
    company = connection.tenant
    current = email_settings_for(company)
    if form is None:
        initial = {"security": "starttls", "port": 587}
        if current is not None:
            initial = {name: getattr(current, name) for name in
                       ("host", "port", "security", "username", "from_email", "from_name", "reply_to")}
        form = EmailSettingsForm(initial=initial)
    return _render(request, "email_settings.html", "email_settings", status=status, form=form,
                   current=current, test_form=test_form or TestEmailForm(initial={"to": request.user.email}),
                   test_error=test_error, outbox_messages=selectors.outbox_recent(),
                   unsent=selectors.outbox_unsent_counts())


@portal_admin_required
def email_settings(request):
    """Envío de email: the company's SMTP server, a test message, and the outbox's status."""
    if request.method != "POST":
        return _email_page(request)
    form = EmailSettingsForm(request.POST)
    if not form.is_valid():
        return _email_page(request, form=form, status=400)
    services.email_settings_save(company=connection.tenant, by=request.user, **form.service_arguments())
    released = outbox.outbox_retry_now()  # what waited for (or failed with) the old settings
    messages.success(request, _("Configuración guardada. Pruébela con «Enviar prueba».") if not released else
                     ngettext("Configuración guardada: se está enviando el email que esperaba.",
                              "Configuración guardada: se están enviando los %(count)d emails que esperaban.",
                              released) % {"count": released})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def email_test(request):
    test_form = TestEmailForm(request.POST)
    if not test_form.is_valid():
        return _email_page(request, test_form=test_form, status=400)
    if rate_limited(request, "email-test"):
        return _email_page(request, test_form=test_form, status=429, test_error=_(
            "Demasiadas pruebas desde su conexión. Espere una hora y vuelva a intentar."))
    try:
        access.email_test_send(to=test_form.cleaned_data["to"])
    except AccessError as error:
        return _email_page(request, test_form=test_form, status=400, test_error=error.message)
    except SecretUnreadable:
        return _email_page(request, test_form=test_form, status=400, test_error=_(
            "No se pudo leer la contraseña guardada del servidor de correo: vuelva a ingresarla."))
    except (smtplib.SMTPException, OSError, UnicodeError) as error:
        current = email_settings_for(connection.tenant)
        return _email_page(request, test_form=test_form, status=400,
                           test_error=smtp_failure_message(error, host=current.host, port=current.port))
    messages.success(request, _("Enviamos el email de prueba a %(to)s. Revise su bandeja de entrada.")
                     % {"to": test_form.cleaned_data["to"]})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def outbox_retry(request, message_id: int):
    message = get_object_or_404(OutboxMessage, pk=message_id)
    outbox.outbox_retry_now(message_ids=[message.pk])
    messages.success(request, _("Reintentando el envío a %(to)s.") % {"to": message.to})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def outbox_retry_all(request):
    count = outbox.outbox_retry_now()
    messages.success(request, ngettext("Reintentando el envío de %(count)d email.",
                                       "Reintentando el envío de %(count)d emails.", count) % {"count": count})
    return redirect("email_settings")


# --- Empresa -------------------------------------------------------------------------------

@portal_admin_required
def company_settings(request):
    """Empresa: nombre de fantasía, datos fiscales and "Logo de empresa" (used in every email)."""
    company = connection.tenant
    if request.method == "POST":
        form = CompanyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.company_settings_save(
                    company=company, by=request.user, logo=data["logo"], legal_name=data["legal_name"],
                    trade_name=data["trade_name"], tax_id=data["tax_id"], address=data["address"])
            except ImageRejected as error:
                form.add_error("logo", image_rejected_message(error))
            else:
                messages.success(request, _("Datos de la empresa guardados."))
                return redirect("company_settings")
    else:
        form = CompanyForm(initial={"trade_name": company.trade_name, "legal_name": company.legal_name,
                                    "tax_id": company.tax_id, "address": company.address})
    return _render(request, "company_settings.html", "company_settings", form=form,
                   status=400 if form.errors else 200)


@portal_admin_required
def company_logo(request):
    """The company's logo, for its admin's Empresa page."""
    return png_response(connection.tenant.logo)


# --- Registro de actividad -----------------------------------------------------------------

@portal_admin_required
def activity_log(request):
    """Registro de actividad: who did what, to whom, from where; filtered, and as CSV."""
    form = ActivityFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.audit_events(**filters)
    if request.GET.get("formato") == "csv":
        return _activity_csv(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return _render(request, "activity_log.html", "activity_log", form=form, page=page,
                   status=400 if form.errors else 200)


def _activity_csv(events):
    """The filtered log as CSV (es-AR dates, `;` as Excel in Argentina expects), streamed.
    Every text cell is neutralised: names and emails come from outside."""
    def rows():
        for event in events.iterator(chunk_size=2000):
            when = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M:%S")
            detail = json.dumps(event.detail, ensure_ascii=False) if event.detail else ""
            yield [when, safe_text(event.actor_email), event.ip or "", safe_text(str(event.get_kind_display())),
                   safe_text(event.target), safe_text(detail)]

    response = csv_response(rows(), header=[_("Fecha"), _("Quién"), _("IP"), _("Qué"), _("Sobre quién"), _("Detalle")],
                            filename=f"registro-de-actividad-{connection.tenant.slug}-{timezone.localdate():%Y%m%d}")
    response["Cache-Control"] = "private, no-store"
    return response
