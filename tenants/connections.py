"""Connections that end before they hold too many portals' catalogs.

A PostgreSQL backend keeps the catalog caches of every schema it has touched (about 445 KB a
schema, never freed) until it ends. So each connection notes the schemas it is pointed at, and
at the end of a request or a task, one pointed at more than DATABASE_SCHEMAS_PER_CONNECTION
portals is closed; the next request opens a fresh one (a few milliseconds). CONN_MAX_AGE,
gunicorn's max_requests and Celery's max_tasks_per_child bound it in time as well.
"""

from django.conf import settings
from django.db import connections


def schema_noted(connection, tenant) -> None:
    """django-tenants' EXTRA_SET_TENANT_METHOD_PATH: called on every change of schema."""
    if not hasattr(connection, "schemas_touched"):
        connection.schemas_touched = set()
    touched = connection.schemas_touched
    if connection.connection is None:  # not connected (or closed since): a new backend starts clean
        touched.clear()
    touched.add(tenant.schema_name)


def recycle_wide_connections(**_signal) -> None:
    """request_finished and task_postrun: close each connection past the limit (0: never)."""
    limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
    for connection in connections.all(initialized_only=True):
        touched = getattr(connection, "schemas_touched", set())
        if limit and len(touched) > limit and not connection.in_atomic_block:
            connection.close()
            connection.schemas_touched = {connection.schema_name}  # where the next backend starts
