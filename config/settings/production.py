"""Production: every secret comes from the environment with no default."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ERP_WIDGET_SECRET = os.environ["ERP_WIDGET_SECRET"]
if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    raise RuntimeError("DATABASE_URL and REDIS_URL are required in production")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
PORTAL_URL_SCHEME = os.environ.get("PORTAL_URL_SCHEME", "https")
# Behind the ingress the client is in X-Forwarded-For; lockouts and limits count the client, not
# the proxy (portal_core.accounts.lockout.client_ip_address reads it). One ingress unless told.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
