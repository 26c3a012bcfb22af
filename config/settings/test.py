"""Test settings: the same services as local (real PostgreSQL and Redis), quieter and faster where it is safe."""

from .local import *  # noqa: F403

DEBUG = False
PORTAL_SPARE_POOL_SIZE = 1
ERP_WIDGET_SECRET = "test-widget-secret"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# No metrics server in tests unless one starts it on a free port (a Celery test worker would).
METRICS_PORT = env.int("METRICS_PORT", 0)  # noqa: F405
# Threads of the live server and of the Celery test worker must not keep connections open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Argon2 at the smallest costs (tests/hashers.py): production keeps Django's defaults
# (tests/config/test_settings.py).
PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
MEDIA_ROOT = str(BASE_DIR / ".local" / "test" / "media")  # noqa: F405
