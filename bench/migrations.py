"""Deploy migrations at many portals: `portals_migrate` with nothing to apply beside
django-tenants' `migrate_schemas` (standard executor), and `portals_migrate` applying one new
migration (AddField + index) to every portal, in one run on a fresh database.

Portals are made quickly from the schema template (tenants.schema_template), so every schema
holds the real tables and `django_migrations` rows. The standard executor runs on the first
`--standard-portals` portals only (it takes about 0.5 s a schema); its figure is extrapolated to
`--portals` and said so. A synthetic tenant app (a temporary folder, never in the tree) carries
the new migration.

    .venv/bin/python bench/migrations.py [--portals 1000] [--standard-portals 100] [--processes 2]

Last line: JSON with portals, noop_s, standard_noop_s, standard_portals, apply_one_s.
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _setup import django_with_fresh_database, portals_from_template, synthetic_migration_add, synthetic_tenant_app


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


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
    started = time.perf_counter()
    portals_from_template(first, args.portals - first, args.processes)
    print(f"{args.portals} portals made from the template in {time.perf_counter() - started:.0f} s")
    noop_s = _timed(lambda: call_command("portals_migrate", processes=args.processes, **quiet))
    synthetic_migration_add(folder, 2)
    apply_one_s = _timed(lambda: call_command("portals_migrate", processes=args.processes, **quiet))
    standard_extrapolated = standard_s * args.portals / first
    figures = {"portals": args.portals, "noop_s": round(noop_s, 2), "standard_noop_s": round(standard_s, 2),
               "standard_portals": first, "standard_noop_extrapolated_s": round(standard_extrapolated, 1),
               "apply_one_s": round(apply_one_s, 2), "processes": args.processes,
               "target_noop_s": 10, "target_apply_one_s": 90}
    print(f"{args.portals} portals, nothing to apply: portals_migrate {noop_s:.1f} s "
          f"(baseline migrate_schemas: {standard_s:.1f} s at {first}, about {standard_extrapolated:.0f} s "
          f"at {args.portals} extrapolated)")
    print(f"{args.portals} portals, one new migration (AddField + index): portals_migrate {apply_one_s:.1f} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
