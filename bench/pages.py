"""Page speed with a large portal: 200,000 sales invoices over 2,000 customers (one with 10,000
documents and two related customers), their current-account movements, orders, and a
supplier's documents and payments. For each section's first page, and for filtered pages of
the big customer: server time through Django (p50/p95), the number of queries, and the SQL
time of the same queries measured with EXPLAIN ANALYZE, in one run.

Counts, summaries and rendered rows are kept until the ERP changes what they show, so p50/p95
are of a page seen again between syncs. Then the first view after a real ERP batch (through the
sync service) of the page's resource: for another party (`cold_other_party_p50_ms`: the page
stays cached), for the page's own party, and of master data (`cold_p50_ms`: a branch renamed,
which changes every page's key and pays every query and the whole render).

After a batch of its own party a page is built again by a Celery worker
(portal_core.web.rewarm). `cold_own_party_p50_ms` is the view once the worker has done so (a real
worker process; the batch's commit queues its task), and `rebuilt_after_ms_p50` is how long after
the batch the worker reported its rebuild done.
`cold_own_party_unwarmed_p50_ms` is the view with no worker running: what a view arriving at the
batch's instant costs.

With `--portals N`, N more portals (empty, their schemas restored from the schema template)
are then added and every page's p50 is measured again beside the first figure, in the same run:
`p50_ms_with_portals` (a thousand portals' tables must not slow one portal's pages).

    .venv/bin/python bench/pages.py [--runs N] [--portals N]

Last line: JSON {"pages": {NAME: {"p50_ms", "p95_ms", "cold_p50_ms", "cold_other_party_p50_ms",
"cold_own_party_p50_ms", "cold_own_party_unwarmed_p50_ms", "rebuilt_after_ms_p50", "sql_ms", "queries"
[, "p50_ms_with_portals"]}}, ...}.
"""

import argparse
import json
import statistics
import time

from _setup import django_with_fresh_database, percentile, portals_from_template

CUSTOMERS, INVOICES, BIG = 2000, 200_000, 10_000


