"""Reads of the portal's own settings. Called with the portal's schema active."""

import functools

from django.db import connection

from portal_core import rows
from portal_core.models import PortalSettings


def portal_settings() -> PortalSettings:
    """The portal's settings (defaults until the admin changes them). A page reads them once,
    through its viewer (portal_core.web.viewer); the statement is written out, as every page
    runs it (portal_core.rows)."""
    with connection.cursor() as cursor:
        cursor.execute(_settings_sql())
        row = cursor.fetchone()
    return rows.instance(PortalSettings, row) if row else PortalSettings()


@functools.cache
def _settings_sql() -> str:
    return f"SELECT {rows.columns(PortalSettings, 'p')} FROM {PortalSettings._meta.db_table} p ORDER BY p.id LIMIT 1"
