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


def _exists_sql(queryset: QuerySet, schema: str) -> tuple[str, list]:
    """The queryset's SQL on `schema`'s tables (qualified, so one statement reads many schemas)."""
    query = queryset.order_by().values("pk")[:1].query
    sql, params = query.get_compiler(connection=connection).as_sql()
    quoted_schema = connection.ops.quote_name(schema)
    for table in {alias.table_name for alias in query.alias_map.values()}:
        quoted = connection.ops.quote_name(table)
        sql = sql.replace(quoted, f"{quoted_schema}.{quoted}")
    return f"EXISTS ({sql})", list(params)


def schemas_due(task_name: str, schemas: list[str]) -> list[str]:
    """The `schemas` where `task_name` has something due (all of them for a task that did not
    say what makes it due)."""
    check = _DUE.get(task_name)
    if check is None:
        return list(schemas)
    querysets = check()
    due: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), CHUNK):
            statements, params = [], []
            for schema in schemas[start:start + CHUNK]:
                parts = [_exists_sql(queryset, schema) for queryset in querysets]
                statements.append("SELECT %s::text WHERE " + " OR ".join(sql for sql, _ in parts))
                params += [schema, *(param for _, part_params in parts for param in part_params)]
            cursor.execute(" UNION ALL ".join(statements), params)
            due += [row[0] for row in cursor.fetchall()]
    return due
