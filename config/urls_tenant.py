"""URLs of a portal's subdomain."""

from django.urls import include, path

from portal_core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ingresar/", views.LoginView.as_view(), name="login"),
    path("salir/", views.logout, name="logout"),
    path("api/v1/", include("portal_core.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
