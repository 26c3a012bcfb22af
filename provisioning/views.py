from django.conf import settings
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from portal_core.web.client import client_ip, client_network
from portal_core.web.ratelimit import rate_limited
from tenants import selectors as tenant_selectors
from tenants.hosts import portal_origin, request_port_suffix
from tenants.security import erp_widget_framing, form_action_portals

from . import confirmation, errors, services, widget
from .errors import FieldError, PortalCreateError, PortalCreateLimited
from .forms import PortalCreateForm
from .subdomains import SubdomainError, subdomain_from_name

TENANT_URLCONF = "config.urls_tenant"


@form_action_portals
def portal_create(request):
    """Crear Portal: the seed's form; "Continuar" creates the portal and lands on its login page."""
    # Bound on every POST, even an empty one (an unbound form has no cleaned_data for the rule errors).
    form = PortalCreateForm(request.POST if request.method == "POST" else None,
                            initial={"erp_token": request.GET.get("erp", "")})
    status = 200
    if request.method == "POST":
        erp_company_id = widget.create_token_read(request.POST.get("erp_token", ""))
        if _preview_limited(request):  # every post looks names up as the preview does
            form.add_error(None, FieldError(errors.PREVIEW_RATE_LIMITED).message)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                company = services.portal_create(
                    name=data["name"], email=data["email"], password=data["password"],
                    erp_company_id=erp_company_id, visitor=_visitor(request),
                )
            except PortalCreateLimited as error:
                form.add_service_errors(error)
                status = 429
            except PortalCreateError as error:
                form.add_service_errors(error)
            else:
                login_url = reverse("login", urlconf=TENANT_URLCONF)
                return redirect(f"{portal_origin(company, request=request)}{login_url}?creado=1")
        else:
            _add_remaining_errors(form, erp_company_id)
    return render(request, "provisioning/portal_create.html", {
        "form": form, "base_domain": settings.PORTAL_BASE_DOMAIN, "host_suffix": _host_suffix(request),
    }, status=status)


def _visitor(request) -> services.Visitor:
    return services.Visitor(ip=client_network(client_ip(request)), scheme=request.scheme,
                            port_suffix=request_port_suffix(request))


def _add_remaining_errors(form: PortalCreateForm, erp_company_id: str | None) -> None:
    """Show the service's rule errors too for the fields the form itself found no fault in."""
    try:
        services.portal_create_validate(
            name=form.data.get("name", ""), email=form.data.get("email", ""),
            password=form.data.get("password", ""), erp_company_id=erp_company_id,
        )
    except PortalCreateError as error:
        remaining = {field: items for field, items in error.errors.items() if field not in form.errors}
        form.add_service_errors(PortalCreateError(remaining))


def _host_suffix(request) -> str:
    """`.<base domain>[:port]` as the visitor sees it, for the URL preview."""
    return f".{settings.PORTAL_BASE_DOMAIN}{request_port_suffix(request)}"


def _preview_limited(request) -> bool:
    """PORTAL_PREVIEWS_PER_IP_PER_MINUTE lookups of names per client, by the preview or the form."""
    return rate_limited(request, "portal-preview", limit=settings.PORTAL_PREVIEWS_PER_IP_PER_MINUTE, window=60)


@require_GET
def portal_address_preview(request):
    """The address a portal name would get, and whether it is free (the form's live preview)."""
    if _preview_limited(request):
        return JsonResponse({"error": {"code": errors.PREVIEW_RATE_LIMITED,
                                       "message": FieldError(errors.PREVIEW_RATE_LIMITED).message}}, status=429)
    name = request.GET.get("nombre", "")
    try:
        subdomain = subdomain_from_name(name)
    except SubdomainError as error:
        field_error = FieldError(error.code, subdomain=error.subdomain)
        return JsonResponse({"subdomain": error.subdomain, "available": False,
                             "code": error.code, "message": field_error.message})
    url = f"{request.scheme}://{subdomain}{_host_suffix(request)}"
    taken = services.subdomain_taken_error(subdomain)
    if taken is None:
        return JsonResponse({"subdomain": subdomain, "url": url, "available": True})
    return JsonResponse({
        "subdomain": subdomain, "url": url, "available": False, "code": taken.code,
        "suggestion": taken.params["suggestion"], "message": taken.message,
    })


