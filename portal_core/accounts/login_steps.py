"""The two steps of a portal login. After the right password, an account with two-factor is
not logged in yet: the session remembers who it is for TWO_FACTOR_LOGIN_SECONDS, and only
the code step logs it in."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed

from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record

PENDING_KEY = "two_factor_pending"
BACKEND = "portal_core.accounts.backends.PortalBackend"


@dataclass(frozen=True)
class Pending:
    user: User | None
    next_url: str
    expired: bool


def pending_start(request, *, user, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user_id": user.pk, "next": next_url,
                                    "until": int(time.time()) + settings.TWO_FACTOR_LOGIN_SECONDS}


def pending_get(request) -> Pending | None:
    """The login waiting for its code, or None when there is none."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("user_id"), is_active=True).first()
    expired = user is None or data.get("until", 0) < time.time()
    if expired:
        pending_clear(request)
    return Pending(user=user, next_url=data.get("next") or settings.LOGIN_REDIRECT_URL, expired=expired)


def pending_clear(request) -> None:
    if hasattr(request, "session"):
        request.session.pop(PENDING_KEY, None)


def login_complete(request, *, user, device=None, method: str = "") -> None:
    """Log the account in (with the device that verified it, if any) and write LOGIN_OK."""
    pending_clear(request)
    if device is not None:
        user.otp_device = device  # django-otp keeps it in the session on user_logged_in
    login(request, user, backend=getattr(user, "backend", None) or BACKEND)
    audit_record(kind=Kind.LOGIN_OK, actor=user, target=user.email,
                 detail={"two_factor": method} if method else {})


def failure_count(request, *, email: str) -> None:
    """A wrong code counts like a wrong password for django-axes' lockout (per email and IP);
    past the limit, axes' middleware answers with the lockout page."""
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