def load(cursor):
    """Bulk rows straight in SQL (generate_series): the shape of real data, in seconds."""
    cursor.execute(f"""
        INSERT INTO portal_core_customer (external_id, content_hash, synced_at, business_name, tax_id, email, active)
        SELECT 'C' || g, '', now(), 'Cliente ' || g || ' S.A.', '', '', true FROM generate_series(1, {CUSTOMERS}) g;
        INSERT INTO portal_core_customer_related (from_customer_id, to_customer_id)
        SELECT a.id, b.id FROM portal_core_customer a JOIN portal_core_customer b
          ON (a.external_id, b.external_id) IN (('C1','C2'), ('C2','C1'), ('C1','C3'), ('C3','C1'));
        INSERT INTO portal_core_supplier (external_id, content_hash, synced_at, business_name, tax_id, email, active)
        SELECT 'S' || g, '', now(), 'Proveedor ' || g || ' S.R.L.', '', '', true FROM generate_series(1, 50) g;
        CREATE TEMP TABLE ids AS SELECT array_agg(id ORDER BY id) AS c FROM portal_core_customer;
        INSERT INTO portal_core_salesinvoice (external_id, content_hash, synced_at, doc_type, letter, point_of_sale,
            number, issue_date, due_date, currency, exchange_rate, net, vat, total, cae, cae_due_date, voided,
            customer_id, associated_customer_id, branch_id, erp_pdf)
        SELECT 'F' || g, md5(g::text), now(), CASE WHEN g % 12 = 0 THEN 'NC' ELSE 'FA' END,
            CASE WHEN g % 3 = 0 THEN 'B' ELSE 'A' END, 1 + g % 5, g,
            current_date - (g % 730), current_date - (g % 730) + 30, 'ARS', 1,
            round((1000 + (g * 7919) % 500000)::numeric, 2), round((210 + (g * 7919) % 105000)::numeric, 2),
            round((1210 + (g * 7919) % 605000)::numeric, 2), '74123456789012', current_date, g % 97 = 0,
            CASE WHEN g <= {BIG} THEN c[1] WHEN g <= {BIG} + 2000 THEN c[2] WHEN g <= {BIG} + 4000 THEN c[3]
                 ELSE c[4 + g % ({CUSTOMERS} - 3)] END,
            CASE WHEN g % 100 = 7 AND g > {BIG} + 4000 THEN c[1] END, NULL, ''
        FROM generate_series(1, {INVOICES}) g, ids;
        INSERT INTO portal_core_customeraccountentry (external_id, content_hash, synced_at, doc_type, letter,
            point_of_sale, number, description, date, due_date, amount, open_balance, customer_id, invoice_id,
            associated_customer_id)
        SELECT 'E' || i.id, '', now(), i.doc_type, i.letter, i.point_of_sale, i.number, '', i.issue_date, i.due_date,
            i.total, CASE WHEN i.number % 4 = 0 THEN i.total ELSE 0 END, i.customer_id, i.id, i.associated_customer_id
        FROM portal_core_salesinvoice i;
        INSERT INTO portal_core_order (external_id, content_hash, synced_at, number, ordered_at, pending, customer_id)
        SELECT 'O' || g, '', now(), '0001-' || lpad(g::text, 8, '0'), now() - (g % 400) * interval '1 hour',
            g % 3 <> 0, c[1 + g % {CUSTOMERS}] FROM generate_series(1, 20000) g, ids;
        INSERT INTO portal_core_orderline (order_id, position, description, quantity_ordered, quantity_invoiced)
        SELECT o.id, p, 'Artículo ' || p, 10, CASE WHEN o.pending THEN 4 ELSE 10 END
        FROM portal_core_order o, generate_series(1, 2) p;
        INSERT INTO portal_core_purchaseinvoice (external_id, content_hash, synced_at, doc_type, letter, point_of_sale,
            number, issue_date, due_date, currency, exchange_rate, net, vat, total, cae, cae_due_date, voided,
            supplier_id, erp_pdf)
        SELECT 'P' || g, md5(g::text), now(), 'FA', 'A', 1, g, current_date - (g % 730), current_date - (g % 730) + 30,
            'ARS', 1, 1000, 210, 1210, '74123456789012', current_date, false,
            (SELECT id FROM portal_core_supplier WHERE external_id = 'S' || (1 + g % 50)), ''
        FROM generate_series(1, 50000) g;
        INSERT INTO portal_core_supplieraccountentry (external_id, content_hash, synced_at, doc_type, letter,
            point_of_sale, number, description, date, due_date, amount, open_balance, supplier_id, invoice_id)
        SELECT 'Q' || p.id, '', now(), 'FA', 'A', 1, p.number, '', p.issue_date, p.due_date, p.total,
            CASE WHEN p.number % 3 = 0 THEN p.total ELSE 0 END, p.supplier_id, p.id FROM portal_core_purchaseinvoice p;
        INSERT INTO portal_core_supplierpayment (external_id, content_hash, synced_at, number, date, amount, method,
            status, supplier_id)
        SELECT 'OP' || g, '', now(), '0001-' || lpad(g::text, 8, '0'), current_date - (g % 365), 5000, 'Transferencia',
            CASE WHEN g % 4 = 0 THEN 'ready' ELSE 'picked_up' END,
            (SELECT id FROM portal_core_supplier WHERE external_id = 'S' || (1 + g % 50))
        FROM generate_series(1, 5000) g;
    """)
    # The steady state autovacuum keeps: statistics, and the visibility map index-only scans use.
    cursor.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--portals", type=int, default=0, help="then add this many portals and measure again")
    args = parser.parse_args()
    django_with_fresh_database("pages")

    from django.utils import timezone

    started = time.perf_counter()
    company, clients = big_portal()
    print(f"Loaded {INVOICES:,} invoices and their movements in {time.perf_counter() - started:.1f} s")

    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1).strftime("%d/%m/%Y")
    # name: (who, url, the sync resource the page shows)
    pages = {
        "sales_invoices": ("cliente", "/facturas/", "sales-invoices"),
        "sales_invoices_filtered": ("cliente", f"/facturas/?relacionado=on&asociado=on&desde={year_ago}"
                                               "&importe_min=100.000&orden=-importe", "sales-invoices"),
        "sales_invoices_by_number": ("cliente", "/facturas/?relacionado=on&numero=0002-00000001", "sales-invoices"),
        "customer_ledger": ("cliente", "/cuenta-corriente/", "customer-account-entries"),
        "customer_ledger_filtered": ("cliente", "/cuenta-corriente/?relacionado=on&asociado=on&vencidos=on",
                                     "customer-account-entries"),
        "orders": ("cliente", "/pedidos/", "orders"),
        "purchase_invoices": ("proveedor", "/compras/", "purchase-invoices"),
        "supplier_ledger": ("proveedor", "/cuenta-corriente-proveedor/", "supplier-account-entries"),
        "supplier_payments": ("proveedor", "/retiro-de-pagos/", "supplier-payments"),
    }
    results = {}
    for name, (who, url, resource) in pages.items():
        results[name] = _page_figures(company, clients[who], url, resource, who, args.runs)
        figures = results[name]
        print(f"{name:<26} p50 {figures['p50_ms']:>6} ms  p95 {figures['p95_ms']:>6} ms  after a batch of: "
              f"another party {figures['cold_other_party_p50_ms']:>6} ms, its own party "
              f"{figures['cold_own_party_p50_ms']:>6} ms rebuilt ({figures['rebuilt_after_ms_p50']} ms after) or "
              f"{figures['cold_own_party_unwarmed_p50_ms']:>6} ms not yet, master data {figures['cold_p50_ms']:>6} ms  "
              f"SQL {figures['sql_ms']:>6} ms  {figures['queries']} queries")
    if args.portals:
        _with_portals(args.portals, {name: page[:2] for name, page in pages.items()}, clients, results, args.runs)
    print(json.dumps({"pages": results, "invoices": INVOICES, "big_customer_documents": BIG,
                      "target_p50_ms": 30, "target_cold_other_party_p50_ms": 30, "portals": 1 + args.portals}))


