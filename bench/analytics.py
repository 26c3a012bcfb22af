"""The admin's sales reports over a year of 200,000 invoices and 1,000,000 lines: the customer
ranking and the best-selling articles through our selectors (the latter from the daily
pre-aggregate the sync keeps exact), beside the raw SQL of the same aggregations over the
documents, in one run on a fresh database.

    .venv/bin/python bench/analytics.py [--runs N]

Last line: JSON with ranking_p50_ms, articles_p50_ms, sql_p50_ms and more.
"""

import argparse
import json
import statistics
import time

from _setup import django_with_fresh_database, percentile, timed

INVOICES, LINES_PER_INVOICE, CUSTOMERS, ARTICLES, SUPPLIERS = 200_000, 5, 2000, 500, 30

# Both statements break ties as the selectors do (name or code, then id), so the top 20 of
# each side are the same list even where amounts are equal.
RANKING_SQL = """
    SELECT i.customer_id, SUM(i.total * i.exchange_rate * CASE WHEN i.doc_type = 'NC' THEN -1 ELSE 1 END) AS amount
      FROM portal_core_salesinvoice i JOIN portal_core_customer c ON c.id = i.customer_id
     WHERE NOT i.voided AND i.issue_date BETWEEN %s AND %s
     GROUP BY i.customer_id, c.business_name ORDER BY amount DESC, c.business_name, i.customer_id LIMIT 20
"""
ARTICLES_SQL = """
    SELECT l.article_id,
           SUM(l.quantity * CASE WHEN i.doc_type = 'NC' THEN -1 ELSE 1 END) AS quantity,
           SUM(l.amount * i.exchange_rate * CASE WHEN i.doc_type = 'NC' THEN -1 ELSE 1 END) AS amount
      FROM portal_core_salesinvoiceline l JOIN portal_core_salesinvoice i ON i.id = l.invoice_id
           JOIN portal_core_article a ON a.id = l.article_id
     WHERE NOT i.voided AND i.issue_date BETWEEN %s AND %s
     GROUP BY l.article_id, a.code, a.description ORDER BY quantity DESC, a.code, a.description, l.article_id LIMIT 20
"""


def load(cursor):
    cursor.execute(f"""
        INSERT INTO portal_core_customer (external_id, content_hash, synced_at, business_name, tax_id, email, active)
        SELECT 'C' || g, '', now(), 'Cliente ' || g, '', '', true FROM generate_series(1, {CUSTOMERS}) g;
        INSERT INTO portal_core_supplier (external_id, content_hash, synced_at, business_name, tax_id, email, active)
        SELECT 'S' || g, '', now(), 'Proveedor ' || g, '', '', true FROM generate_series(1, {SUPPLIERS}) g;
        INSERT INTO portal_core_branch (external_id, content_hash, synced_at, name)
        SELECT 'B' || g, '', now(), 'Sucursal ' || g FROM generate_series(1, 5) g;
        INSERT INTO portal_core_article (external_id, content_hash, synced_at, code, description, supplier_id)
        SELECT 'A' || g, '', now(), lpad(g::text, 6, '0'), 'Artículo ' || g,
               (SELECT min(id) FROM portal_core_supplier) + g % {SUPPLIERS} FROM generate_series(1, {ARTICLES}) g;
        INSERT INTO portal_core_salesinvoice (external_id, content_hash, synced_at, doc_type, letter, point_of_sale,
            number, issue_date, due_date, currency, exchange_rate, net, vat, total, cae, cae_due_date, voided,
            customer_id, associated_customer_id, branch_id, erp_pdf)
        SELECT 'F' || g, '', now(), CASE WHEN g % 12 = 0 THEN 'NC' ELSE 'FA' END, 'A', 1, g,
               current_date - (g % 365), NULL, CASE WHEN g % 50 = 0 THEN 'USD' ELSE 'ARS' END,
               CASE WHEN g % 50 = 0 THEN 1045.5 ELSE 1 END, 1000, 210, 1210 + g % 1000, '', NULL, g % 97 = 0,
               (SELECT min(id) FROM portal_core_customer) + g % {CUSTOMERS}, NULL,
               (SELECT min(id) FROM portal_core_branch) + g % 5, ''
        FROM generate_series(1, {INVOICES}) g;
        INSERT INTO portal_core_salesinvoiceline (invoice_id, position, article_id, description, quantity, unit_price,
            amount)
        SELECT i.id, p, (SELECT min(id) FROM portal_core_article) + (i.id * 7 + p * 13) % {ARTICLES}, 'x',
               1 + (i.id + p) % 9, 100, 100 * (1 + (i.id + p) % 9)
        FROM portal_core_salesinvoice i, generate_series(1, {LINES_PER_INVOICE}) p;
    """)
    cursor.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    django_with_fresh_database("analytics")

    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from billing_views import admin_selectors as analytics
    from portal_core.erp.sync.aggregates import article_sales_rebuild
    from provisioning.services import portal_create

    company = portal_create(name="Ventas", email="admin@ventas.test", password="bench1234")
    today = timezone.localdate()
    period = analytics.Period(today.replace(year=today.year - 1), today)
    with tenant_context(company):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            load(cursor)
        print(f"Loaded {INVOICES:,} invoices and {INVOICES * LINES_PER_INVOICE:,} lines in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        daily_rows = article_sales_rebuild()  # what the sync keeps up to date, built once for SQL-loaded rows
        rebuild_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE portal_core_articlesalesdaily")
        print(f"Daily article sales pre-aggregated: {daily_rows:,} rows in {rebuild_s:.1f} s")

        def sql(statement):
            with connection.cursor() as cursor:
                cursor.execute(statement, [period.date_from, period.date_to])
                return cursor.fetchall()

        ranking = timed(lambda: analytics.customer_ranking(period=period, branch_id=None), args.runs)
        articles = timed(lambda: analytics.best_selling_articles(period=period, supplier_id=None, by="cantidad"),
                         args.runs)
        ranking_sql = timed(lambda: sql(RANKING_SQL), args.runs)
        articles_sql = timed(lambda: sql(ARTICLES_SQL), args.runs)
        ours = analytics.customer_ranking(period=period, branch_id=None)
        assert [(r["customer_id"], r["amount"]) for r in ours] == [(row[0], row[1]) for row in sql(RANKING_SQL)]
        ours = analytics.best_selling_articles(period=period, supplier_id=None, by="cantidad")
        assert [(r["article_id"], r["quantity"]) for r in ours] == [(row[0], row[1]) for row in sql(ARTICLES_SQL)]

    figures = {
        "ranking_p50_ms": round(statistics.median(ranking), 1),
        "ranking_p95_ms": round(percentile(ranking, 0.95), 1),
        "articles_p50_ms": round(statistics.median(articles), 1),
        "articles_p95_ms": round(percentile(articles, 0.95), 1),
        "sql_p50_ms": round(statistics.median(ranking_sql) + statistics.median(articles_sql), 1),
        "ranking_sql_p50_ms": round(statistics.median(ranking_sql), 1),
        "articles_sql_p50_ms": round(statistics.median(articles_sql), 1),
        "invoices": INVOICES, "lines": INVOICES * LINES_PER_INVOICE, "daily_rows": daily_rows,
        "rebuild_s": round(rebuild_s, 1), "target_p50_ms": 150,
    }
    print(f"Customer ranking (selector): p50 {figures['ranking_p50_ms']} ms   raw SQL p50 "
          f"{figures['ranking_sql_p50_ms']} ms")
    print(f"Best-selling articles:       p50 {figures['articles_p50_ms']} ms   raw SQL p50 "
          f"{figures['articles_sql_p50_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
