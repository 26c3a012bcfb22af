from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from tenants import lookup


class CompanyMiddleware(TenantMainMiddleware):
    """Routes the root domain to the public schema and `<slug>.<base domain>` to its company.

    The root domain needs no Domain row, so changing PORTAL_BASE_DOMAIN needs no data change.
    Unknown hostnames (and spare schemas, which have no domain) answer 404. Each process keeps
    the companies it routed to (tenants.lookup), checked on every request against what changed.

    The probes' paths on the root domain are routed without loading the public Company: the
    liveness check must not need the database, and the readiness check must answer 503 for a
    database it cannot reach instead of this middleware failing with a 500.
    """

    PROBE_PATHS = frozenset({"/salud/", "/salud/vivo/"})

    def process_request(self, request):
        if request.path_info in self.PROBE_PATHS and self._on_root_domain(request):
            connection.set_schema_to_public()
            self.setup_url_routing(request, force_public=True)
            return None
        return super().process_request(request)

    def _on_root_domain(self, request) -> bool:
        try:
            return self.hostname_from_request(request) == settings.PORTAL_BASE_DOMAIN
        except DisallowedHost:
            return False

    def get_tenant(self, domain_model, hostname):
        return lookup.company_for_host(hostname, lambda host: self._company_read(domain_model, host))

    def _company_read(self, domain_model, hostname):
        if hostname == settings.PORTAL_BASE_DOMAIN:
            return domain_model.tenant.field.related_model.objects.get(
                schema_name=get_public_schema_name()
            )
        return super().get_tenant(domain_model, hostname)


class SuspendedCompanyMiddleware:
    """A suspended portal answers every request with an explanation and lets nobody in. One
    suspended only because its owner never confirmed the email still serves the confirmation
    link and its "Reenviar" (which reactivate it), and nothing else."""

    # URL names of the owner email confirmation (config.urls_tenant).
    UNCONFIRMED_OPEN = {"owner_email_confirm", "owner_confirm_resend"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        company = getattr(request, "tenant", None)
        if company is not None and company.is_suspended:
            if company.is_suspended_unconfirmed and self._confirmation_path(request):
                return self.get_response(request)
            return render(request, "tenants/suspended.html", {"company": company}, status=403)
        return self.get_response(request)

    def _confirmation_path(self, request) -> bool:
        try:
            match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return match.view_name in self.UNCONFIRMED_OPEN  # namespaced: no other app's view of that name
