"""URLs of the root domain: the public site, the ERP widget and the operators' admin."""

from django.contrib import admin
from django.urls import include, path

from portal_core.activity.operator_views import portal_activity
from provisioning import views
from tenants.views import liveness, readiness

urlpatterns = [
    path("", views.portal_create, name="portal_create"),
    path("crear-portal/direccion/", views.portal_address_preview, name="portal_address_preview"),
    path("erp/widget/", views.erp_widget, name="erp_widget"),
    path("erp/widget.json", views.erp_widget_json, name="erp_widget_json"),
    # Each portal's Registro de actividad, for operators (the admin site's login and two-factor).
    path("admin/portales/<int:company_id>/actividad/", admin.site.admin_view(portal_activity),
         name="operator_portal_activity"),
    path("admin/", admin.site.urls),
    # The probes' paths: tenants.middleware.PROBE_PATHS routes them without a database query.
    path("salud/", readiness, name="health"),
    path("salud/vivo/", liveness, name="health_live"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A database that cannot be reached answers 503, not 500 (portal_core.web.unavailable).
handler500 = "portal_core.web.unavailable.server_error"
