"""Periodic per-portal work sent only to the portals that have some of it due.

`each_portal` sends a task to every portal; with a thousand portals most of them have nothing
to do most minutes. A task may say what makes it due (`due_when`: querysets of the portal's
own tables, the same ones the task itself reads); then one statement per `CHUNK` portals asks
every schema at once whether any of them has a row, and only those portals get the task.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet

CHUNK = 200
_DUE: dict[str, Callable[[], list[QuerySet]]] = {}


def due_when(task_name: str, querysets: Callable[[], list[QuerySet]]) -> None:
    """`task_name` is due in a portal when any of `querysets()` has a row there."""
    _DUE[task_name] = querysets


_SCHEMA = "\x00schema\x00"  # where each portal's schema goes in the compiled condition


def _condition(querysets: list[QuerySet]) -> tuple[str, list]:
    """`EXISTS (...) OR ...` over the querysets, compiled once, with its tables qualified by a
    placeholder for the schema (so one statement can read many schemas), and its parameters."""
    parts, params = [], []
    for queryset in querysets:
        query = queryset.order_by().values("pk")[:1].query
        sql, query_params = query.get_compiler(connection=connection).as_sql()
        for table in {alias.table_name for alias in query.alias_map.values()}:
            quoted = connection.ops.quote_name(table)
            sql = sql.replace(quoted, f"{_SCHEMA}.{quoted}")
        parts.append(f"EXISTS ({sql})")
        params += query_params
    return " OR ".join(parts), params


def schemas_due(task_name: str, schemas: list[str]) -> list[str]:
    """The `schemas` where `task_name` has something due (all of them for a task that did not
    say what makes it due)."""
    check = _DUE.get(task_name)
    if check is None:
        return list(schemas)
    condition, condition_params = _condition(check())
    due: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), CHUNK):
            chunk = schemas[start:start + CHUNK]
            statement = " UNION ALL ".join(
                "SELECT %s::text WHERE " + condition.replace(_SCHEMA, connection.ops.quote_name(schema))
                for schema in chunk)
            cursor.execute(statement, [param for schema in chunk for param in (schema, *condition_params)])
            due += [row[0] for row in cursor.fetchall()]
    return due