def _widget_state(request):
    """(status, context) of the ERP widget for a signed request; status 403 when unsigned."""
    try:
        erp_company_id = widget.widget_request_verify(
            erp_company_id=request.GET.get("empresa", ""),
            timestamp=request.GET.get("ts", ""),
            signature=request.GET.get("firma", ""),
        )
    except widget.WidgetSignatureError:
        return 403, None
    company = tenant_selectors.portal_for_erp_company(erp_company_id=erp_company_id)
    if company is not None:
        return 200, {"has_portal": True, "portal_url": portal_origin(company, request=request) + "/",
                     "portal_name": company.name}
    create_url = request.build_absolute_uri(
        reverse("portal_create") + "?erp=" + widget.create_token(erp_company_id=erp_company_id)
    )
    return 200, {"has_portal": False, "create_url": create_url}


@require_GET
@xframe_options_exempt
@erp_widget_framing
def erp_widget(request):
    status, state = _widget_state(request)
    if state is None:
        return HttpResponseForbidden(render(request, "provisioning/widget_forbidden.html").content)
    return render(request, "provisioning/widget.html", state, status=status)


@require_GET
def erp_widget_json(request):
    status, state = _widget_state(request)
    if state is None:
        return JsonResponse(
            {"error": {"code": "invalid_signature",
                       "message": "Firma ausente, inválida o vencida."}}, status=403,
        )
    return JsonResponse(state, status=status)


# --- Owner email confirmation (on the portal's host) ----------------------------------------

CONFIRM_ERRORS = {
    confirmation.OwnerConfirmError.INVALID: _("Este enlace de confirmación no es válido. Copie el enlace "
                                              "completo del email o pida uno nuevo."),
    confirmation.OwnerConfirmError.EXPIRED: _("Este enlace de confirmación venció. Pida uno nuevo."),
    confirmation.OwnerConfirmError.OTHER_EMAIL: _("Este enlace confirma un email que ya no es el del "
                                                  "creador del portal. Pida uno nuevo."),
}


@never_cache
@require_GET
def owner_email_confirm(request, token: str):
    """The link of the confirmation email. Works on a portal suspended for being unconfirmed
    (the suspension middleware lets it through) and reactivates it."""
    try:
        company = confirmation.owner_email_confirm(company=request.tenant, token=token)
    except confirmation.OwnerConfirmError as error:
        # Another portal's link is "not yours": the same 404 as a made-up one, saying nothing of it.
        code = confirmation.OwnerConfirmError.INVALID if error.code == error.OTHER_PORTAL else error.code
        return render(request, "provisioning/owner_confirm_result.html", {
            "error": CONFIRM_ERRORS[code], "can_resend": not request.tenant.owner_email_confirmed,
        }, status=404 if code == error.INVALID else 400)
    return render(request, "provisioning/owner_confirm_result.html", {
        "confirmed": True, "suspended": company.is_suspended,
    })


@never_cache
@require_POST
def owner_confirm_resend(request):
    """"Reenviar": the banner's (the portal's admin) and the suspended page's (anyone: it only
    ever goes to the owner email, at most once a minute)."""
    company = request.tenant
    if company.owner_email_confirmed:
        return redirect("/")
    user = request.user
    if not company.is_suspended_unconfirmed and not (user.is_authenticated and user.is_portal_admin):
        raise Http404
    sent = confirmation.owner_confirm_send(company=company, origin=portal_origin(company, request=request))
    return render(request, "provisioning/owner_confirm_result.html", {
        "resent": sent, "too_soon": not sent,
        "email": company.owner_email if user.is_authenticated and user.is_portal_admin else company.owner_email_masked,
    }, status=200 if sent else 429)

