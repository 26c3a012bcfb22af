"""What the platform's operators see of a portal from the root domain's admin: its Registro de
actividad (read in the portal's schema; operators never log into portals)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django_tenants.utils import get_public_schema_name, tenant_context

from portal_core.activity import selectors
from portal_core.activity.forms import ActivityFilterForm
from tenants.models import Company

PAGE_SIZE = 100


def portal_activity(request, company_id: int):
    """Wrapped by the admin site (staff with two-factor only), see config/urls_public.py."""
    portals = Company.objects.exclude(schema_name=get_public_schema_name()).exclude(status=Company.Status.SPARE)
    company = get_object_or_404(portals, pk=company_id)
    form = ActivityFilterForm(request.GET or None)
    with tenant_context(company):
        page = Paginator(selectors.audit_events(**form.filters()), PAGE_SIZE).get_page(request.GET.get("pagina"))
        rows = [{"when": event.created_at, "who": event.actor_email, "ip": event.ip, "what": event.get_kind_display(),
                 "whom": event.target, "detail": event.detail} for event in page]
    return render(request, "admin/portal_activity.html", {
        "title": f"Registro de actividad: {company.name}", "company": company, "form": form, "page": page,
        "rows": rows, "site_header": "Portal de Clientes y Proveedores", "has_permission": True,
        "opts": Company._meta,
    }, status=400 if form.errors else 200)
