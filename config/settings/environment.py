"""How settings read the environment: one parser (django-environ), and the one way a required
production value stops start-up."""

from collections.abc import Callable
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class Env(environ.Env):
    """django-environ, reading two things as these settings always have: only 1, true, yes and on
    are true (not `ok`, `y` or any other number), and a value starting with `$` is that value (a
    generated secret may start so), not the name of another variable to read instead."""

    BOOLEAN_TRUE_STRINGS = ("1", "true", "yes", "on")

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        value = self.ENVIRON.get(f"{self.prefix}{var}")
        if isinstance(value, str) and value.startswith("$"):
            return self.parse_value(value, cast)
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    @classmethod
    def parse_value(cls, value, cast):
        if cast is bool and isinstance(value, str):
            return value.strip().lower() in cls.BOOLEAN_TRUE_STRINGS
        return super().parse_value(value, cast)


env = Env()


def env_required(name: str, parse: Callable[[str], object] = str):
    """A value production does not start without: unset, or empty once parsed, stops start-up
    naming the variable."""
    value = parse(env.str(name, default=""))
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: production does not start without it.")
    return value


def field_encryption_keys(value: str) -> list[str]:
    """The Fernet keys in `value`, comma-separated. A malformed key stops start-up (the message
    does not repeat it: it is a secret)."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as error:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                                       "(32 url-safe base64-encoded bytes)") from error
    return keys
