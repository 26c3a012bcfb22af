"""Crear Portal: the whole "Continuar" POST on our path (claiming a pre-migrated spare
schema) beside django-tenants' default create (CREATE SCHEMA + every tenant migration) of
the same portal, in one run on a fresh database.

    .venv/bin/python bench/provisioning.py [--ours N] [--default N]

Last line: JSON with ours_p50_ms, ours_p95_ms, default_p50_ms and more.
"""

import argparse
import json
import statistics
import time

from _setup import django_with_fresh_database, percentile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", type=int, default=30)
    parser.add_argument("--default", type=int, default=8)
    args = parser.parse_args()
    django_with_fresh_database("provisioning")

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.test import Client
    from django_tenants.utils import tenant_context

    from portal_core.accounts.services import admin_account_create
    from provisioning import services
    from tenants.models import Company, Domain, new_schema_name

    def ours(index):
        services.spare_pool_refill(size=1)  # the background task's job, outside the timing
        client = Client(HTTP_HOST="localhost")
        data = {"name": f"Bench Nuestro {index}", "email": f"a{index}@bench.test",
                "password": "bench1234", "password_repeat": "bench1234"}
        started = time.perf_counter()
        response = client.post("/", data)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return elapsed

    def default(index):
        started = time.perf_counter()
        company = Company(schema_name=new_schema_name(), name=f"Bench Default {index}",
                          slug=f"bench-default-{index}", status=Company.Status.ACTIVE)
        company.save()
        company.create_schema(check_if_exists=True, verbosity=0)  # what auto_create_schema=True runs
        Domain.objects.create(domain=company.hostname, tenant=company)
        with tenant_context(company):
            admin_account_create(email=f"d{index}@bench.test", password_hash=make_password("bench1234"))
        elapsed = time.perf_counter() - started
        connection.set_schema_to_public()
        return elapsed

    ours("calentamiento")  # warm-up: imports, template and password-list loading
    ours_times = [ours(i) for i in range(args.ours)]
    default_times = [default(i) for i in range(args.default)]

    loader = MigrationLoader(None, ignore_no_migrations=True)
    figures = {
        "ours_p50_ms": round(statistics.median(ours_times) * 1000, 1),
        "ours_p95_ms": round(percentile(ours_times, 0.95) * 1000, 1),
        "default_p50_ms": round(statistics.median(default_times) * 1000, 1),
        "default_p95_ms": round(percentile(default_times, 0.95) * 1000, 1),
        "ours_runs": len(ours_times),
        "default_runs": len(default_times),
        "migrations_in_project": len(loader.disk_migrations),
        "target_p50_ms": 200,
    }
    print(f"Our POST (claim a spare):      p50 {figures['ours_p50_ms']} ms, p95 {figures['ours_p95_ms']} ms "
          f"over {len(ours_times)} portals")
    print(f"django-tenants default create: p50 {figures['default_p50_ms']} ms, p95 {figures['default_p95_ms']} ms "
          f"over {len(default_times)} portals ({figures['migrations_in_project']} migrations on disk)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
