"""The Celery app. Tasks sent from a tenant request carry its schema and run inside it
(tenant-schemas-celery); tasks sent from the public schema run in the public schema. Tasks
also carry the request id of whatever sent them (config.observability.celery_hooks)."""

import os

from tenant_schemas_celery.app import CeleryApp

from config.observability import multiproc_dir_default

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
if os.environ["DJANGO_SETTINGS_MODULE"].endswith(".production"):
    multiproc_dir_default()

from config.observability import celery_hooks  # noqa: F401 - connects the signal handlers

app = CeleryApp("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
