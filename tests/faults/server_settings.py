"""The app server of the fault tests: the test settings with the persistent database
connections production keeps (config.settings.platform), which the test settings turn off."""

from config.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
