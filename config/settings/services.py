"""The services around the platform: Celery, email, the ERP sync API, security headers."""

import re

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from .environment import env, field_encryption_keys
from .platform import REDIS_URL

# --- Celery --------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process is replaced after this many tasks, its database connection with it (the
# per-portal beat tasks touch every schema; see DATABASE_CONN_MAX_AGE).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 1000)
CELERY_TASK_IGNORE_RESULT = True
# socket_connect_timeout: without it a send to a Redis that does not answer waits on the OS's
# connect timeout (minutes); CELERY_BROKER_CONNECTION_TIMEOUT does not reach the Redis transport.
# socket_timeout: a Redis that accepts and then never answers (stopped, or lost behind a kept
# connection) would hold the request's send forever; above the worker's 1 s BRPOP poll.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With the broker down, a request gives up queueing within a second; the outbox sweep sends later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Pages built again after an ERP batch (portal_core.web.rewarm) wait in a queue of their own, which
# every worker also takes from, in turn with the default one: a flood of batches does not queue
# ahead of mail, invitations and ZIPs. `-Q rebuilds` gives them workers of their own.
# Each queue bound by its own routing key: two bound by the default one would both get every task.
CELERY_TASK_QUEUES = (Queue("celery", routing_key="celery"), Queue("rebuilds", routing_key="rebuilds"))
CELERY_TASK_ROUTES = {"portal_core.kept_pages_rewarm": {"queue": "rebuilds"}}
CELERY_BEAT_SCHEDULE = {
    "spare-pool-refill": {
        "task": "provisioning.tasks.spare_pool_refill",
        "schedule": 60.0,
    },
    # Suspends portals whose owner never confirmed the email, deletes those also never used,
    # and drops schemas a crashed process left half-made (see provisioning.sweep).
    "portals-sweep": {
        "task": "provisioning.tasks.portals_sweep",
        "schedule": 3600.0,
    },
    # Sends what the outbox still holds: failed sends once due, and messages the broker lost.
    "outbox-sweep": {
        "task": "tenants.tasks.each_portal",
        "schedule": 60.0,
        "kwargs": {"task_name": "portal_core.outbox_sweep"},
    },
    # Activity log past AUDIT_RETENTION_DAYS, ERP events past ERP_EVENTS_RETENTION_DAYS,
    # notifications and sent emails past theirs, unverified registrations past their link.
    "access-prune": {
        "task": "tenants.tasks.each_portal",
        "schedule": 24 * 3600.0,
        "kwargs": {"task_name": "portal_core.access_prune"},
    },
    "expired-zips-delete": {
        "task": "tenants.tasks.each_portal",
        "schedule": 3600.0,
        "kwargs": {"task_name": "billing_views.expired_zips_delete"},
    },
    # Notifications: immediate ones the broker lost; once a day, due dates and digests (at
    # NOTIFICATIONS_DAILY_HOUR_UTC, 11 = 8 a.m. in Argentina).
    "notifications-send": {
        "task": "tenants.tasks.each_portal",
        "schedule": 60.0,
        "kwargs": {"task_name": "portal_core.notifications_send"},
    },
    "notifications-daily": {
        "task": "tenants.tasks.each_portal",
        "schedule": crontab(minute=0, hour=env.int("NOTIFICATIONS_DAILY_HOUR_UTC", 11)),
        "kwargs": {"task_name": "portal_core.notifications_daily"},
    },
    # "Descargar todas" jobs whose task the broker lost or whose worker died.
    "zip-jobs-requeue": {
        "task": "tenants.tasks.each_portal",
        "schedule": 60.0,
        "kwargs": {"task_name": "billing_views.zip_jobs_requeue"},
    },
}

# --- Email (platform sender; companies use their own SMTP settings) -------------------------

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Portal de Clientes <no-responder@localhost>")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 15)
# A company's SMTP session in all, connecting and TLS included: within gunicorn's 30 s for
# "Enviar prueba".
EMAIL_SESSION_TIMEOUT = env.int("EMAIL_SESSION_TIMEOUT", 20)
# Companies' SMTP servers must be public hosts on an SMTP port (set true only for local runs).
COMPANY_SMTP_ALLOW_PRIVATE = env.bool("COMPANY_SMTP_ALLOW_PRIVATE", False)
# Encrypts the companies' SMTP passwords: comma-separated Fernet keys, the first encrypts
# (rotate by putting a new key first). Required in production; elsewhere, unset: a key derived
# from SECRET_KEY (tenants.crypto).
FIELD_ENCRYPTION_KEYS = field_encryption_keys(env.str("FIELD_ENCRYPTION_KEYS", ""))
# Outbox: a failed send is retried after 1, 2, 4... minutes, then hourly, for this long after
# the email was queued (a week: as long as an invitation link lasts).
OUTBOX_GIVE_UP_HOURS = env.int("OUTBOX_GIVE_UP_HOURS", 7 * 24)
# The periodic sweep leaves a new message this long to the task queued with it.
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", 30)
# Access: invitation links last this long; password reset links PASSWORD_RESET_TIMEOUT seconds.
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)
# A registration's confirmation link lasts this long; unverified requests are then deleted.
REGISTRATION_VERIFY_DAYS = env.int("REGISTRATION_VERIFY_DAYS", 7)
# Registro de actividad: rows older than this are pruned daily.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", 730)
# Notifications sent or discarded, and emails sent, are kept this long (pruned daily).
NOTIFICATIONS_RETENTION_DAYS = env.int("NOTIFICATIONS_RETENTION_DAYS", 180)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", 90)
# Registrations (peticiones) and password recovery requests allowed per IP and hour, per portal.
ACCESS_REQUESTS_PER_HOUR = env.int("ACCESS_REQUESTS_PER_HOUR", 10)

