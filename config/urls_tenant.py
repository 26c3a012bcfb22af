"""URLs of a portal's subdomain."""

from django.urls import include, path

from portal_core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ingresar/", views.LoginView.as_view(), name="login"),
    path("salir/", views.logout, name="logout"),
    path("integracion-erp/", views.integration, name="integration"),
    path("integracion-erp/claves/", views.api_key_create, name="api_key_create"),
    path("integracion-erp/claves/<int:key_id>/revocar/", views.api_key_revoke, name="api_key_revoke"),
    path("", include("billing_views.urls")),
    path("api/v1/", include("portal_core.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
