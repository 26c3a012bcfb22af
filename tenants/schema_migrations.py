"""Deploy migrations that skip what is done.

`migrate_schemas` asks every schema in turn what it lacks, which costs about half a second a
schema even with nothing to do. Here one query reads, across every portal schema (spares
included), whether the code's newest migrations are recorded there; only the schemas that lack
one are migrated, by `MIGRATION_PROCESSES` processes at once. A schema is up to date when every
leaf of the migration graph is recorded in its `django_migrations` (a leaf is applied only after
everything it depends on), so a deploy that crashed half-way is resumed by running it again.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, connections
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name, get_tenant_base_migrate_command_class
from psycopg import sql

from tenants.models import Company

UNION_CHUNK = 500  # schemas per statement: one statement's text stays well under a megabyte


@dataclass(frozen=True)
class SchemaFailure:
    schema: str
    error: str


def migration_leaves() -> list[str]:
    """`app.name` of each newest migration of the code (the graph's leaves)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())


def portal_schemas() -> list[str]:
    """Every portal's schema, spares and suspended ones included, never the public one."""
    return list(Company.objects.exclude(schema_name=get_public_schema_name())
                .order_by("schema_name").values_list("schema_name", flat=True))


def _existing(schemas: list[str]) -> tuple[set[str], set[str]]:
    """The schemas that exist, and those of them that have a `django_migrations` table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                       " WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)", [schemas])
        return present, {row[0] for row in cursor.fetchall()}


def _leaves_recorded(schemas: list[str], leaves: list[str]) -> dict[str, int]:
    """How many of `leaves` each schema has recorded: one UNION ALL statement per chunk."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), UNION_CHUNK):
            statement = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {}::text, count(*) FROM {}.django_migrations"
                        " WHERE app || '.' || name = ANY(%(leaves)s)")
                .format(sql.Literal(schema), sql.Identifier(schema))
                for schema in schemas[start:start + UNION_CHUNK])
            cursor.execute(statement.as_string(cursor.connection), {"leaves": leaves})
            counts.update(dict(cursor.fetchall()))
    return counts


def schemas_pending(*, schemas: list[str], leaves: list[str]) -> tuple[list[str], list[str]]:
    """The schemas that lack a migration, and those that do not exist at all (to report)."""
    present, with_table = _existing(schemas)
    counts = _leaves_recorded(sorted(with_table), leaves)
    pending = [schema for schema in schemas if schema in present and counts.get(schema, 0) < len(leaves)]
    return pending, [schema for schema in schemas if schema not in present]


def _migrate_options(verbosity: int) -> dict:
    command = get_tenant_base_migrate_command_class()()
    options = vars(command.create_parser("manage.py", "migrate").parse_args([]))
    return {**options, "verbosity": verbosity, "interactive": False, "skip_checks": True}


def _migrate_schema(schema: str) -> SchemaFailure | None:
    """Migrate one schema in this (worker) process: the fast path when it is at the same state as
    one migrated before, else as `migrate_schemas -s` does."""
    try:
        if not _apply_planned(schema):
            run_migrations([], _migrate_options(0), "portals_migrate", schema, allow_atomic=False)
    except Exception as error:  # reported with the others; the remaining schemas still migrate
        connection.close()
        return SchemaFailure(schema, f"{type(error).__name__}: {error}".splitlines()[0][:500])
    finally:
        connection.set_schema_to_public()
    _recycle_connection()
    return None


# Per worker process: for each set of applied migrations, the plan to the newest ones and the
# project state before it. Rendering that state is most of what a one-migration deploy costs a
# schema; schemas at the same state share it (as they do after any deploy).
_plans: dict[frozenset, tuple[MigrationExecutor, list, list, ProjectState] | None] = {}
# Operations that add, rename or re-describe no model: after them the post_migrate handlers
# (content types, permissions) find nothing to do, and skipping them saves about 100 ms a schema.
QUIET_OPERATIONS = (operations.AddField, operations.RemoveField, operations.AlterField, operations.RenameField,
                    operations.AddIndex, operations.RemoveIndex, operations.RenameIndex, operations.AddConstraint,
                    operations.RemoveConstraint, operations.AlterUniqueTogether, operations.RunSQL,
                    operations.RunPython)
