"""Logs, metrics and error reports."""

from config.observability.logs import logging_config

from .environment import env

# --- Logs ----------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", "INFO")
# `json`: one JSON object per line (production's default, for the log pipeline); `text`: readable.
# Both carry the request id, the portal's schema and the account id.
LOG_FORMAT = env.str("LOG_FORMAT", "text")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Metrics -------------------------------------------------------------------------------

# Prometheus scrapes /metrics on this port of each web and worker pod, never through the public
# site (0: no metrics server). PROMETHEUS_MULTIPROC_DIR is read by prometheus_client itself.
METRICS_PORT = env.int("METRICS_PORT", 9100)
# A `portal` label (the schema) on the request metrics: one series per portal and view, so off
# unless the operator's Prometheus can take it.
METRICS_PORTAL_LABEL = env.bool("METRICS_PORTAL_LABEL", False)

# --- Sentry --------------------------------------------------------------------------------

SENTRY_DSN = env.str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", "")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if SENTRY_DSN:
    from config.observability.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
