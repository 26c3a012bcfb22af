from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .decorators import portal_admin_required
from .forms import ApiKeyForm, LoginForm, NewPasswordForm, PasswordForgotForm, RegistrationForm, ResetPasswordForm
from .menu import menu_for
from .outbox import company_email_configured
from .ratelimit import rate_limited
from .tokens import password_reset_tokens


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


# --- Ways in: registration, invitations, password recovery --------------------------------

def base_url(request) -> str:
    """The portal's own address, for the links its emails carry."""
    return request.build_absolute_uri("/")


def _too_many(request, template: str, form):
    message = _("Demasiados intentos desde su conexión. Espere una hora y vuelva a intentar.")
    return render(request, template, {"form": form, "error_message": message}, status=429)


@never_cache
def register(request):
    """The page behind the shared link: a request (petición) for the admin to approve."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, "register"):
            return _too_many(request, "portal_core/register.html", form)
        if form.is_valid():
            data = form.cleaned_data
            access.registration_submit(email=data["email"], password=data["password"], full_name=data["full_name"],
                                       tax_id=data["tax_id"], message=data["message"], base_url=base_url(request))
            return render(request, "portal_core/register_done.html")
    return render(request, "portal_core/register.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def password_forgot(request):
    """¿Olvidó su contraseña?: the same answer whether or not the email has an account."""
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, "password"):
            return _too_many(request, "portal_core/password_forgot.html", form)
        if form.is_valid():
            access.password_reset_request(email=form.cleaned_data["email"], base_url=base_url(request))
            return render(request, "portal_core/password_forgot_done.html", {
                "email_configured": company_email_configured()})
    return render(request, "portal_core/password_forgot.html", {"form": form}, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetConfirmView):
    """Nueva contraseña: the link of the recovery email. Django's view checks the token (signed
    for this portal, single use, expiring); changing the password ends every other session."""

    template_name = "portal_core/password_reset.html"
    form_class = ResetPasswordForm
    token_generator = password_reset_tokens
    reset_url_token = "nueva"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, _("Su contraseña fue cambiada. Ingrese con la nueva."))
        return super().form_valid(form)


@never_cache
def invitation_accept(request, token: str):
    """The link of an invitation: the person sets a password and is in."""
    invitation = access.invitation_for_token(token)
    if invitation is None:
        return render(request, "portal_core/link_invalid.html", status=404)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = access.invitation_accept(token=token, password=form.cleaned_data["password"])
        except access.AccessError:
            return render(request, "portal_core/link_invalid.html", status=404)
        login(request, user, backend="portal_core.accounts.backends.PortalBackend")
        messages.success(request, _("¡Bienvenido! Su cuenta quedó activa."))
        return redirect("home")
    return render(request, "portal_core/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)