_schemas_on_connection = 0
SCHEMAS_PER_CONNECTION = 50  # then the connection ends, with the catalogs of those schemas


def _apply_planned(schema: str) -> bool:
    """Apply the missing migrations forwards with a cached plan and state; False when this
    schema needs the standard way (no migrations table yet, or not only forwards)."""
    connection.set_schema(schema)
    if not _has_migrations_table(schema):
        return False
    applied = _applied_migrations()
    if applied not in _plans:
        _plans[applied] = _planned()
    if _plans[applied] is None:
        return False
    executor, targets, plan, state = _plans[applied]
    if plan:
        executor.migrate(targets, plan=plan, state=state.clone())
        if post_migrate_needed(plan):
            emit_post_migrate_signal(0, False, connection.alias, apps=global_apps, plan=plan)
    return True


def _planned() -> tuple[MigrationExecutor, list, list, ProjectState] | None:
    """The plan from this schema's migrations to the newest ones, and the state before it; None
    when the plan is not for the fast path: backwards, or renaming a model (the content types'
    rename is injected by a pre_migrate handler that only the standard way runs)."""
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    if any(backwards for _migration, backwards in plan) or renames_model(plan):
        return None
    state = executor._create_project_state(with_applied_migrations=True)
    state.apps  # noqa: B018 (rendered once here: each schema's clone copies it instead of rendering)
    return executor, targets, plan, state


def post_migrate_needed(plan: list) -> bool:
    return not all(isinstance(operation, QUIET_OPERATIONS) for operation in _operations(plan))


def renames_model(plan: list) -> bool:
    return any(isinstance(operation, operations.RenameModel) for operation in _operations(plan))


def _operations(plan: list) -> Iterator[operations.base.Operation]:
    for migration, _backwards in plan:
        for operation in migration.operations:
            yield operation
            if isinstance(operation, operations.SeparateDatabaseAndState):
                yield from (*operation.database_operations, *operation.state_operations)


def _applied_migrations() -> frozenset[tuple[str, str]]:
    """As MigrationRecorder.applied_migrations() without its introspection, which lists every
    table visible to the connection: 8 ms with 40 portals, 140 ms with 1,000."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return frozenset(cursor.fetchall())


def _has_migrations_table(schema: str) -> bool:
    """Without django's introspection (see _applied_migrations)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL",
                       [sql.Identifier(schema, "django_migrations").as_string(cursor.connection)])
        return cursor.fetchone()[0]


def _recycle_connection() -> None:
    global _schemas_on_connection
    _schemas_on_connection += 1
    if _schemas_on_connection >= SCHEMAS_PER_CONNECTION:
        connection.close()
        _schemas_on_connection = 0


def schemas_migrate(*, schemas: list[str], processes: int,
                    progress: Callable[[int, int, list[SchemaFailure]], None]) -> list[SchemaFailure]:
    """Migrate `schemas`, `processes` at a time (in this process when 1); `progress(done, total,
    failures)` after each schema. Returns the failures."""
    _plans.clear()  # plans are of the migrations on disk now (a bench adds one between runs)
    failures: list[SchemaFailure] = []
    for done, failure in enumerate(_results(schemas, processes), start=1):
        if failure is not None:
            failures.append(failure)
        progress(done, len(schemas), failures)
    return failures


def _results(schemas: list[str], processes: int) -> Iterator[SchemaFailure | None]:
    if processes <= 1 or len(schemas) <= 1:
        yield from map(_migrate_schema, schemas)
        return
    connections.close_all()  # children must not share the parent's connection
    with multiprocessing.get_context("fork").Pool(processes, maxtasksperchild=200) as pool:
        yield from pool.imap_unordered(_migrate_schema, schemas)


def public_migrate(*, verbosity: int) -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)


def elapsed_since(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"
