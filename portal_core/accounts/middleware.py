from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from portal_core.accounts import two_factor
from portal_core.web.rewarm import is_rewarm

# What an account the policy obliges can reach before it has set two-factor up.
SETUP_REACHABLE = {"two_factor_setup", "logout", "profile_image_file"}
NOT_PAGES = ("/api/", "/i18n/", settings.STATIC_URL, settings.MEDIA_URL)


class TwoFactorMiddleware:
    """On a portal's host, for a logged-in session that did not pass the code step:

    - if the account has two-factor on, the session predates it (opened before the account
      turned it on): it ends, and the person logs in again, with the code;
    - if the portal's policy obliges the account and it has no device yet, every page but the
      setup (and Salir) sends it to the setup.

    The operators' admin on the root domain checks its own (django_otp.admin.OTPAdminSite).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._intercept(request) or self.get_response(request)

    def _intercept(self, request):
        company = getattr(request, "tenant", None)
        user = request.user
        if company is None or company.is_public or not user.is_authenticated or user.is_verified():
            return None
        if request.path_info.startswith(NOT_PAGES):
            return None
        if _two_factor_on(user):
            if is_rewarm(request):  # a worker's rebuild (portal_core.web.rewarm) ends nothing
                return HttpResponse(status=204)
            logout(request)
            return redirect_to_login(request.get_full_path())
        policy = request.viewer.settings.two_factor_policy
        if two_factor.two_factor_required(user=user, policy=policy) and _url_name(request) not in SETUP_REACHABLE:
            return redirect("two_factor_setup")
        return None


def _two_factor_on(user) -> bool:
    """Read with the account at the start of the request (PortalBackend), else now."""
    on = getattr(user, "has_two_factor_device", None)
    return two_factor.two_factor_enabled(user=user) if on is None else on


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None
