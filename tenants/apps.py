from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Empresas"

    def ready(self):
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from tenants.connections import recycle_wide_connections

        request_finished.connect(recycle_wide_connections, dispatch_uid="tenants-recycle-wide")
        task_postrun.connect(recycle_wide_connections, dispatch_uid="tenants-recycle-wide", weak=False)
