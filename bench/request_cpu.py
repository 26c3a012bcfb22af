"""What one warm section page costs the web worker: CPU time and Python function calls per
request, in one process, on bench/pages.py's large portal (a customer of 10,000 documents).

bench/load.py's throughput is the machine's cores divided by what each request costs, and its
figures move ±10% from run to run. This bench measures the cost itself: CPU time
(`time.process_time`, the best and the median of 7 batches of 20 requests, so another process
on the machine costs it little) and the number of Python function calls a request makes
(counted by cProfile: the same on every run, so a change of a few percent shows). The baseline,
in the same run: the liveness probe `/salud/vivo/` and the anonymous login page, the floor of
Django's request path here.

Issue #14's 250 section pages a second on two cores leave about 8 ms of the machine's CPU a
page, for the web worker, the load generator and the services together.

    .venv/bin/python bench/request_cpu.py [--batches 7] [--size 20]

Last line: JSON {"pages": {NAME: {"cpu_ms", "cpu_ms_median", "calls", "queries"}}, "floor":
{"salud_vivo": {...}, "login_form": {...}}, "target_machine_cpu_ms": 8}.
"""

import argparse
import cProfile
import json
import pstats
import statistics
import time

from _setup import django_with_fresh_database
from pages import big_portal

PAGES = {
    "sales_invoices": ("cliente", "/facturas/"),
    "sales_invoices_filtered": ("cliente", "/facturas/?relacionado=on&asociado=on&orden=-importe"),
    "customer_ledger": ("cliente", "/cuenta-corriente/"),
    "orders": ("cliente", "/pedidos/"),
    "purchase_invoices": ("proveedor", "/compras/"),
    "supplier_ledger": ("proveedor", "/cuenta-corriente-proveedor/"),
    "supplier_payments": ("proveedor", "/retiro-de-pagos/"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--size", type=int, default=20, help="requests a batch")
    args = parser.parse_args()
    django_with_fresh_database("request_cpu")

    from django.conf import settings
    from django.test import Client

    company, clients = big_portal()
    floor = {"salud_vivo": _figures(Client(HTTP_HOST=settings.PORTAL_BASE_DOMAIN), "/salud/vivo/", args),
             "login_form": _figures(Client(HTTP_HOST=company.hostname), "/ingresar/", args)}
    for name, figures in floor.items():
        print(f"{'floor: ' + name:<26} {_line(figures)}")
    pages = {}
    for name, (who, url) in PAGES.items():
        pages[name] = _figures(clients[who], url, args)
        print(f"{name:<26} {_line(pages[name])}")
    print(json.dumps({"pages": pages, "floor": floor, "target_machine_cpu_ms": 8,
                      "batches": args.batches, "batch_size": args.size}))


def _figures(client, url: str, args) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm: the cached counts, summaries, rows and filter bar are in place
        assert client.get(url).status_code == 200, url
    per_request = []
    for _ in range(args.batches):
        started = time.process_time()
        for _ in range(args.size):
            client.get(url)
        per_request.append((time.process_time() - started) / args.size * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.size):
        client.get(url)
    profile.disable()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {"cpu_ms": round(min(per_request), 2), "cpu_ms_median": round(statistics.median(per_request), 2),
            "calls": round(pstats.Stats(profile).total_calls / args.size), "queries": len(queries.captured_queries)}


def _line(figures: dict) -> str:
    return (f"CPU {figures['cpu_ms']:>6} ms (median {figures['cpu_ms_median']:>6})  "
            f"{figures['calls']:>7,} Python calls  {figures['queries']:>2} statements a request")


if __name__ == "__main__":
    main()
