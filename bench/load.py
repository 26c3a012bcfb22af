"""The whole product under load on this machine: the production stack (gunicorn with
config.settings.production, a Celery worker and beat) on a fresh database with 50 portals (one
of 200,000 invoices, see bench/_load_portals.py), driven by locust (bench/load_locustfile.py)
for a bounded time: customers and suppliers logging in and walking every section with filters,
PDFs, CSV/XLSX exports and "Descargar todas" (ZIP); the large portal's admin reading the
reports; and the ERP posting small sync batches meanwhile. First the health probe alone on the
same server: the floor of what a request costs there.

Production settings as they are, except for what a loopback run cannot have: the secrets are
generated for the run, and TLS, which the ingress ends in production, is stood in for by
`X-Forwarded-Proto: https` on every request (the cookies are `__Host-` and Secure). Locust runs
on the same cores as the server: its own CPU is part of the load.

    .venv/bin/python bench/load.py [--duration 120] [--users 12] [--think 0] [--portals 50] [--profile]
                                   [--mix all|sections]

`--mix sections` leaves out everything but the section pages and the ERP's batches (no logins
after the first, PDFs, exports, ZIPs or admin reports): what the section pages alone reach on
these cores, beside the default mix's figure.

With --profile each web worker runs under cProfile (bench/_load_profile_gunicorn.py: slower, so
its figures are not the run's) and the share of request time in the tenant lookup, session,
SQL, Redis, templates, hashing, PDFs and XLSX is printed after the table.

Uses DATABASE_URL / REDIS_URL when given (the database `bench_load` is made beside the one
named and dropped at the end), else the embedded services. Prints each endpoint's req/s,
p50/p95/p99 and errors, the targets of issue #14 beside the figures, and the load average; last
line JSON {"errors", "sections_rps", "sections_p95_ms", "health_rps", "endpoints", ...}.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from _load_profile import profile_summary
from _load_stack import production_stack
from _setup import ROOT, django_with_fresh_database, percentile

SECTIONS = ("facturas", "cuenta-corriente", "pedidos", "compras", "cuenta-corriente-proveedor", "retiro-de-pagos")
TARGETS = {"errors": 0, "sections_rps": 250, "sections_p95_ms": 100}
HEALTH_SECONDS = 15


def production_environment(workdir: Path) -> None:
    """config.settings.production's required values, generated for this run."""
    from cryptography.fernet import Fernet

    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ERP_WIDGET_SECRET": secrets.token_urlsafe(32),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PORTAL_BASE_DOMAIN": os.environ.get("PORTAL_BASE_DOMAIN", "localhost"),
        "MEDIA_ROOT": str(workdir / "media"),
    })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--users", type=int, default=12, help="concurrent customers and suppliers")
    parser.add_argument("--think", type=float, default=0, help="seconds each user waits between requests")
    parser.add_argument("--portals", type=int, default=50)
    parser.add_argument("--mix", choices=("all", "sections"), default="all",
                        help="sections: only the section pages and the ERP's batches")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile every web worker and print where request time went (slows them)")
    args = parser.parse_args()
    (ROOT / ".local" / "bench").mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="load-", dir=ROOT / ".local" / "bench"))  # logs kept for reading
    production_environment(workdir)
    django_with_fresh_database("load")
    from _load_portals import portals_create

    plan = workdir / "plan.json"
    portals = portals_create(args.portals - 1)
    plan.write_text(json.dumps(portals))
    with production_stack(workdir, profile=args.profile) as stack:
        stack.warm([portal["host"] for portal in portals["portals"]])
        load_before = os.getloadavg()
        health = stack.locust(plan, ["HealthProbe"], users=args.users, seconds=HEALTH_SECONDS)
        if args.mix == "sections":
            run = stack.locust(plan, ["CustomerUser", "SupplierUser", "ErpSync"], users=args.users + 1,
                               seconds=args.duration, think=args.think, options=("--exclude-tags=extra",))
        else:
            run = stack.locust(plan, ["CustomerUser", "SupplierUser", "AdminUser", "ErpSync"], users=args.users + 2,
                               seconds=args.duration, think=args.think)
    report(health, run, args, load_before, os.getloadavg())
    if args.profile:
        profile_summary(workdir)


def figures(samples: list, seconds: float) -> dict:
    """Per endpoint name: requests, req/s, p50/p95/p99 in ms and failed requests."""
    by_name: dict[str, list] = {}
    for name, milliseconds, failed in samples:
        by_name.setdefault(name, []).append((milliseconds, failed))
    return {name: _endpoint(entries, seconds) for name, entries in sorted(by_name.items())}


def _endpoint(entries: list, seconds: float) -> dict:
    times = [milliseconds for milliseconds, _ in entries]
    return {"requests": len(entries), "rps": round(len(entries) / seconds, 1),
            "p50_ms": round(percentile(times, 0.50), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1), "errors": sum(failed for _, failed in entries)}


def is_section(name: str) -> bool:
    """A customer or supplier section page, filtered or not (not its PDFs, exports or ZIPs)."""
    path, _, query = name.partition("?")
    return path in SECTIONS and "formato" not in query


def report(health: dict, run: dict, args, load_before, load_after) -> None:
    endpoints = figures(run["samples"], run["seconds"])
    floor = figures(health["samples"], health["seconds"])["salud/vivo"]
    section_times = [ms for name, ms, _ in run["samples"] if is_section(name)]
    summary = {
        "errors": sum(entry["errors"] for entry in endpoints.values()),
        "sections_rps": round(len(section_times) / run["seconds"], 1),
        "sections_p95_ms": round(percentile(section_times, 0.95), 1) if section_times else None,
        "health_rps": floor["rps"], "health_p95_ms": floor["p95_ms"],
        "total_rps": round(len(run["samples"]) / run["seconds"], 1),
    }
    print(f"\nHealth floor, /salud/vivo/ alone, {args.users} users for {HEALTH_SECONDS} s: {floor['rps']} req/s, "
          f"p50 {floor['p50_ms']} ms, p95 {floor['p95_ms']} ms, {floor['errors']} errors")
    who = ("customers/suppliers + ERP, section pages only" if args.mix == "sections"
           else "customers/suppliers + admin + ERP")
    print(f"Load, {args.users} {who}, think {args.think} s, {run['seconds']:.0f} s:\n")
    print(f"{'endpoint':<44}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, entry in endpoints.items():
        print(f"{name:<44}{entry['requests']:>9}{entry['rps']:>8}{entry['p50_ms']:>9}{entry['p95_ms']:>9}"
              f"{entry['p99_ms']:>9}{entry['errors']:>8}")
    print(f"\nSection pages together: {summary['sections_rps']} req/s (target >= {TARGETS['sections_rps']}), "
          f"p95 {summary['sections_p95_ms']} ms (target <= {TARGETS['sections_p95_ms']}); errors {summary['errors']} "
          f"(target {TARGETS['errors']}); all requests {summary['total_rps']} req/s")
    print(f"Load average before {_load(load_before)}, after {_load(load_after)} on {os.cpu_count()} cores "
          "(other work on this machine counts in it)")
    print(json.dumps({**summary, "targets": TARGETS, "users": args.users, "mix": args.mix, "think_s": args.think,
                      "duration_s": round(run["seconds"]), "portals": args.portals,
                      "load_average": [round(value, 2) for value in load_after], "endpoints": endpoints}))


def _load(values) -> str:
    return " ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    sys.exit(main())
