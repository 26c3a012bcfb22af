"""Writes on portal accounts. Called with the portal's schema active."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

from portal_core.accounts.models import User, normalize_email


def admin_account_create(*, email: str, password_hash: str) -> User:
    """Create the portal's administrator account.

    Takes an already computed hash so callers can run the (deliberately slow) Argon2 hash
    before they open a transaction, keeping locks short.
    """
    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("Portal accounts are created inside a portal schema, not the public one")
    return User.objects.create(
        email=normalize_email(email), password=password_hash, is_portal_admin=True
    )
