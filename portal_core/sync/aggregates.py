"""Keeping ArticleSalesDaily exact through every sales-invoices batch.

Inside the batch's transaction, the stored contributions of the invoices it will rewrite are
subtracted before it writes, and the contributions of all its invoices are added after it
writes: each is one INSERT ... SELECT ... ON CONFLICT DO UPDATE, aggregated by PostgreSQL over
only those invoices (found by their external_id index).
"""

from django.db import connection

CONTRIBUTIONS = """
    SELECT invoice.issue_date, line.article_id,
           SUM(line.quantity * CASE WHEN invoice.doc_type = 'NC' THEN -1 ELSE 1 END),
           SUM(line.amount * invoice.exchange_rate * CASE WHEN invoice.doc_type = 'NC' THEN -1 ELSE 1 END)
      FROM portal_core_salesinvoiceline AS line
      JOIN portal_core_salesinvoice AS invoice ON invoice.id = line.invoice_id
     WHERE {where} AND NOT invoice.voided AND line.article_id IS NOT NULL
     GROUP BY 1, 2
"""
ADD = """
    INSERT INTO portal_core_articlesalesdaily (date, article_id, quantity, amount)
    SELECT day, article_id, {sign} * quantity, {sign} * amount
      FROM ({contributions}) AS contribution (day, article_id, quantity, amount)
    ON CONFLICT (date, article_id) DO UPDATE
       SET quantity = portal_core_articlesalesdaily.quantity + EXCLUDED.quantity,
           amount = portal_core_articlesalesdaily.amount + EXCLUDED.amount
"""


def _add(external_ids: list[str], sign: int) -> None:
    if not external_ids:
        return
    statement = ADD.format(sign=sign, contributions=CONTRIBUTIONS.format(where="invoice.external_id = ANY(%s)"))
    with connection.cursor() as cursor:
        cursor.execute(statement, [external_ids])


def article_sales_remove(external_ids: list[str]) -> None:
    """Before the batch writes: take out what the stored invoices contributed."""
    _add(external_ids, -1)


def article_sales_add(external_ids: list[str]) -> None:
    """After the batch wrote: put in what the same invoices contribute now."""
    _add(external_ids, 1)


def article_sales_rebuild() -> int:
    """Recompute the whole table from the documents (after loading data outside the sync)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_core_articlesalesdaily")
        cursor.execute("INSERT INTO portal_core_articlesalesdaily (date, article_id, quantity, amount) "
                       + CONTRIBUTIONS.format(where="TRUE"))
        return cursor.rowcount
