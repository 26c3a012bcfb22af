"""`portal_export`: one portal, whole, into one archive (see `archive` for its layout)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from tenants.models import Company
from tenants.schema_migrations import migration_leaves
from tenants.services import portal_files_folder

from .archive import DATA, FILES, FORMAT, PUBLIC, archive_write
from .files import files_export
from .public_rows import public_rows_export
from .tables import sequences_export, tables_export


@dataclass(frozen=True)
class ExportReport:
    path: Path
    size: int  # bytes of the archive
    tables: int
    rows: int
    files: int
    seconds: float


def portal_export(*, company: Company, path: str | Path) -> ExportReport:
    """Write the archive of `company` at `path`: its schema's rows (one snapshot), its public
    rows and its stored files. Nothing of the portal changes; a failure leaves no archive."""
    started, path = time.monotonic(), Path(path)
    connection.set_schema_to_public()
    with tempfile.TemporaryDirectory(prefix="portal-export-") as work:
        work = Path(work)
        tables, sequences = _rows_export(company, work)
        # Files after the rows' snapshot: a file added meanwhile comes along without its row
        # (harmless); one replaced meanwhile (a new logo) is missing: export again.
        files = files_export(folder=portal_files_folder(company.schema_name), into=work / FILES)
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "migrations": migration_leaves(),
            "source": {"schema_name": company.schema_name, "slug": company.slug, "hostname": company.hostname},
            "tables": tables, "sequences": sequences,
        }
        size = archive_write(source_dir=work, manifest=manifest, path=path)
    return ExportReport(path=path, size=size, tables=len(tables), rows=sum(table["rows"] for table in tables),
                        files=files, seconds=time.monotonic() - started)


def _rows_export(company: Company, work: Path) -> tuple[list[dict], list[dict]]:
    """The schema's tables and sequences and the public rows, all from one snapshot."""
    snapshot = not connection.in_atomic_block  # inside a caller's transaction, its snapshot
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = tables_export(cursor, schema=company.schema_name, into=work / DATA)
        sequences = sequences_export(cursor, schema=company.schema_name)
        public_rows_export(company_id=company.pk, path=work / PUBLIC)
    return tables, sequences
