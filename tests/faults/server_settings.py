"""The app server of the fault tests: the test settings with the persistent database
connections production keeps (config.settings.platform), which the test settings turn off."""

from config.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
# The traffic threads loop on the sync API far faster than an ERP: at 600/min a fast machine
# reached the API key's limit mid-test and got a 429, which is not what these tests look at.
ERP_SYNC_RATE = "100000/min"
