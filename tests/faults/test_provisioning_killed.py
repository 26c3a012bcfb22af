"""The process running "Crear Portal" SIGKILLed after it built the new schema and before it
recorded the portal: the portals sweep drops the orphan schema, and the name can be taken."""

import sys
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from provisioning import services as provisioning
from provisioning.subdomains import subdomain_from_name
from provisioning.sweep import portals_sweep
from tenants.models import Company, PendingSchema
from tests.conftest import PASSWORD
from tests.faults.conftest import kill_held, wait_for_the_waiting_backend
from tests.faults.processes import Process, child_env

NAME = "Portal Interrumpido"
CREATE = ("import django; django.setup()\n"
          "from provisioning.services import portal_create\n"
          f"portal_create(name={NAME!r}, email='admin@interrumpido.test', password={PASSWORD!r})\n")


def test_a_portal_creation_killed_midway_leaves_no_schema_once_swept_and_the_name_free(
        committed_db, holder, tmp_path):
    # given an empty spare pool (the create builds its schema itself), and the portals table
    # held by another session: the process will build the schema, then wait to record it
    provisioning.portal_create(name="Toma el repuesto", email="admin@repuesto.test", password=PASSWORD)
    assert not Company.objects.filter(status=Company.Status.SPARE).exists()
    holder.lock(f"LOCK TABLE {connection.ops.quote_name(Company._meta.db_table)} IN SHARE MODE")

    # when Crear Portal runs in a process that is killed there
    creating = Process([sys.executable, "-c", CREATE], child_env(), tmp_path / "create.log")
    with creating:
        kill_held(creating, holder, wait_for_the_waiting_backend(creating))
    orphan = PendingSchema.objects.get().schema_name
    assert schema_exists(orphan)
    assert not Company.objects.filter(slug=subdomain_from_name(NAME)).exists()

    # and the sweep runs once the build's grace is over
    PendingSchema.objects.update(started_at=timezone.now() - timedelta(
        minutes=settings.PORTAL_ORPHAN_SCHEMA_GRACE_MINUTES + 1))
    report = portals_sweep()

    # then the half-made schema and its marker are gone
    assert report.orphans_dropped == [orphan]
    assert not schema_exists(orphan) and not PendingSchema.objects.exists()
    # and the portal's name is free: Crear Portal with it works
    company = provisioning.portal_create(name=NAME, email="admin@interrumpido.test", password=PASSWORD)
    assert company.slug == subdomain_from_name(NAME) and schema_exists(company.schema_name)
