"""Backup and restore of one portal: `manage.py portal_export` and `portal_import`.

An archive holds the portal's schema (every table, row by row), its public rows and its stored
files, and says which migrations made it; it is restored only by code at the same migrations,
as a new portal with a new schema on any platform (see `archive` for the layout, `tables` for
why COPY, `public_rows` for the encrypted SMTP password).
"""

from .errors import PortabilityError
from .exporting import ExportReport, portal_export
from .importing import ImportReport, portal_import

__all__ = ["ExportReport", "ImportReport", "PortabilityError", "portal_export", "portal_import"]
