from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from portal_core.access import selectors
from portal_core.access import services as access
from portal_core.access.forms import (
    ApiKeyForm,
    LoginForm,
    NewPasswordForm,
    ObjectionForm,
    PasswordForgotForm,
    RegistrationForm,
    ResetPasswordForm,
)
from portal_core.activity.services import Kind, audit_record
from portal_core.erp import services
from portal_core.mail.outbox import company_email_configured
from portal_core.web.decorators import portal_admin_required
from portal_core.web.menu import menu_for
from portal_core.web.ratelimit import rate_limited

from . import login_steps, two_factor
from .models import User, axes_username, normalize_email
from .tokens import password_reset_tokens


class LoginView(auth_views.LoginView):
    """The password step. An account with two-factor on is not logged in here: the session
    remembers it for the code step (login_steps, two_factor_views.login_code)."""

    template_name = "portal_core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["just_created"] = self.request.GET.get("creado") == "1"
        return context

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.two_factor_enabled(user=user):
            login_steps.pending_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("login_code")
        login_steps.login_complete(self.request, user=user)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        # A lockout writes its own row (see `lockout`), and a locked pair is not a wrong password.
        if form.has_error(NON_FIELD_ERRORS, "invalid_login") and not getattr(self.request, "axes_locked_out", False):
            email = normalize_email(form.data.get("username", ""))
            audit_record(kind=Kind.LOGIN_FAILED, actor_email=email, target=email)
        return super().form_invalid(form)


logout = require_POST(auth_views.LogoutView.as_view())


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this for every attempt of an email+IP pair past the failure limit
    (wrong passwords and wrong verification codes both count). A session in the middle of a
    login, or logged in (wrong confirmations on Mi cuenta), ends."""
    email = axes_username(request, credentials)
    audit_record(kind=Kind.LOGIN_LOCKED, actor_email=email, target=email,
                 detail={"failures": getattr(request, "axes_failures_since_start", None)})
    login_steps.pending_clear(request)
    if request.user.is_authenticated:
        auth_logout(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Demasiados intentos fallidos. Por seguridad, el ingreso quedó bloqueado "
                "por %(minutes)d minutos. Vuelva a intentar más tarde.") % {"minutes": minutes}
    if connection.schema_name == get_public_schema_name():  # the operators' admin
        return render(request, "portal_core/locked.html", {"lockout_message": message}, status=429)
    # An unbound form: binding it would authenticate again and count one more failure.
    form = LoginForm(request, initial={"username": email})
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
    services.api_key_revoke(api_key=api_key, by=request.user)
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
    """The page behind the shared link: a request (petición) that the person confirms from their
    email and the admin then approves. The answer is the same whatever the email."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "register"):  # counted once valid: typos don't use up the hour
            return _too_many(request, "portal_core/register.html", form)
        data = form.cleaned_data
        access.registration_submit(email=data["email"], password=data["password"], full_name=data["full_name"],
                                   tax_id=data["tax_id"], message=data["message"], base_url=base_url(request))
        return render(request, "portal_core/register_done.html")
    return render(request, "portal_core/register.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def registration_verify(request, token: str):
    """The confirmation link of a registration's email."""
    try:
        access.registration_verify(token=token, base_url=base_url(request))
    except access.AccessError:
        return render(request, "portal_core/link_invalid.html", status=404)
    return render(request, "portal_core/register_verified.html")


@never_cache
def password_forgot(request):
    """¿Olvidó su contraseña?: the same answer, and the same work, whether or not the email has an account."""
    form = PasswordForgotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "password"):
            return _too_many(request, "portal_core/password_forgot.html", form)
        access.password_reset_request(email=form.cleaned_data["email"], base_url=base_url(request))
        return render(request, "portal_core/password_forgot_done.html", {
            "email_configured": company_email_configured()})
    return render(request, "portal_core/password_forgot.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def owner_notice(request, token: str):
    """The link in the email to a party's ERP address: object to an account's access."""
    notice = access.owner_notice_for_token(token)
    if notice is None:
        return render(request, "portal_core/link_invalid.html", status=404)
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access.owner_objection_submit(token=token, message=form.cleaned_data["message"],
                                          base_url=base_url(request))
        except access.AccessError:
            return render(request, "portal_core/link_invalid.html", status=404)
        return render(request, "portal_core/owner_objected.html")
    return render(request, "portal_core/owner_notice.html", {"form": form, "notice": notice},
                  status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetConfirmView):
    """Nueva contraseña: the link of the recovery email. Django's view checks the token (signed
    for this portal, single use, expiring); changing the password ends every other session."""

    template_name = "portal_core/password_reset.html"
    form_class = ResetPasswordForm
    token_generator = password_reset_tokens
    reset_url_token = "nueva"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        access.password_reset_complete(user=form.user, password=form.cleaned_data["password"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Su contraseña fue cambiada. Ingrese con la nueva."))
        return redirect(self.success_url)


@never_cache
def invitation_accept(request, token: str):
    """The link of an invitation: the person sets a password and is in."""
    invitation = access.invitation_for_token(token)
    if invitation is None:
        return render(request, "portal_core/link_invalid.html", status=404)
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=User(email=invitation.email))
    if request.method == "POST" and form.is_valid():
        try:
            user = access.invitation_accept(token=token, password=form.cleaned_data["password"],
                                            base_url=base_url(request))
        except access.AccessError:
            return render(request, "portal_core/link_invalid.html", status=404)
        login(request, user, backend="portal_core.accounts.backends.PortalBackend")
        messages.success(request, _("¡Bienvenido! Su cuenta quedó activa."))
        return redirect("home")
    return render(request, "portal_core/invitation_accept.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)
