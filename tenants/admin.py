from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from . import services
from .models import Company, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "suspended_reason", "schema_name", "owner_email", "erp_company_id",
                    "created_at", "activity_link"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "owner_email", "erp_company_id", "schema_name"]
    # Status and subdomain change only through the services (suspend/reactivate, Crear Portal):
    # setting a live portal back to "spare" would hand its data to the next new portal.
    readonly_fields = ["schema_name", "slug", "status", "created_at", "activated_at"]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate"]

    @admin.display(description=_("Registro de actividad"))
    def activity_link(self, company):
        if company.status == Company.Status.SPARE:
            return "—"
        # The page is the portal's own (config/urls_public.py): named here, not imported.
        return format_html('<a href="{}">{}</a>', reverse("operator_portal_activity", args=[company.pk]),
                           _("Ver actividad"))

    def has_add_permission(self, request):
        # Portals are created through "Crear Portal" or `manage.py portal_create`, which migrate
        # the schema and create the first admin; a bare row here would have neither.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting drops a schema: only `manage.py portal_delete --confirm` does that.
        return False

    @admin.action(description=_("Suspender los portales seleccionados"))
    def suspend(self, request, queryset):
        # Active ones, and those suspended only for an unconfirmed email: an operator's
        # suspension is one their owner's confirmation does not lift.
        chosen = (queryset.exclude(status=Company.Status.SPARE).exclude(schema_name=get_public_schema_name())
                  .exclude(status=Company.Status.SUSPENDED, suspended_reason=Company.SuspendedReason.OPERATOR))
        for company in chosen:
            services.portal_suspend(company=company)
        self.message_user(request, _("Portales suspendidos."), messages.SUCCESS)

    @admin.action(description=_("Reactivar los portales seleccionados"))
    def reactivate(self, request, queryset):
        for company in queryset.filter(status=Company.Status.SUSPENDED):
            services.portal_reactivate(company=company)
        self.message_user(request, _("Portales reactivados."), messages.SUCCESS)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
