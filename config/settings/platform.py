"""The platform: tenancy, request handling, data, accounts, language and static files."""

import ipaddress
from datetime import timedelta
from urllib.parse import unquote

from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR, env

# --- Tenancy -------------------------------------------------------------------------------

# The root domain serves the public site; `<slug>.<PORTAL_BASE_DOMAIN>` serves each portal.
PORTAL_BASE_DOMAIN = env.str("PORTAL_BASE_DOMAIN", "localhost").lower()
# Scheme used in links to portals (emails, redirects built outside a request).
PORTAL_URL_SCHEME = env.str("PORTAL_URL_SCHEME", "http")
# Pre-migrated spare schemas kept ready so "Crear Portal" does not run migrations.
PORTAL_SPARE_POOL_SIZE = env.int("PORTAL_SPARE_POOL_SIZE", 2)
# Crear Portal on the public site, per rolling 24 hours: portals created from one client IP and
# for one owner email (counted in PostgreSQL, so exact and independent of Redis); the live URL
# preview's requests per client IP and minute (counted in Redis; open while Redis is down).
PORTAL_CREATES_PER_IP_PER_DAY = env.int("PORTAL_CREATES_PER_IP_PER_DAY", 5)
PORTAL_CREATES_PER_EMAIL_PER_DAY = env.int("PORTAL_CREATES_PER_EMAIL_PER_DAY", 3)
# ...and in all, from every client: a ceiling on what many addresses together can create.
PORTAL_CREATES_PER_HOUR = env.int("PORTAL_CREATES_PER_HOUR", 100)
PORTAL_PREVIEWS_PER_IP_PER_MINUTE = env.int("PORTAL_PREVIEWS_PER_IP_PER_MINUTE", 60)
# A portal made on the public site works at once, but is suspended when its owner has not
# confirmed the email after PORTAL_CONFIRM_DAYS, and deleted (schema and files) when still
# unconfirmed and never used after PORTAL_UNUSED_DELETE_DAYS.
PORTAL_CONFIRM_DAYS = env.int("PORTAL_CONFIRM_DAYS", 7)
PORTAL_UNUSED_DELETE_DAYS = env.int("PORTAL_UNUSED_DELETE_DAYS", 30)
# A `p_<hex>` schema with no portal row whose build started this long ago was left by a crash.
PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES = env.int("PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES", 60)
# Shared secret with the ERP for the signed home widget.
ERP_WIDGET_SECRET = env.str("ERP_WIDGET_SECRET", "")
ERP_WIDGET_MAX_AGE_SECONDS = env.int("ERP_WIDGET_MAX_AGE_SECONDS", 300)

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "provisioning",
    "portal_core.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Django's admin, whose default site requires the operator's verification code (django-otp).
    "tenants.admin_config.OperatorAdminConfig",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "portal_core.accounts",
    "axes",
    # Two-factor devices live beside the accounts they belong to: operators' in the public
    # schema, each portal's in its own.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal_core",
    "billing_views",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Company"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Set the search_path once per schema switch, not before every query (half the round trips).
TENANT_LIMIT_SET_CALLS = True
# How long a process trusts the company it routed a hostname to when Redis cannot confirm that
# no company or domain changed since (tenants.lookup); with Redis up, changes are seen at once.
TENANT_CACHE_SECONDS = env.float("TENANT_CACHE_SECONDS", 5)

AUTH_USER_MODEL = "accounts.User"

# --- Request handling ----------------------------------------------------------------------

