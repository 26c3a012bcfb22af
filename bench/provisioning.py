"""Crear Portal: the whole "Continuar" POST on our path (claiming a pre-migrated spare
schema) beside django-tenants' default create (CREATE SCHEMA + every tenant migration) of
the same portal, in one run on a fresh database. Then the POST with an empty pool (the schema
made from the template in the request), each case in its own process and database, the three
taken in turn twice: at today's migrations; with 100 extra synthetic migrations (a temporary
tenant app) that each add an indexed column; and with 100 that add and remove a column in turn
(a longer history, the same schema). Flat means the same figure for today and the longer
history; the second case also pays for a bigger schema. Last, each case's template script alone,
the three in turn on one connection (processes and fresh databases add noise of their own on
this machine; this comparison has none of it).

    .venv/bin/python bench/provisioning.py [--ours N] [--default N] [--empty N] [--extra-migrations 100]

Last line: JSON with ours_p50_ms, ours_p95_ms, default_p50_ms, empty_pool_p50_ms,
empty_pool_extra_migrations_p50_ms (100 more migrations, the same schema: the flatness in the
history the target asks for), empty_pool_bigger_schema_p50_ms (100 more that add 99 indexed
columns), template_script_p50_ms and more.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import django_with_fresh_database, percentile, synthetic_tenant_app


def _post(index, prefix):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    data = {"name": f"Bench {prefix} {index}", "email": f"{prefix}{index}@bench.test",
            "password": "cuenta2024x", "password_repeat": "cuenta2024x"}
    started = time.perf_counter()
    response = client.post("/", data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def _empty_pool_post(index):
    """Crear Portal with no spare waiting: the request makes the schema (from the template)."""
    from tenants.models import Company

    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)
    return _post(index, "vacio")


def _empty_pool_figures(runs: int) -> list[float]:
    from tenants import schema_template

    assert schema_template.template_refresh(), "pg_dump could not capture the template"
    _empty_pool_post("calentamiento")
    return [_empty_pool_post(index) for index in range(runs)]


def _empty_pool_child(extra: int, runs: int, *, churn: bool = False) -> dict:
    """In a child process on a fresh database whose code has `extra` more migrations (with
    `churn`, fields added and removed again: the history grows, the schema does not): the
    empty-pool POST times (s) and the template script it captured."""
    output = subprocess.run([sys.executable, __file__, "--empty-only", "--extra-migrations", str(extra),
                             "--empty", str(runs), *(["--churn"] if churn else [])],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _empty_pool_cases(extra: int, runs: int, rounds: int = 2) -> tuple[dict[str, float], dict[str, str]]:
    """The three empty-pool cases' p50 (ms), each in its own process, taken in turn over
    `rounds` rounds so that a slow minute of this noisy machine does not fall on one case only;
    and each case's template script."""
    cases = {"today": (0, False), "extra": (extra, False), "history": (extra, True)}
    times = {name: [] for name in cases}
    scripts = {}
    for _ in range(rounds):
        for name, (migrations, churn) in cases.items():
            child = _empty_pool_child(migrations, max(1, runs // rounds), churn=churn)
            times[name] += child["times"]
            scripts[name] = child["script"]
    return {name: round(statistics.median(values) * 1000, 1) for name, values in times.items()}, scripts


def _script_alone_ms(scripts: dict[str, str], runs: int = 12) -> dict[str, float]:
    """Each case's captured template script run alone, the cases in turn on one connection: the
    same minute of this machine for all three, so the script's own cost shows (the history case
    differs from today's by one table and one INSERT of migration rows)."""
    from django.db import connection

    from tenants.schema_template import statements_run

    times = {name: [] for name in scripts}
    for index in range(runs + 2):
        for name, script in scripts.items():
            started = time.perf_counter()
            statements_run(f"bench_script_{name}_{index}", script)
            if index >= 2:  # the first two warm the connection's catalog caches
                times[name].append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        for name in scripts:
            for index in range(runs + 2):
                cursor.execute(f"DROP SCHEMA bench_script_{name}_{index} CASCADE")
    return {name: round(statistics.median(values) * 1000, 1) for name, values in times.items()}


def empty_only(args):
    if args.extra_migrations:
        synthetic_tenant_app(Path(tempfile.mkdtemp(prefix="bench-provisioning-")),
                             migrations=args.extra_migrations, churn=args.churn)
    django_with_fresh_database("provisioning_extra")
    from tenants.models import SchemaTemplate

    times = _empty_pool_figures(args.empty)
    print(json.dumps({"times": times, "script": SchemaTemplate.objects.get().statements}))


def _no_abuse_limits() -> None:
    """Every POST comes from this one client: the abuse limits (tested in the suite) would refuse
    all but the first few, and they are not what is measured here."""
    for name in ("PORTAL_CREATES_PER_IP_PER_DAY", "PORTAL_CREATES_PER_EMAIL_PER_DAY", "PORTAL_CREATES_PER_HOUR",
                 "PORTAL_PREVIEWS_PER_IP_PER_MINUTE"):
        os.environ[name] = "1000000"


def main():
    _no_abuse_limits()
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", type=int, default=30)
    parser.add_argument("--default", type=int, default=8)
    parser.add_argument("--empty", type=int, default=20)
    parser.add_argument("--extra-migrations", type=int, default=100)
    parser.add_argument("--empty-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--churn", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.empty_only:
        return empty_only(args)
    django_with_fresh_database("provisioning")

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django_tenants.utils import tenant_context

    from portal_core.accounts.services import admin_account_create
    from provisioning import services
    from tenants.models import Company, Domain, new_schema_name

    def ours(index):
        services.spare_pool_refill(size=1)  # the background task's job, outside the timing
        return _post(index, "nuestro")

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
    empty_p50, scripts = _empty_pool_cases(args.extra_migrations, args.empty)
    script_ms = _script_alone_ms(scripts)

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
        "empty_pool_p50_ms": empty_p50["today"],
        "empty_pool_extra_migrations_p50_ms": empty_p50["history"],
        "empty_pool_bigger_schema_p50_ms": empty_p50["extra"],
        "extra_migrations": args.extra_migrations,
        "empty_pool_target_p50_ms": 600,
        "template_script_p50_ms": script_ms,
    }
    print(f"Our POST (claim a spare):      p50 {figures['ours_p50_ms']} ms, p95 {figures['ours_p95_ms']} ms "
          f"over {len(ours_times)} portals")
    print(f"django-tenants default create: p50 {figures['default_p50_ms']} ms, p95 {figures['default_p95_ms']} ms "
          f"over {len(default_times)} portals ({figures['migrations_in_project']} migrations on disk)")
    print(f"Empty pool (schema from the template in the POST): p50 {figures['empty_pool_p50_ms']} ms; "
          f"with {args.extra_migrations} more migrations: p50 {empty_p50['extra']} ms (they add "
          f"{args.extra_migrations - 1} indexed columns); with {args.extra_migrations} more that add and remove"
          f" a column in turn (a longer history, the same schema): p50 {empty_p50['history']} ms")
    print(f"The template script alone, the three in turn on one connection: today {script_ms['today']} ms, "
          f"{args.extra_migrations - 1} more indexed columns {script_ms['extra']} ms, longer history "
          f"{script_ms['history']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
