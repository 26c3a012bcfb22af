from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class PortalPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens (single use: they die with the password they were made for;
    expiring after PASSWORD_RESET_TIMEOUT), bound to the portal: user ids repeat across
    schemas, so a link issued by one portal is refused by every other."""

    key_salt = "portal_core.accounts.tokens.PortalPasswordResetTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"


password_reset_tokens = PortalPasswordResetTokenGenerator()
