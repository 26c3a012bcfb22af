from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from tenants import selectors as tenant_selectors
from tenants.hosts import portal_origin, request_port_suffix

from . import services, widget
from .errors import FieldError, PortalCreateError
from .forms import PortalCreateForm
from .subdomains import SubdomainError, subdomain_from_name

TENANT_URLCONF = "config.urls_tenant"


def portal_create(request):
    """Crear Portal: the seed's form; "Continuar" creates the portal and lands on its login page."""
    form = PortalCreateForm(request.POST or None, initial={"erp_token": request.GET.get("erp", "")})
    if request.method == "POST":
        erp_company_id = widget.create_token_read(request.POST.get("erp_token", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                company = services.portal_create(
                    name=data["name"], email=data["email"], password=data["password"],
                    erp_company_id=erp_company_id,
                )
            except PortalCreateError as error:
                form.add_service_errors(error)
            else:
                login_url = reverse("login", urlconf=TENANT_URLCONF)
                return redirect(f"{portal_origin(company, request=request)}{login_url}?creado=1")
        else:
            _add_remaining_errors(form, erp_company_id)
    return render(request, "provisioning/portal_create.html", {
        "form": form, "base_domain": settings.PORTAL_BASE_DOMAIN, "host_suffix": _host_suffix(request),
    })


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


@require_GET
def portal_address_preview(request):
    """The address a portal name would get, and whether it is free (the form's live preview)."""
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
