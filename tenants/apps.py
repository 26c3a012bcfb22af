from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Empresas"

    def ready(self):
        from celery.signals import task_postrun
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_save

        from tenants.connections import recycle_wide_connections
        from tenants.models import Company, Domain

        # The companies each process remembers by hostname (tenants.lookup) are read again after
        # any change to one of these rows.
        for model in (Company, Domain):
            post_save.connect(_lookup_forget, sender=model, dispatch_uid=f"tenants-lookup-{model.__name__}")
            post_delete.connect(_lookup_forget, sender=model, dispatch_uid=f"tenants-lookup-del-{model.__name__}")

        request_finished.connect(recycle_wide_connections, dispatch_uid="tenants-recycle-wide")
        task_postrun.connect(recycle_wide_connections, dispatch_uid="tenants-recycle-wide", weak=False)


def _lookup_forget(**kwargs):
    from tenants import lookup

    lookup.forget()
