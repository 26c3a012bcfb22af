"""A process of the suite logging as production does: JSON lines on stdout (the test settings
log nothing of their own)."""

from config.observability.logs import logging_config
from config.settings.test import *  # noqa: F403

LOGGING = logging_config(log_format="json", level="INFO")
