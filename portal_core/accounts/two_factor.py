"""Verificación en dos pasos (TOTP, django-otp): an authenticator app's six-digit codes, plus
ten single-use recovery codes for when the phone is not at hand.

An account has two-factor on when it has a *confirmed* TOTP device. Setting it up creates an
unconfirmed device (its QR code is shown), which the first right code confirms; then the
recovery codes are created and shown once. Every verification goes through django-otp's
devices, whose throttling makes the next try wait 1, 2, 4, 8... seconds after consecutive
failures, whatever the IP (django-axes counts failures per email and IP: the views report
wrong codes to it like wrong passwords).
"""

import math
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name

from portal_core.accounts.errors import AccountError
from portal_core.accounts.sessions import sessions_end_others
from portal_core.activity.services import Kind, audit_record
from portal_core.models import PortalSettings

APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
Policy = PortalSettings.TwoFactor


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    recovery: bool
    recovery_left: int


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


# --- Reads -----------------------------------------------------------------------------------

def app_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_enabled(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(*, user, policy: str) -> bool:
    """Whether the portal's policy obliges this account to use two-factor."""
    return policy == Policy.EVERYONE or (policy == Policy.ADMINS and user.is_portal_admin)


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalize_code(code: str) -> str:
    """What people type: spaces and dashes (as we show recovery codes) dropped, lower case."""
    return "".join((code or "").split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    """Six digits: the app's code (recovery codes have eight characters)."""
    return code.isdigit() and len(code) == 6


def totp_uri(*, device: TOTPDevice, issuer: str) -> str:
    """The otpauth:// URI the QR code carries (Key Uri Format). The issuer names the portal:
    the same email can have accounts in several portals, each with its own entry in the app."""
    issuer = issuer.replace(":", "")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    params = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": device.digits,
                        "period": device.step}, quote_via=quote)
    return f"otpauth://totp/{quote(f'{issuer}:{device.user.get_username()}')}?{params}"


def secret_for_display(device: TOTPDevice) -> str:
    """The key for typing it into the app by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str, *, label: str) -> SafeString:
    """The QR code as inline SVG, drawn here: the secret never leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Only path coordinates come from qrcode, and the label is escaped: safe to inline.
    return mark_safe(svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{escape(label)}" ', 1))


def current_issuer() -> str:
    company = getattr(connection, "tenant", None)
    if company is None or company.schema_name == get_public_schema_name():
        return f"Operadores {settings.PORTAL_BASE_DOMAIN}"
    return company.display_name


# --- Writes ----------------------------------------------------------------------------------

def device_pending(*, user) -> TOTPDevice:
    """The device being set up (unconfirmed): the same one while the setup page is reloaded."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def device_confirm(*, user, code: str) -> Enrolment:
    """The first right code of the app being set up turns two-factor on; the recovery codes
    come with it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        failure = _check(device, normalize_code(code))
        if failure is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _recovery_codes_replace(user=user)
            audit_record(kind=Kind.OTP_ENABLED, actor=user, target=user.email)
    if failure is not None:
        raise failure
    return Enrolment(device=device, recovery_codes=codes)


def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(kind=Kind.OTP_ENABLED, actor=user, target=user.email,
                     detail={"recovery_codes": "regenerated"})
    return codes


def two_factor_disable(*, user, keep_session_key: str | None) -> int:
    """Turn two-factor off and end the account's other sessions; returns how many ended."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(kind=Kind.OTP_DISABLED, actor=user, target=user.email)
    return sessions_end_others(user=user, keep_session_key=keep_session_key)


def code_verify(*, user, code: str, allow_recovery: bool = True) -> Verified:
    """Check a code of the account's app (or, if allowed, one of its recovery codes, which is
    then used up). A wrong code writes OTP_FAILED; a recovery code, OTP_RECOVERY_USED."""
    code = normalize_code(code)
    use_app = is_app_code(code) or not allow_recovery
    model = TOTPDevice if use_app else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        failure = _check(device, code)
        if failure is not None:
            audit_record(kind=Kind.OTP_FAILED, actor=user, actor_email=user.email, target=user.email,
                         detail={"reason": failure.code, "recovery": not use_app})
        elif not use_app:
            left = device.token_set.count()
            audit_record(kind=Kind.OTP_RECOVERY_USED, actor=user, target=user.email, detail={"left": left})
    if failure is not None:
        raise failure
    return Verified(device=device, recovery=not use_app, recovery_left=recovery_codes_left(user=user))


def operator_enrol(*, user) -> Enrolment:
    """An operator's device, confirmed at once: the operator runs the command on the servers."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
        codes = _recovery_codes_replace(user=user)
    return Enrolment(device=device, recovery_codes=codes)


def two_factor_policy_set(*, policy: str, actor) -> PortalSettings:
    """Perfil: who must use two-factor in this portal (they set it up at their next request)."""
    if policy not in Policy.values:
        raise ValueError(f"Unknown two-factor policy {policy!r}")
    with transaction.atomic():
        row = PortalSettings.objects.select_for_update().order_by("id").first() or PortalSettings()
        previous = row.two_factor_policy
        if previous != policy or row.pk is None:
            row.two_factor_policy = policy
            row.save()
            audit_record(kind=Kind.SETTINGS_PROFILE, actor=actor, target="two_factor_policy",
                         detail={"two_factor_policy": [previous, policy]})
    return row


def _check(device, code: str) -> AccountError | None:
    """Verify on a device locked by the caller; the failure (CODE_INVALID: not the right code, or
    no device for it; CODE_THROTTLED) is returned, not raised, so the device's throttling count
    is committed with the transaction."""
    if device is None or not code:
        return AccountError(AccountError.CODE_INVALID)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = (info or {}).get("locked_until", timezone.now()) - timezone.now()
        return AccountError(AccountError.CODE_THROTTLED, seconds=max(1, math.ceil(wait.total_seconds())))
    return None if device.verify_token(code) else AccountError(AccountError.CODE_INVALID)


def _recovery_codes_replace(*, user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_DEVICE_NAME})
    device.token_set.all().delete()
    device.throttle_reset(commit=True)
    tokens = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in tokens)
    return [f"{token[:4]}-{token[4:]}" for token in tokens]
