"""Production: every secret comes from the environment with no default; HTTPS everywhere."""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env, env_required, field_encryption_keys
from .observability import logging_config

DEBUG = False
# One JSON object per line on stdout, for the log pipeline.
LOGGING = logging_config(log_format=env.str("LOG_FORMAT", "json"), level=LOG_LEVEL)
SECRET_KEY = env_required("SECRET_KEY")
ERP_WIDGET_SECRET = env_required("ERP_WIDGET_SECRET")
# base.py has read both already (DATABASES, CACHES, Celery's broker); here neither may be missing.
env_required("DATABASE_URL")
env_required("REDIS_URL")
# No key derived from SECRET_KEY here: rotating SECRET_KEY must not make stored passwords unreadable.
FIELD_ENCRYPTION_KEYS = env_required("FIELD_ENCRYPTION_KEYS", field_encryption_keys)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS, except the health checks: the Kubernetes probes ask
# http://<pod>:8000/salud/ (readiness) and /salud/vivo/ (liveness) directly, with no proxy and
# no X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^salud/$", r"^salud/vivo/$"]
# HSTS for a year; portals are subdomains of the root domain, so the header covers them too.
# Preload only once every subdomain is HTTPS for good (it is hard to undo).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)
# check --deploy warns (W021) while preload is off. Preloading is the operator's decision for the
# whole registrable domain, not a fault of this deployment: without it, that one warning is
# silenced; with SECURE_HSTS_PRELOAD=true nothing is.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# __Host-: the browser keeps these cookies only Secure, with Path=/ and no Domain, so no other
# subdomain (another portal) can set or shadow them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
PORTAL_URL_SCHEME = env.str("PORTAL_URL_SCHEME", "https")
# Behind the ingress the client is in X-Forwarded-For; lockouts and limits count the client, not
# the proxy (portal_core.accounts.lockout.client_ip_address reads it). One ingress unless told.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1)
