"""`portal_import`: an archive of `portal_export` as a new portal, all or nothing.

Refused before anything changes: a damaged archive, one made at other migrations than the
code's, a subdomain that is taken or not valid. Then, as `spare_portal_create` does, a
PendingSchema marker is committed before the new schema exists; the schema is built the way
every portal's is, the files are saved under its folder, and one transaction loads the rows,
inserts the public rows and removes the marker. A failure removes the schema, the files and
the marker; a crashed process leaves them to the portals sweep (an orphan schema is dropped
with its files folder).
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django_tenants.utils import schema_exists

from tenants.models import Company, PendingSchema, new_schema_name
from tenants.schema_migrations import migration_leaves
from tenants.selectors import subdomain_taken
from tenants.services import portal_files_folder, storage_folder_delete

from ..services import schema_build
from ..subdomains import SubdomainError, subdomain_from_name
from .archive import DATA, FILES, PUBLIC, archive_read
from .errors import PortabilityError
from .files import files_import
from .public_rows import PublicRows, public_rows_read, public_rows_restore
from .tables import sequences_import, stored_paths_rewrite, tables_import

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    company: Company
    tables: int
    rows: int
    files: int
    seconds: float
    notes: list[str] = field(default_factory=list)  # what could not be kept as it was
    smtp_password: bool = False  # an encrypted SMTP password came along (see public_rows)


def portal_import(*, path: str | Path, subdomain: str | None = None) -> ImportReport:
    """Restore the portal archived at `path` under `subdomain` (default: the archive's)."""
    if connection.in_atomic_block:
        raise RuntimeError("portal_import commits as it goes: call it outside a transaction")
    started = time.monotonic()
    connection.set_schema_to_public()
    with tempfile.TemporaryDirectory(prefix="portal-import-") as work:
        work = Path(work)
        manifest = archive_read(path=Path(path), into=work)
        if manifest.get("migrations") != migration_leaves():
            raise PortabilityError(PortabilityError.MIGRATIONS_MISMATCH, _leaves_difference(manifest))
        try:
            rows = public_rows_read(work / PUBLIC)
        except (DeserializationError, ValueError, TypeError) as error:
            raise PortabilityError(PortabilityError.ARCHIVE_DAMAGED, str(error)) from error
        slug = _subdomain_checked(subdomain or manifest["source"]["slug"])
        report = _restore(manifest=manifest, rows=rows, slug=slug, work=work)
    report.seconds = time.monotonic() - started
    return report


def _leaves_difference(manifest: dict) -> str:
    archive, code = set(manifest.get("migrations") or []), set(migration_leaves())
    return f"only in the archive: {sorted(archive - code)}; only in this code: {sorted(code - archive)}"


def _subdomain_checked(slug: str) -> str:
    try:
        valid = subdomain_from_name(slug) == slug
    except SubdomainError:
        valid = False
    if not valid:
        raise PortabilityError(PortabilityError.SUBDOMAIN_INVALID, slug)
    if subdomain_taken(slug):
        raise PortabilityError(PortabilityError.SUBDOMAIN_TAKEN, slug)
    return slug


def _fresh_schema_name() -> str:
    """A generated name no schema and no portal has (so never the archive's, which may exist)."""
    while True:
        name = new_schema_name()
        if not schema_exists(name) and not Company.objects.filter(schema_name=name).exists():
            return name


def _restore(*, manifest: dict, rows: PublicRows, slug: str, work: Path) -> ImportReport:
    schema_name = _fresh_schema_name()
    PendingSchema.objects.create(schema_name=schema_name)
    try:
        schema_build(Company(schema_name=schema_name))
        connection.set_schema_to_public()
        files = files_import(source=work / FILES, folder=portal_files_folder(schema_name))
        with transaction.atomic():
            company, loaded, notes = _rows_restore(manifest=manifest, rows=rows, slug=slug,
                                                   schema_name=schema_name, work=work)
            PendingSchema.objects.filter(schema_name=schema_name).delete()
    except BaseException as error:
        _undo(schema_name)
        if isinstance(error, IntegrityError) and subdomain_taken(slug):
            raise PortabilityError(PortabilityError.SUBDOMAIN_TAKEN, slug) from error  # taken meanwhile
        raise
    return ImportReport(company=company, tables=len(manifest["tables"]), rows=loaded, files=files, seconds=0,
                        notes=notes, smtp_password=bool(rows.email_settings and rows.email_settings.has_password))


def _rows_restore(*, manifest: dict, rows: PublicRows, slug: str, schema_name: str, work: Path):
    old_folder = portal_files_folder(manifest["source"]["schema_name"])
    new_folder = portal_files_folder(schema_name)
    with connection.cursor() as cursor:
        loaded = tables_import(cursor, schema=schema_name, tables=manifest["tables"], source=work / DATA)
        sequences_import(cursor, schema=schema_name, sequences=manifest["sequences"])
        stored_paths_rewrite(cursor, schema=schema_name, old=old_folder, new=new_folder)
    company, notes = public_rows_restore(rows=rows, schema_name=schema_name, slug=slug,
                                         old_folder=old_folder, new_folder=new_folder)
    return company, loaded, notes


def _undo(schema_name: str) -> None:
    """Remove what a failed import made: its schema, its files, its marker. What cannot be
    removed now (the database gone) is the sweep's: the marker ages, the schema is an orphan."""
    with contextlib.suppress(DatabaseError):
        connection.set_schema_to_public()
        if schema_exists(schema_name):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema_name)} CASCADE")
    try:
        storage_folder_delete(portal_files_folder(schema_name))
    except Exception:
        logger.exception("Failed import: remove %s from storage by hand", portal_files_folder(schema_name))
    with contextlib.suppress(DatabaseError):
        PendingSchema.objects.filter(schema_name=schema_name).delete()
