from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services
from .decorators import portal_admin_required
from .forms import ApiKeyForm, LoginForm
from .menu import menu_for


class LoginView(auth_views.LoginView):
    template_name = "portal_core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["just_created"] = self.request.GET.get("creado") == "1"
        return context


logout = require_POST(auth_views.LogoutView.as_view())


def lockout(request, credentials, *args, **kwargs):
    """django-axes calls this once an email+IP pair passed the failure limit."""
    # An unbound form: binding it would authenticate again and count one more failure.
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Demasiados intentos fallidos. Por seguridad, el ingreso quedó bloqueado "
                "por %(minutes)d minutos. Vuelva a intentar más tarde.") % {"minutes": minutes}
    return render(request, "portal_core/login.html", {"form": form, "lockout_message": message}, status=429)


@login_required
def home(request):
    return render(request, "portal_core/home.html", {
        "menu": menu_for(request, request.resolver_match.url_name),
    })


def _integration_page(request, *, form, new_secret=None, status=200):
    return render(request, "portal_core/integration.html", {
        "menu": menu_for(request, "integration"),
        "form": form,
        "new_secret": new_secret,
        "api_keys": selectors.api_keys_list(),
        "sync_rows": selectors.sync_status_rows(),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }, status=status)


@portal_admin_required
def integration(request):
    """Integración ERP: the portal's API keys and when each resource was last synced."""
    return _integration_page(request, form=ApiKeyForm())


@portal_admin_required
@require_POST
@never_cache
def api_key_create(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _integration_page(request, form=form, status=400)
    _, secret = services.api_key_create(name=form.cleaned_data["name"], created_by=request.user)
    # Shown in this response only: the key is stored hashed and can never be shown again.
    return _integration_page(request, form=ApiKeyForm(), new_secret=secret)


@portal_admin_required
@require_POST
def api_key_revoke(request, key_id: int):
    api_key = selectors.access_api_key(key_id=key_id)
    services.api_key_revoke(api_key=api_key)
    messages.success(request, _("La clave «%(name)s» fue revocada: el ERP ya no puede usarla.")
                     % {"name": api_key.name})
    return redirect("integration")
