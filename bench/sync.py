"""ERP sync throughput: 10,000 sales invoices with 3 lines each, in batches of 1,000, through
the real API (HTTP handling, validation, upsert) into a fresh portal; then the same batches
replayed; then the same rows loaded with PostgreSQL COPY into another fresh portal as the
physical baseline. All in one run on a fresh database.

    .venv/bin/python bench/sync.py [--documents N] [--batch N]

Last line: JSON with docs_per_s, replay_docs_per_s, copy_docs_per_s and more.
"""

import argparse
import gc
import json
import random
import time

from _setup import django_with_fresh_database


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    django_with_fresh_database("sync")

    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django_tenants.utils import tenant_context

    from portal_core.erp.services import api_key_create
    from portal_core.erp.sync.engine import batch_upsert
    from portal_core.models import SalesInvoice, SalesInvoiceLine
    from provisioning.services import portal_create
    from tests.factories import erp as f

    random.seed(1)
    customers = [f.CustomerFactory() for _ in range(500)]
    articles = [f.ArticleFactory() for _ in range(300)]
    documents = [
        f.SalesInvoiceFactory(customer=random.choice(customers)["external_id"], articles=articles, line_count=3)
        for _ in range(args.documents)
    ]
    bodies = [json.dumps({"items": documents[i:i + args.batch]})
              for i in range(0, len(documents), args.batch)]

    def fresh_portal(name):
        company = portal_create(name=name, email=f"admin@{name.lower()}.test", password="bench1234")
        with tenant_context(company):
            batch_upsert(resource="customers", items=customers)
            batch_upsert(resource="articles", items=articles)
            _, key = api_key_create(name="bench")
        connection.set_schema_to_public()
        return company, key

    # Warm the process up (imports, validator compilation, first-request caches) on another
    # portal, so the figures are the portal's load and not the interpreter's start-up.
    warm_company, warm_key = fresh_portal("Calentamiento")
    Client(HTTP_HOST=warm_company.hostname, HTTP_AUTHORIZATION=f"Bearer {warm_key}").post(
        "/api/v1/sales-invoices/", data=json.dumps({"items": documents[:50]}), content_type="application/json")

    company, key = fresh_portal("Sync")
    # The generated rows are the bench's own baggage (a server process does not hold them):
    # keep them out of the garbage collector's generations so they do not slow its passes.
    gc.collect()
    gc.freeze()
    client = Client(HTTP_HOST=company.hostname, HTTP_AUTHORIZATION=f"Bearer {key}")

    def load():
        started = time.perf_counter()
        per_batch = []
        for body in bodies:
            batch_started = time.perf_counter()
            response = client.post("/api/v1/sales-invoices/", data=body, content_type="application/json")
            assert response.status_code == 200, response.content[:500]
            per_batch.append(round((time.perf_counter() - batch_started) * 1000))
        print(f"  per batch (ms): {per_batch}")
        return time.perf_counter() - started, response.json()

    with override_settings(ERP_SYNC_RATE="100000/min"):
        first, _ = load()
        replay, replay_result = load()
    assert replay_result["unchanged"] == replay_result["received"]

    copy_company, _ = fresh_portal("Copia")
    copy_seconds = _copy_load(copy_company, documents, tenant_context, connection, SalesInvoice, SalesInvoiceLine)

    figures = {
        "documents": len(documents),
        "lines": 3 * len(documents),
        "batch": args.batch,
        "docs_per_s": round(len(documents) / first),
        "replay_docs_per_s": round(len(documents) / replay),
        "copy_docs_per_s": round(len(documents) / copy_seconds),
        "first_load_s": round(first, 2),
        "replay_s": round(replay, 2),
        "copy_s": round(copy_seconds, 2),
        "target_docs_per_s": 5000,
    }
    print(f"First load through the API: {figures['docs_per_s']} documents/s ({first:.2f} s)")
    print(f"Replay (nothing changes):   {figures['replay_docs_per_s']} documents/s ({replay:.2f} s)")
    print(f"PostgreSQL COPY baseline:   {figures['copy_docs_per_s']} documents/s ({copy_seconds:.2f} s)")
    print(json.dumps(figures))


def _copy_load(company, documents, tenant_context, connection, invoice_model, line_model):
    """The same invoices and lines with COPY: the physical floor for writing these rows."""
    with tenant_context(company):
        from portal_core.models import Article, Customer

        customer_ids = dict(Customer.objects.values_list("external_id", "id"))
        article_ids = dict(Article.objects.values_list("external_id", "id"))
        invoice_columns = ["external_id", "content_hash", "synced_at", "doc_type", "letter", "point_of_sale",
                           "number", "issue_date", "due_date", "currency", "exchange_rate", "net", "vat", "total",
                           "cae", "cae_due_date", "voided", "customer_id"]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {invoice_model._meta.db_table} ({', '.join(invoice_columns)}) FROM STDIN") as copy:
                for d in documents:
                    copy.write_row([
                        d["external_id"], "", "now", d["doc_type"], d["letter"], d["point_of_sale"], d["number"],
                        d["issue_date"], d["due_date"], d["currency"], d["exchange_rate"], d["net"], d["vat"],
                        d["total"], d["cae"], d["cae_due_date"], False, customer_ids[d["customer"]],
                    ])
            cursor.execute(f"SELECT external_id, id FROM {invoice_model._meta.db_table}")
            invoice_ids = dict(cursor.fetchall())
            line_columns = ["invoice_id", "position", "article_id", "description", "quantity", "unit_price", "amount"]
            with raw.copy(f"COPY {line_model._meta.db_table} ({', '.join(line_columns)}) FROM STDIN") as copy:
                for d in documents:
                    for position, line in enumerate(d["lines"], start=1):
                        copy.write_row([
                            invoice_ids[d["external_id"]], position, article_ids.get(line["article"]),
                            line["description"], line["quantity"], line["unit_price"], line["amount"],
                        ])
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