def big_portal():
    """The portal of `load`, with a customer's (C1, the big one) and a supplier's (S1) account,
    each logged in through its own test client: (company, {"cliente": ..., "proveedor": ...})."""
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from portal_core.accounts.services import party_account_create
    from portal_core.models import Customer, Supplier
    from provisioning.services import portal_create

    company = portal_create(name="Grande", email="admin@grande.test", password="bench1234")
    with tenant_context(company):
        with connection.cursor() as cursor:
            load(cursor)
        party_account_create(email="cliente@grande.test", password="bench1234",
                             customer=Customer.objects.get(external_id="C1"))
        party_account_create(email="proveedor@grande.test", password="bench1234",
                             supplier=Supplier.objects.get(external_id="S1"))
    clients = {}
    for who in ("cliente", "proveedor"):
        clients[who] = Client(HTTP_HOST=company.hostname)
        clients[who].post("/ingresar/", {"username": f"{who}@grande.test", "password": "bench1234"})
    return company, clients


def _page_figures(company, client, url: str, resource: str, who: str, runs: int) -> dict:
    """Warm p50/p95; the first view after a real ERP batch of this page's resource for another
    party and for the page's own, and after a master-data batch (every page's key changes); the
    SQL of a request that runs every query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = _warm_samples(client, url, runs)
    own = "C1" if who == "cliente" else "S1"
    other = "C500" if who == "cliente" else "S30"
    cold = {kind: _after_batches(company, client, url, batch, max(5, runs // 2))
            for kind, batch in (("other", lambda n: _batch(resource, other, n)),
                                ("own", lambda n: _batch(resource, own, n)),
                                ("master", lambda n: _master_batch(n)))}
    rebuilt, ready = _after_rebuilds(company, client, url, lambda n: _batch(resource, own, 100 + n),
                                     max(5, runs // 2))
    _master_batch(-1)
    with CaptureQueriesContext(connection) as captured:  # a cold request: every query the page can run
        client.get(url)
    return {
        "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1),
        "cold_p50_ms": round(statistics.median(cold["master"]), 1),
        "cold_other_party_p50_ms": round(statistics.median(cold["other"]), 1),
        "cold_own_party_p50_ms": round(statistics.median(rebuilt), 1),
        "cold_own_party_unwarmed_p50_ms": round(statistics.median(cold["own"]), 1),
        "rebuilt_after_ms_p50": round(statistics.median(ready), 1),
        "sql_ms": round(_explain_total(connection, captured.captured_queries, company), 1),
        "queries": len(captured.captured_queries),
    }


def _after_batches(company, client, url: str, batch, samples: int) -> list[float]:
    from django_tenants.utils import tenant_context

    times = []
    for sample in range(samples):
        with tenant_context(company):
            batch(sample)
        begin = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - begin) * 1000)
    return times


def _after_rebuilds(company, client, url: str, batch, samples: int) -> tuple[list[float], list[float]]:
    """With a Celery worker running (its own process, as in production, on the bench's database
    and Redis): after each batch, the milliseconds until the worker reports the page's rebuild
    (portal_core.web.rewarm) done, then those of the view."""
    import os
    import subprocess
    import sys
    import tempfile

    from _load_stack import database_url
    from _setup import ROOT
    from django.core.cache import cache
    from django_tenants.utils import tenant_context

    from config.celery import app

    log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115 (closed below)

    def rebuilds() -> int:  # the worker's own "Task ...[id] succeeded in ..." lines
        with open(log.name) as lines:
            return sum(1 for line in lines if "kept_pages_rewarm[" in line and " succeeded in " in line)

    app.control.purge()  # the rebuilds the batches without a worker queued,
    with tenant_context(company):  # and their parties' marks, which say one is waiting
        cache.delete_pattern("kept-recipes:*:queued")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--without-gossip",
         "--without-mingle", "--loglevel", "INFO"], cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url()},
        stdout=log, stderr=subprocess.STDOUT)
    views, ready = [], []
    try:
        _wait(lambda: app.control.ping(timeout=0.5), "the worker did not start")
        for sample in range(samples):
            with tenant_context(company):
                batch(sample)
            begin = time.perf_counter()
            _wait(lambda done=sample + 1: rebuilds() >= done, "the worker built no page")
            ready.append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            client.get(url)
            views.append((time.perf_counter() - begin) * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    return views, ready


def _wait(condition, failure: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.002)


def _batch(resource: str, party: str, sample: int) -> None:
    """One row of `resource` for `party` through the sync service, different at every sample."""
    from portal_core.erp.sync.engine import batch_upsert

    day = time.strftime("%Y-%m-%d")
    field = "customer" if party.startswith("C") else "supplier"
    amount = f"{1000 + sample}.00"
    document = {"doc_type": "FA", "letter": "A", "point_of_sale": 9, "number": 9001, "issue_date": day,
                "due_date": day, "net": amount, "vat": "0.00", "total": amount, "cae": "74123456789012",
                "cae_due_date": day, "lines": []}
    entry = {"doc_type": "FA", "letter": "A", "point_of_sale": 9, "number": 9001, "description": "", "date": day,
             "due_date": day, "amount": amount, "open_balance": amount}
    rows = {
        "sales-invoices": document, "purchase-invoices": document,
        "customer-account-entries": entry, "supplier-account-entries": entry,
        "orders": {"number": "0009-00009001", "ordered_at": f"{day}T10:00:00-03:00",
                   "lines": [{"description": "Bench", "quantity_ordered": amount, "quantity_invoiced": "0"}]},
        "supplier-payments": {"number": "0009-00009001", "date": day, "amount": amount, "method": "Transferencia",
                              "status": "ready", "certificates": []},
    }
    batch_upsert(resource=resource, items=[{"external_id": f"BENCH-{party}", field: party, **rows[resource]}])


def _master_batch(sample: int) -> None:
    """A branch renamed: master data, shown on every party's pages."""
    from portal_core.erp.sync.engine import batch_upsert

    batch_upsert(resource="branches", items=[{"external_id": "BENCH", "name": f"Sucursal {sample}"}])


def _warm_samples(client, url: str, runs: int) -> list[float]:
    """Milliseconds of `runs` requests of a page already seen once."""
    assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - begin) * 1000)
    return samples


def _with_portals(count: int, pages: dict, clients: dict, results: dict, runs: int) -> None:
    from tenants import schema_template

    assert schema_template.template_refresh(), "pg_dump could not capture the template"
    started = time.perf_counter()
    portals_from_template(0, count, domains=True)
    print(f"{count} more portals added in {time.perf_counter() - started:.0f} s; the same pages again:")
    for name, (who, url) in pages.items():
        p50 = round(statistics.median(_warm_samples(clients[who], url, runs)), 1)
        results[name]["p50_ms_with_portals"] = p50
        print(f"{name:<26} p50 {results[name]['p50_ms']:>6} ms with one portal, {p50:>6} ms with {count + 1} "
              f"({p50 / results[name]['p50_ms'] - 1:+.0%})")


def _explain_total(connection, queries, company) -> float:
    """Execution time of the page's own queries, as PostgreSQL measures them."""
    from django_tenants.utils import tenant_context

    total = 0.0
    with tenant_context(company), connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Execution Time"] + plan[0].get("Planning Time", 0)
    return total


if __name__ == "__main__":
    main()
