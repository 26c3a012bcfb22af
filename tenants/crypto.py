"""Secrets the platform must read back (the companies' SMTP passwords), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`. The keys come from
FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, the first one encrypts, all of them
decrypt, so a key can be rotated). Production requires it; elsewhere, without it, one key is
derived from SECRET_KEY.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(ValueError):
    """Stored with a key that is no longer configured."""


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("stored with an unknown key") from error
