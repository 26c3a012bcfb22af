"""Fixtures of the security suites: the isolation matrix's two portals with their objects and sessions."""

import secrets
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing_views.models import ZipJob
from portal_core.access import services as access
from portal_core.accounts.models import User
from tests.security.isolation_world import ID_FLOOR, World, fast_passwords, log_in, seed_portal


@pytest.fixture
def world(alfa, beta, settings, tmp_path):
    started = time.monotonic()
    settings.MEDIA_ROOT = str(tmp_path / "media")  # this test's stored files only
    fast_passwords(settings, alfa, beta)
    seeds = {"alfa": seed_portal(alfa, "A")}
    with connection.cursor() as cursor:  # beta's ids above every id of alfa
        cursor.execute("SELECT setval(format('%%I.%%I', schemaname, sequencename),"
                       " GREATEST(COALESCE(last_value, 1), %s)) FROM pg_sequences WHERE schemaname = %s",
                       [ID_FLOOR, beta.schema_name])
    seeds["beta"] = seed_portal(beta, "B")
    connection.set_schema_to_public()
    # No id of one portal exists in the other.
    for kind, values in seeds["beta"].own.items():
        for kwargs in values:
            assert all(v >= ID_FLOOR for v in kwargs.values() if isinstance(v, int)), (kind, kwargs)
    with tenant_context(beta):
        assert not User.objects.filter(pk=seeds["alfa"].own["account"][0]["user_id"]).exists()
    # A ready download of beta: its job is a row of beta's schema, which alfa's host never reads.
    with tenant_context(beta):
        token = secrets.token_urlsafe(16)
        ZipJob.objects.create(token=token, user=seeds["beta"].accounts["cliente"], status="ready", total=0,
                              expires_at=timezone.now() + timedelta(hours=1))
        seeds["beta"].other["download"].append({"token": token})

    sessions = {}
    for slug in ("alfa", "beta"):
        seed = seeds[slug]
        for name in ("admin", "cliente", "ajeno", "proveedor", "otroprov", "baja", "suspendido", "admin_baja"):
            sessions[f"{slug}:{name}"] = log_in(seed.company, seed.accounts[name].email)
    # Deactivated while their sessions are live: the account through the admin's service, the
    # second admin (whom the service protects) directly; the inactive parties came from the ERP.
    with tenant_context(alfa):
        access.account_set_active(user_id=seeds["alfa"].accounts["baja"].pk, active=False,
                                  by=seeds["alfa"].accounts["admin"])
        User.objects.filter(pk=seeds["alfa"].accounts["admin_baja"].pk).update(is_active=False)
    connection.set_schema_to_public()
    print(f"\nlos dos portales y sus sesiones: {time.monotonic() - started:.1f} s")
    return World(alfa=seeds["alfa"], beta=seeds["beta"], sessions=sessions)


@pytest.fixture
def alfa_admin_session(alfa, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    fast_passwords(settings, alfa)
    return log_in(alfa, "admin@alfa.test")