MIDDLEWARE = [
    # First: the request id (X-Request-ID) and the request metrics cover everything below.
    "config.observability.middleware.RequestObservabilityMiddleware",
    "tenants.middleware.CompanyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files get neither (they are public and not HTML).
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store for logged-in accounts, downloads and API keys; and a
    # Permissions-Policy that turns off the browser features no page uses.
    "tenants.security.PrivateCacheMiddleware",
    # Django's, with a read-only session for a kept page a worker asks for again after a batch.
    "portal_core.web.rewarm.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the two-factor code step.
    "django_otp.middleware.OTPMiddleware",
    # request.viewer: the account, its customer/supplier, the portal's switches and the ERP data's
    # version, each read once per request on first use (portal_core.web.viewer).
    "portal_core.web.viewer.ViewerMiddleware",
    # The client's IP for the activity log rows the services write during this request.
    "portal_core.activity.middleware.AuditContextMiddleware",
    "tenants.middleware.SuspendedCompanyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A customer or supplier the ERP marks inactive sees "Acceso suspendido" on its sections.
    "billing_views.access.PartySuspendedMiddleware",
    # On a portal: sessions of accounts with two-factor must have passed the code; accounts the
    # portal's policy obliges are sent to set it up before anything else.
    "portal_core.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ALLOWED_HOSTS = [PORTAL_BASE_DOMAIN, f".{PORTAL_BASE_DOMAIN}"] + env.list("ALLOWED_HOSTS", default=[])

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each package of portal_core keeps its templates beside it (portal_core/<package>/templates);
        # they are not apps of their own, so they are listed here.
        "DIRS": [BASE_DIR / "templates", *sorted((BASE_DIR / "portal_core").glob("*/templates"))],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.company",
                "portal_core.web.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Data ----------------------------------------------------------------------------------

DATABASES = {}
if env.str("DATABASE_URL", ""):
    DATABASES["default"] = env.db_url("DATABASE_URL", engine="django_tenants.postgresql_backend")
    # A socket directory is written percent-encoded in the host (the embedded PostgreSQL's
    # postgresql://postgres@%2Fpath%2Fto%2Frun/portal); django-environ leaves it encoded.
    DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
    # A backend keeps the catalogs of every schema it touched (about 445 KB each) until it ends:
    # a connection lives at most this many seconds, so none holds a thousand portals' catalogs.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60)
    # A kept connection is tested before each request's first query: one PostgreSQL closed
    # (a restart, a failover) is replaced, not handed to the request to fail with.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Page queries touch thousands of rows, not millions: parallel workers only add start-up
    # latency and compete with other requests for the cores.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c max_parallel_workers_per_gather=0"
# A connection pointed at more than this many schemas ends after its request or task
# (tenants/connections.py; 0: never), which bounds a backend's memory whatever the traffic.
DATABASE_SCHEMAS_PER_CONNECTION = env.int("DATABASE_SCHEMAS_PER_CONNECTION", 100)
EXTRA_SET_TENANT_METHOD_PATH = "tenants.connections.schema_noted"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# portals_migrate (the deploy's migrations job): how many portal schemas migrate at once.
MIGRATION_PROCESSES = env.int("MIGRATION_PROCESSES", 2)
# The pg_dump that captures the portal schema template (tenants.schema_template); empty: the
# embedded PostgreSQL's, else the one on PATH.
PG_DUMP = env.str("PG_DUMP", "")

REDIS_URL = env.str("REDIS_URL", None)
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Every cache key carries the active schema: one portal never reads another's entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        # With Redis down pages still answer: reads miss and recompute, writes are dropped.
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "IGNORE_EXCEPTIONS": True,
                    "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}

# --- Auth ----------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal_core.accounts.backends.PortalBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Every password a person chooses: the seed's rule (6 characters, letters and digits), 12 for
# the platform's operators; not like the account's email or name; not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal_core.accounts.validators.AccountMinimumLengthValidator",
     "OPTIONS": {"min_length": 6, "operator_min_length": 12}},
    {"NAME": "portal_core.accounts.validators.LettersAndDigitsValidator"},
    {"NAME": "portal_core.accounts.validators.AccountAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"  # a path, valid on the root domain (admin) and on portals (home)
LOGOUT_REDIRECT_URL = "login"

# Host-only cookies: no Domain attribute, so a portal's session never reaches another subdomain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Sessions in PostgreSQL, read through the (tenant-prefixed) cache: one query less per request,
# and nothing lost when Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Repeated login failures lock the email+IP pair for a while, and many failures from one IP over
# any emails (password spraying) lock the IP (per portal: axes tables are per schema).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal_core.accounts.lockout.PortalAxesHandler"
# The client's IP as our own proxies report it: the one every lockout, rate limit and activity
# log row counts (portal_core.activity.services.client_ip goes through it).
AXES_CLIENT_IP_CALLABLE = "portal_core.accounts.lockout.client_ip_address"
# Reverse proxies in front of the app that append to X-Forwarded-For (the Helm chart's ingress: 1).
# 0 believes no header: the TCP peer is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
# Optional: the nearest proxy's addresses or networks, comma-separated. A peer outside them is
# taken as the client whatever X-Forwarded-For it sends. A malformed entry stops start-up.
TRUSTED_PROXY_IPS = [str(ipaddress.ip_network(entry.strip(), strict=False))
                     for entry in env.list("TRUSTED_PROXY_IPS", default=[]) if entry.strip()]
# The login form posts the email in a field named "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# Count failures against the email as login compares it (trimmed, lower-case), so changing
# the capitalisation does not start a fresh count.
AXES_USERNAME_CALLABLE = "portal_core.accounts.models.axes_username"
AXES_LOCKOUT_CALLABLE = "portal_core.accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-factor login: after the right password, the code step must follow within this many
# seconds. Wrong codes count as failed logins for the lockout above, and each device also
# makes the next try wait 1, 2, 4, 8... seconds after consecutive failures (django-otp).
TWO_FACTOR_LOGIN_SECONDS = env.int("TWO_FACTOR_LOGIN_SECONDS", 300)
TWO_FACTOR_RECOVERY_CODES = 10
# The operators' admin lists devices without their secret keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- i18n ----------------------------------------------------------------------------------

LANGUAGE_CODE = "es-ar"
LANGUAGES = [("es-ar", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "America/Argentina/Buenos_Aires")
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated files (PDFs, ZIPs), under a folder per portal schema.
MEDIA_ROOT = env.str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# With S3_BUCKET set, generated and uploaded files go to S3 (or any S3-compatible service at
# S3_ENDPOINT_URL) instead of MEDIA_ROOT, so every web and worker process sees the same files.
# Credentials come the usual boto3 way: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the
# pod's role.
S3_BUCKET = env.str("S3_BUCKET", "")


def s3_storage(bucket: str, endpoint_url: str | None = None) -> dict:
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint_url, "region_name": env.str("S3_REGION", "us-east-1"),
        # Private objects, read through the app (which checks who may see them), never by URL.
        "default_acl": None, "querystring_auth": True,
        # Paths are content hashes or random tokens: the same name is the same content.
        "file_overwrite": True,
        "addressing_style": "path" if endpoint_url else None,
    }}


if S3_BUCKET:
    STORAGES["default"] = s3_storage(S3_BUCKET, env.str("S3_ENDPOINT_URL", "") or None)
