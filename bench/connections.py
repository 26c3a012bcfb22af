"""Backend memory with many portals: one database connection serves a customer's pages (home,
Facturas, Cuenta corriente, Pedidos) in portal after portal, and the backend's memory
(`pg_backend_memory_contexts`, its catalog caches included) is read after 100, 500 and 2,000
portals. First with no recycling (the baseline: a connection that lives as long as its process,
as with CONN_MAX_AGE=None or a pool without max_lifetime), then with DATABASE_SCHEMAS_PER_CONNECTION
as configured (100 unless set), where a connection pointed at more portals ends after its request;
the figure then is the largest any backend reached.

Portals are made quickly from the schema template; each has a customer and its account.

    .venv/bin/python bench/connections.py [--portals 2000] [--limit 100]

Last line: JSON {"backend_mb": {"100": ..., "500": ..., "2000": ...}, "backend_mb_recycled": {...},
"schemas_per_connection": ..., "mb_per_schema": ...}.
"""

import argparse
import json
import time

from _setup import django_with_fresh_database, portals_from_template

PAGES = ("/", "/facturas/", "/cuenta-corriente/", "/pedidos/")


def backend_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return float(cursor.fetchone()[0]) / 2**20


def customers_with_accounts(companies) -> dict:
    """In each portal, a customer and its account; the account's id by portal."""
    from django_tenants.utils import tenant_context

    from portal_core.accounts.models import User
    from portal_core.models import AccountLink, Customer

    accounts = {}
    for company in companies:
        with tenant_context(company):
            customer = Customer.objects.create(external_id="C1", business_name=f"Cliente de {company.name}",
                                               content_hash="", synced_at="2026-01-01T00:00Z")
            user = User.objects.create(email="cliente@bench.test", password="!")  # signed in without one
            AccountLink.objects.create(user=user, customer=customer)
            accounts[company.pk] = user.pk
    return accounts


def walk(companies, accounts, *, limit: int, checkpoints: list[int]) -> dict[str, float]:
    """Every portal's pages on this process's one connection; the largest backend memory seen by
    each checkpoint."""
    from django.db import connection
    from django.test import Client, override_settings
    from django_tenants.utils import tenant_context

    from portal_core.accounts.models import User

    peak, figures = 0.0, {}
    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=limit):
        connection.close()
        figures["0"] = round(backend_mb(), 1)  # a new backend
        for count, company in enumerate(companies, start=1):
            client = Client(HTTP_HOST=company.hostname)
            with tenant_context(company):
                client.force_login(User.objects.get(pk=accounts[company.pk]))
            for page in PAGES:
                status = client.get(page).status_code
                assert status == 200, f"{page} answered {status}"
            peak = max(peak, backend_mb())
            if count in checkpoints:
                figures[str(count)] = round(peak, 1)
                print(f"  after {count:>5} portals: {peak:7.1f} MB")
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--portals", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=None, help="DATABASE_SCHEMAS_PER_CONNECTION for the 2nd run")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    django_with_fresh_database("connections")
    from django.conf import settings

    from tenants import schema_template

    limit = args.limit if args.limit is not None else settings.DATABASE_SCHEMAS_PER_CONNECTION
    checkpoints = sorted({n for n in (100, 500, 2000) if n < args.portals} | {args.portals})
    assert schema_template.template_refresh(), "pg_dump could not capture the template"
    started = time.perf_counter()
    companies = portals_from_template(0, args.portals, args.processes, domains=True)
    accounts = customers_with_accounts(companies)
    print(f"{args.portals} portals with a customer each, in {time.perf_counter() - started:.0f} s")

    print("One connection for every portal (baseline):")
    plain = walk(companies, accounts, limit=0, checkpoints=checkpoints)
    print(f"DATABASE_SCHEMAS_PER_CONNECTION={limit}:")
    recycled = walk(companies, accounts, limit=limit, checkpoints=checkpoints)
    last = checkpoints[-1]
    per_schema_kb = (plain[str(last)] - plain["0"]) * 1024 / last
    print(f"About {per_schema_kb:.0f} KB of backend memory per portal whose pages it served")
    print(json.dumps({"backend_mb": plain, "backend_mb_recycled": recycled, "schemas_per_connection": limit,
                      "kb_per_schema": round(per_schema_kb), "target_recycled_mb": 150}))


if __name__ == "__main__":
    main()