# "Descargar todas": how long a ZIP of documents stays downloadable.
ZIP_DOWNLOAD_TTL = env.int("ZIP_DOWNLOAD_TTL", 3600)
ZIP_MAX_DOCUMENTS = env.int("ZIP_MAX_DOCUMENTS", 2000)
# "Descargar resumen": the most movements a statement's PDF holds (xhtml2pdf takes about 3 ms and
# 45 KB of memory a row, within a request); a longer period is offered as XLSX, which has no limit.
STATEMENT_PDF_MAX_MOVEMENTS = env.int("STATEMENT_PDF_MAX_MOVEMENTS", 2000)

# --- ERP sync API --------------------------------------------------------------------------

ERP_SYNC_MAX_BATCH_ROWS = env.int("ERP_SYNC_MAX_BATCH_ROWS", 1000)
ERP_SYNC_MAX_BODY_BYTES = env.int("ERP_SYNC_MAX_BODY_BYTES", 10 * 1024 * 1024)
ERP_SYNC_RATE = env.str("ERP_SYNC_RATE", "600/min")
ERP_SYNC_MAX_PDF_BYTES = env.int("ERP_SYNC_MAX_PDF_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ERP_SYNC_MAX_BODY_BYTES
# Reads (events, read-back, reconcile): the largest page a request may ask for.
ERP_READ_MAX_LIMIT = env.int("ERP_READ_MAX_LIMIT", 1000)
# The event feed keeps this many days; older events are pruned daily (access-prune).
ERP_EVENTS_RETENTION_DAYS = env.int("ERP_EVENTS_RETENTION_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal_core.erp.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["portal_core.erp.api.throttling.ApiKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "portal_core.erp.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal de Clientes y Proveedores: API de sincronización del ERP",
    "DESCRIPTION": (
        "Cada portal expone esta API en su propio subdominio (`https://<portal>/api/v1/`). "
        "Autenticación: `Authorization: Bearer <clave>`, con una clave creada en *Integración ERP*."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security ------------------------------------------------------------------------------
# Headers and cookies for every environment; production.py turns on what needs HTTPS.

# A CSP source an operator may list: an origin (scheme://host[:port], the host may start with
# `*.`). Nothing that could end the directive (`;`) or add a keyword such as 'unsafe-inline'.
_CSP_ORIGIN = re.compile(r"^https?://(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?$")


def frame_ancestors_parse(value: str) -> list[str]:
    """'self' and the origins in `value` (separated by spaces or commas). A malformed entry stops
    start-up rather than producing a policy nobody meant."""
    sources = [SELF]
    for entry in re.split(r"[\s,]+", value.strip()):
        if entry and not _CSP_ORIGIN.match(entry):
            raise ImproperlyConfigured(f"ERP_WIDGET_FRAME_ANCESTORS: {entry!r} is not an origin "
                                       "such as https://erp.example.com")
        if entry and entry not in sources:
            sources.append(entry)
    return sources


# No inline scripts or styles anywhere: every script and stylesheet is a file under /static/.
# img-src: data: for the admin's and Swagger UI's icons, blob: for the profile image preview.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The ERP widget (/erp/widget/) is shown inside the ERP's web UI: the origins allowed to frame it,
# separated by spaces or commas (https://erp.example.com). Always 'self' as well; empty: only that.
ERP_WIDGET_FRAME_ANCESTORS = frame_ancestors_parse(env.str("ERP_WIDGET_FRAME_ANCESTORS", ""))
X_FRAME_OPTIONS = "DENY"
# Browser features no page of ours uses, refused to every page and anything it frames.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
                      "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
                      "display-capture=(), browsing-topics=(), interest-cohort=()")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script reads the CSRF cookie (forms carry csrfmiddlewaretoken; the API uses keys, not
# sessions). production.py renames both cookies __Host- and makes them Secure.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
