"""The base for Celery tasks that work on one portal's data.

tenant-schemas-celery puts the sender's schema in each message and activates it in the
worker. A task built on TenantOnlyTask also refuses to be sent from, or to run in, the public
schema: portal data is never read or written without a portal's schema active.
"""

from functools import partial

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask


class PublicSchemaError(RuntimeError):
    pass


class TenantOnlyTask(TenantTask):
    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        headers = options.get("headers") or {}
        schema = headers.get("_schema_name", connection.schema_name)
        if schema == get_public_schema_name():
            raise PublicSchemaError(f"{self.name} must be sent with a portal schema active")
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise PublicSchemaError(f"{self.name} refused to run in the public schema")
        return super().__call__(*args, **kwargs)


tenant_task = partial(shared_task, base=TenantOnlyTask)


@shared_task(name="tenants.tasks.each_portal", ignore_result=True)
def each_portal(task_name: str) -> int:
    """Send a tenant task to every active portal that has some of its work due (see
    tenants.fanout; every active portal for a task that does not say what makes it due)."""
    from config.celery import app

    from .fanout import schemas_due
    from .models import Company

    schemas = list(Company.objects.filter(status=Company.Status.ACTIVE)
                   .exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))
    try:
        due = schemas_due(task_name, schemas)
    finally:
        if not connection.in_atomic_block:  # it read a table or two of every schema: their
            connection.close()              # catalogs go with the connection
    for schema_name in due:
        app.send_task(task_name, headers={"_schema_name": schema_name})
    return len(due)
