"""Local development: embedded services and a generated secret key when nothing is configured."""

import os
import secrets

from config import embedded

# When `make run` (or `python -m config.embedded start`) has started the embedded services,
# their URLs are in .local/services.env; the environment always wins.
for _name, _value in embedded.read_env_file().items():
    os.environ.setdefault(_name, _value)

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, env  # noqa: E402

DEBUG = True


def _local_secret_key() -> str:
    """A key generated once per checkout and kept in the git-ignored .local folder."""
    key_file = BASE_DIR / ".local" / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", "") or _local_secret_key()
ERP_WIDGET_SECRET = env.str("ERP_WIDGET_SECRET", "") or "demo-widget-secret"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The demo portal sends through `make run`'s SMTP server on loopback (and tests through aiosmtpd).
COMPANY_SMTP_ALLOW_PRIVATE = env.bool("COMPANY_SMTP_ALLOW_PRIVATE", True)
# Static files straight from the source folders: no collectstatic needed to run locally.
WHITENOISE_USE_FINDERS = True
