"""The Celery app. Tasks sent from a tenant request carry its schema and run inside it
(tenant-schemas-celery); tasks sent from the public schema run in the public schema."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
