"""The portal admin's access pages: Activaciones (requests, invitations, accounts, sharing the
portal), Envío de email and Empresa."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal_core.access import selectors
from portal_core.access import services as access
from portal_core.access.errors import AccessError
from portal_core.access.forms import ObjectionForm, RegistrationForm
from portal_core.accounts.models import User
from portal_core.cuit import cuit_format
from portal_core.mail import selectors as mail_selectors
from portal_core.models import InvitationBatch
from portal_core.web.decorators import portal_admin_required
from portal_core.web.forms import NewPasswordForm
from portal_core.web.pages import PAGE_SIZE, base_url, render_page
from portal_core.web.ratelimit import rate_limited, too_many_response

LOAD_KINDS = {"clientes": {selectors.CUSTOMERS}, "proveedores": {selectors.SUPPLIERS},
              "ambos": {selectors.CUSTOMERS, selectors.SUPPLIERS}}




def _access_error(request, error: AccessError) -> None:
    """Show an AccessError, tagged with its code (the one about email links to the page that
    fixes it, see _messages.html)."""
    messages.error(request, error.message, extra_tags=error.code)


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
    return render_page(request, "activations.html", "activations", page=page, kind=kind, status_filter=status,
                       query=query, kinds=selectors.ACTIVATION_KINDS, statuses=selectors.ACTIVATION_STATUSES,
                       register_url=register_url, whatsapp_url=f"https://wa.me/?text={quote(share_text)}",
                       email_configured=mail_selectors.company_email_configured())


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
    return render_page(request, "invitations_load.html", "activations", rows=rows, duplicates=duplicates, load=load,
                   email_configured=mail_selectors.company_email_configured())


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
    return render_page(request, "invitation_batch.html", "activations", batch=batch)


# --- Envío de email ------------------------------------------------------------------------


# --- Empresa -------------------------------------------------------------------------------


# --- Registro de actividad -----------------------------------------------------------------


@never_cache
def register(request):
    """The page behind the shared link: a request (petición) that the person confirms from their
    email and the admin then approves. The answer is the same whatever the email."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "register"):  # counted once valid: typos don't use up the hour
            return too_many_response(request, "portal_core/register.html", form)
        data = form.cleaned_data
        access.registration_submit(email=data["email"], password=data["password"], full_name=data["full_name"],
                                   tax_id=data["tax_id"], message=data["message"], base_url=base_url(request))
        return render(request, "portal_core/register_done.html")
    return render(request, "portal_core/register.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def registration_verify(request, token: str):
    """The confirmation link of a registration's email."""
    try:
        access.registration_verify(token=token, base_url=base_url(request))
    except AccessError:
        return render(request, "portal_core/link_invalid.html", status=404)
    return render(request, "portal_core/register_verified.html")


@never_cache
def owner_notice(request, token: str):
    """The link in the email to a party's ERP address: object to an account's access."""
    notice = access.owner_notice_for_token(token)
    if notice is None:
        return render(request, "portal_core/link_invalid.html", status=404)
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access.owner_objection_submit(token=token, message=form.cleaned_data["message"],
                                          base_url=base_url(request))
        except AccessError:
            return render(request, "portal_core/link_invalid.html", status=404)
        return render(request, "portal_core/owner_objected.html")
    return render(request, "portal_core/owner_notice.html", {"form": form, "notice": notice},
                  status=400 if form.errors else 200)


@never_cache
def invitation_accept(request, token: str):
    """The link of an invitation: the person sets a password and is in."""
    invitation = access.invitation_for_token(token)
    if invitation is None:
        return render(request, "portal_core/link_invalid.html", status=404)
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=User(email=invitation.email))
    if request.method == "POST" and form.is_valid():
        try:
            user = access.invitation_accept(token=token, password=form.cleaned_data["password"],
                                            base_url=base_url(request))
        except AccessError:
            return render(request, "portal_core/link_invalid.html", status=404)
        login(request, user, backend="portal_core.accounts.backends.PortalBackend")
        messages.success(request, _("¡Bienvenido! Su cuenta quedó activa."))
        return redirect("home")
    return render(request, "portal_core/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)
