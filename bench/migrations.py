"""Deploy migrations at many portals: `portals_migrate` with nothing to apply beside
django-tenants' `migrate_schemas` (standard executor), and `portals_migrate` applying one new
migration (AddField + index) to every portal, in one run on a fresh database.

Portals are made quickly from the schema template (tenants.schema_template), so every schema
holds the real tables and `django_migrations` rows. The standard executor runs on the first
`--standard-portals` portals only (it takes about 0.5 s a schema); its figure is extrapolated to
`--portals` and said so. A synthetic tenant app (a temporary folder, never in the tree) carries
the new migration.

    .venv/bin/python bench/migrations.py [--portals 1000] [--standard-portals 100] [--processes 2]

Sizing figures in the same run: disk per empty portal (the database's growth over the portals
made after the first `--standard-portals`, catalogs included), and `pg_dump` of one portal and of
the whole database at `--standard-portals` portals (the whole dump takes a lock per table, which
the server's max_locks_per_transaction must allow; the figure printed says what it needs at
`--portals`).

Last line: JSON with portals, noop_s, standard_noop_s, standard_portals, apply_one_s, and the
sizing figures (disk_per_portal_kb, pg_dump_one_s, pg_dump_all_s, pg_dump_all_portals,
locks_needed).
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from _setup import django_with_fresh_database, portals_from_template, synthetic_migration_add, synthetic_tenant_app


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def _pg_dump_s(*schema: str) -> float:
    """Seconds of a custom-format dump of `schema` (of everything without one) to /dev/null."""
    from django.db import connection

    from tenants.schema_template import pg_dump_path

    db = connection.settings_dict
    command = [pg_dump_path(), "-Fc", "--no-sync", "-f", os.devnull, *(["-n", schema[0]] if schema else []), db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    started = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""})
    return time.perf_counter() - started


def _tables_per_portal() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'portal_schema_template'")
        return cursor.fetchone()[0]


def _sizing(first: int, portals: int, growth_bytes: int, schema: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_locks_per_transaction')::int,"
                       " current_setting('max_connections')::int")
        max_locks, max_connections = cursor.fetchone()
    locks_needed = -(-(_tables_per_portal() * 2 * (portals + 1)) // max_connections)  # tables and sequences
    figures = {"disk_per_portal_kb": round(growth_bytes / max(1, portals - first) / 1024),
               "pg_dump_one_s": round(_pg_dump_s(schema), 2), "pg_dump_all_portals": first,
               "locks_needed": locks_needed, "max_locks_per_transaction": max_locks}
    print(f"Disk per empty portal: {figures['disk_per_portal_kb']} KB; pg_dump of one portal "
          f"{figures['pg_dump_one_s']} s; the whole dump at {portals} portals needs max_locks_per_transaction"
          f" >= {locks_needed} with max_connections {max_connections} (this server: {max_locks})")
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--portals", type=int, default=1000)
    parser.add_argument("--standard-portals", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    folder = synthetic_tenant_app(Path(tempfile.mkdtemp(prefix="bench-migrations-")))
    django_with_fresh_database("migrations")
    from django.core.management import call_command

    from tenants import schema_template

    assert schema_template.template_refresh(), "pg_dump could not capture the template"
    quiet = {"verbosity": 0, "stdout": open(os.devnull, "w")}  # noqa: SIM115
    first = min(args.standard_portals, args.portals)
    portals_from_template(0, first, args.processes)
    standard_s = _timed(lambda: call_command("migrate_schemas", tenant=True, interactive=False, **quiet))
    ours_small_s = _timed(lambda: call_command("portals_migrate", processes=args.processes, **quiet))
    print(f"{first} portals: migrate_schemas (nothing to do) {standard_s:.1f} s, portals_migrate {ours_small_s:.1f} s")
    dump_all_s = _pg_dump_s()
    print(f"{first} portals: pg_dump of the whole database {dump_all_s:.1f} s")
    started, size_before = time.perf_counter(), _database_bytes()
    made = portals_from_template(first, args.portals - first, args.processes)
    print(f"{args.portals} portals made from the template in {time.perf_counter() - started:.0f} s")
    sizing = _sizing(first, args.portals, _database_bytes() - size_before, made[-1].schema_name if made else "public")
    noop_s = _timed(lambda: call_command("portals_migrate", processes=args.processes, **quiet))
    synthetic_migration_add(folder, 2)
    apply_one_s = _timed(lambda: call_command("portals_migrate", processes=args.processes, **quiet))
    standard_extrapolated = standard_s * args.portals / first
    figures = {"portals": args.portals, "noop_s": round(noop_s, 2), "standard_noop_s": round(standard_s, 2),
               "standard_portals": first, "standard_noop_extrapolated_s": round(standard_extrapolated, 1),
               "apply_one_s": round(apply_one_s, 2), "processes": args.processes,
               "target_noop_s": 10, "target_apply_one_s": 90, "pg_dump_all_s": round(dump_all_s, 2), **sizing}
    print(f"{args.portals} portals, nothing to apply: portals_migrate {noop_s:.1f} s "
          f"(baseline migrate_schemas: {standard_s:.1f} s at {first}, about {standard_extrapolated:.0f} s "
          f"at {args.portals} extrapolated)")
    print(f"{args.portals} portals, one new migration (AddField + index): portals_migrate {apply_one_s:.1f} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
