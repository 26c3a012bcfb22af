"""Verificación en dos pasos: the login's code step and *Mi cuenta* (turn it on, new recovery
codes, turn it off)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from portal_core.web.menu import menu_for

from . import login_steps, two_factor
from .errors import AccountError
from .sessions import sessions_end_others
from .two_factor_forms import ConfirmForm, LoginCodeForm, SetupCodeForm
from .views import lockout


def _locked(request, email: str):
    """The lockout page when django-axes already locked this email and IP, else None."""
    credentials = {"username": email}
    return lockout(request, credentials=credentials) if AxesProxyHandler.is_locked(request, credentials) else None


@never_cache
def login_code(request):
    """Second step of the login: a code of the account's app, or a recovery code."""
    pending = login_steps.pending_get(request)
    if pending is None or pending.expired:
        if pending is not None:
            expired = AccountError(AccountError.LOGIN_EXPIRED, minutes=settings.TWO_FACTOR_LOGIN_SECONDS // 60)
            messages.error(request, expired.message, extra_tags=expired.code)
        return redirect("login")
    form = LoginCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = pending.user
        if (locked := _locked(request, user.email)) is not None:
            return locked
        try:
            verified = two_factor.code_verify(user=user, code=form.cleaned_data["code"])
        except AccountError as error:
            login_steps.failure_count(request, email=user.email)
            form.add_error("code", error.as_form_error())
        else:
            method = "recovery" if verified.recovery else "totp"
            login_steps.login_complete(request, user=user, device=verified.device, method=method)
            if verified.recovery:  # to Mi cuenta, which says how many are left
                _after_recovery_code(request, user=user, left=verified.recovery_left)
                return redirect("my_account")
            return redirect(pending.next_url)
    return render(request, "portal_core/login_code.html", {"form": form}, status=400 if form.errors else 200)


def _after_recovery_code(request, *, user, left: int) -> None:
    """A recovery code means the phone may be lost: every other session of the account ends."""
    sessions_end_others(user=user, keep_session_key=request.session.session_key)
    messages.warning(request, ngettext(
        "Ingresó con un código de recuperación, que ya no sirve: le queda %(left)d. Cerramos las otras "
        "sesiones de su cuenta.",
        "Ingresó con un código de recuperación, que ya no sirve: le quedan %(left)d. Cerramos las otras "
        "sesiones de su cuenta.", left) % {"left": left})


def _account_page(request, *, status=200, **forms):
    user = request.user
    device = two_factor.app_device(user=user)
    return render(request, "portal_core/my_account.html", {
        "menu": menu_for(request, "my_account"),
        "device": device,
        "required": two_factor.two_factor_required(user=user, policy=request.viewer.settings.two_factor_policy),
        "recovery_left": two_factor.recovery_codes_left(user=user) if device else 0,
        "regenerate_form": forms.get("regenerate_form") or ConfirmForm(prefix="codigos"),
        "disable_form": forms.get("disable_form") or ConfirmForm(prefix="desactivar"),
    }, status=status)


@login_required
@never_cache
def my_account(request):
    return _account_page(request)


@login_required
@never_cache
def two_factor_setup(request):
    """Turn it on: the QR code of a new app entry, its first code confirms it, and then the
    recovery codes (shown in this response only)."""
    user = request.user
    if two_factor.two_factor_enabled(user=user):
        return redirect("my_account")
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = two_factor.device_confirm(user=user, code=form.cleaned_data["code"])
        except AccountError as error:
            form.add_error("code", error.as_form_error())
        else:
            otp_login(request, enrolment.device)
            return _codes_page(request, codes=enrolment.recovery_codes, enabled=True)
    return _setup_page(request, form=form)


def _setup_page(request, *, form):
    device = two_factor.device_pending(user=request.user)
    uri = two_factor.totp_uri(device=device, issuer=two_factor.current_issuer())
    forced = two_factor.two_factor_required(user=request.user, policy=request.viewer.settings.two_factor_policy)
    return render(request, "portal_core/two_factor_setup.html", {
        # An account the policy obliges sees no menu: nothing else opens until it is done.
        "menu": [] if forced else menu_for(request, "my_account"),
        "forced": forced, "form": form, "otpauth_uri": uri,
        "qr": two_factor.qr_svg(uri, label=_("Código QR para la aplicación de autenticación")),
        "secret": two_factor.secret_for_display(device),
    }, status=400 if form.errors else 200)


def _codes_page(request, *, codes: list[str], enabled: bool):
    return render(request, "portal_core/recovery_codes.html", {
        "menu": menu_for(request, "my_account"), "codes": codes, "enabled": enabled})


def _confirmed(request, form: ConfirmForm) -> bool:
    """The account's password, or a current code of its app. Wrong answers count for the
    lockout like a wrong login (and lock the session out when they reach the limit)."""
    user, value = request.user, form.cleaned_data["confirmation"]
    if user.check_password(value):
        update_session_auth_hash(request, user)  # in case checking upgraded the stored hash
        return True
    if two_factor.is_app_code(two_factor.normalize_code(value)):
        try:
            two_factor.code_verify(user=user, code=value, allow_recovery=False)
            return True
        except AccountError as error:
            if error.code == AccountError.CODE_THROTTLED:
                form.add_error("confirmation", error.as_form_error())
    login_steps.failure_count(request, email=user.email)
    if not form.errors:
        form.add_error("confirmation", AccountError(AccountError.CONFIRMATION_WRONG).as_form_error())
    return False


def _confirm_or_page(request, prefix: str):
    """The bound confirmation form when it is right, else the page that says why."""
    form = ConfirmForm(request.POST, prefix=prefix)
    if (locked := _locked(request, request.user.email)) is not None:
        return None, locked
    if form.is_valid() and _confirmed(request, form):
        return form, None
    key = "regenerate_form" if prefix == "codigos" else "disable_form"
    return None, _account_page(request, status=400, **{key: form})


@login_required
@require_POST
@never_cache
def recovery_codes_regenerate(request):
    if not two_factor.two_factor_enabled(user=request.user):
        return redirect("my_account")
    form, page = _confirm_or_page(request, "codigos")
    if form is None:
        return page
    codes = two_factor.recovery_codes_regenerate(user=request.user)
    return _codes_page(request, codes=codes, enabled=False)


@login_required
@require_POST
def two_factor_disable(request):
    if not two_factor.two_factor_enabled(user=request.user):
        return redirect("my_account")
    form, page = _confirm_or_page(request, "desactivar")
    if form is None:
        return page
    two_factor.two_factor_disable(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, _("La verificación en dos pasos quedó desactivada y cerramos sus otras sesiones."))
    return redirect("my_account")
