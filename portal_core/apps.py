from django.apps import AppConfig


class PortalCoreConfig(AppConfig):
    name = "portal_core"
    verbose_name = "Portal"

    def ready(self):
        # Registers the OpenAPI extension that documents request bodies from the pydantic models.
        from portal_core.erp.api import docs  # noqa: F401
