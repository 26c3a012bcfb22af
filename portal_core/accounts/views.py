from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.db import connection
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from portal_core.access import services as access
from portal_core.accounts import services as accounts
from portal_core.accounts.forms import LoginForm, PasswordForgotForm, ResetPasswordForm
from portal_core.activity.services import Kind, audit_record
from portal_core.mail.selectors import company_email_configured
from portal_core.web.pages import base_url
from portal_core.web.ratelimit import rate_limited, too_many_response

from . import login_steps, two_factor
from .errors import AccountError
from .models import axes_username, normalize_email
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
    locked = AccountError(AccountError.LOCKED_OUT, minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    if connection.schema_name == get_public_schema_name():  # the operators' admin
        return render(request, "portal_core/locked.html", {"lockout": locked}, status=429)
    # An unbound form: binding it would authenticate again and count one more failure.
    form = LoginForm(request, initial={"username": email})
    return render(request, "portal_core/login.html", {"form": form, "lockout": locked}, status=429)


# --- Ways in: registration, invitations, password recovery --------------------------------




@never_cache
def password_forgot(request):
    """¿Olvidó su contraseña?: the same answer, and the same work, whether or not the email has an account."""
    form = PasswordForgotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "password"):
            return too_many_response(request, "portal_core/password_forgot.html", form)
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
        accounts.password_reset_complete(user=form.user, password=form.cleaned_data["password"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Su contraseña fue cambiada. Ingrese con la nueva."))
        return redirect(self.success_url)


