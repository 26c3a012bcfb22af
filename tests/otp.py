"""Two-factor helpers for tests: codes computed from a device's key, as an authenticator app
does (real verification, nothing mocked)."""

import time

from django_otp.oath import TOTP


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` periods later (a device accepts one period of drift
    and never the same period twice, so a second verification within 30 s uses the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device) -> str:
    """A six-digit code no nearby period of the device produces."""
    near = {totp_code(device, steps_ahead=step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in (f"{n:06d}" for n in range(100000, 1000000, 7919)) if code not in near)


def operator_with_device(email: str, password: str):
    """An operator (public schema) with a confirmed TOTP device, as `operator_otp_setup` makes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal_core.accounts.models import User

    user = User.objects.create_superuser(email, password)
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)
