"""Keeping ArticleSalesDaily exact through every sales-invoices batch.

Inside the batch's transaction, the stored contributions of the invoices it will rewrite are
subtracted before it writes, and the contributions of all its invoices are added after it
writes: each is one INSERT ... SELECT ... ON CONFLICT DO UPDATE, aggregated by PostgreSQL over
only those invoices (found by their external_id index).
"""

from django.db import connection

from portal_core.erp.models.documents import credit_note_sign_sql
from portal_core.models import ArticleSalesDaily, SalesInvoice, SalesInvoiceLine

DAILY, INVOICES, LINES = (connection.ops.quote_name(model._meta.db_table)
                          for model in (ArticleSalesDaily, SalesInvoice, SalesInvoiceLine))
CREDIT_NOTE_SIGN = credit_note_sign_sql("invoice.doc_type")
# Filled in by .format(): {where} in CONTRIBUTIONS; {sign} and {contributions} in ADD.
CONTRIBUTIONS = f"""
    SELECT invoice.issue_date, line.article_id,
           SUM(line.quantity * {CREDIT_NOTE_SIGN}),
           SUM(line.amount * invoice.exchange_rate * {CREDIT_NOTE_SIGN})
      FROM {LINES} AS line
      JOIN {INVOICES} AS invoice ON invoice.id = line.invoice_id
     WHERE {{where}} AND NOT invoice.voided AND line.article_id IS NOT NULL
     GROUP BY 1, 2
"""
ADD = f"""
    INSERT INTO {DAILY} (date, article_id, quantity, amount)
    SELECT day, article_id, {{sign}} * quantity, {{sign}} * amount
      FROM ({{contributions}}) AS contribution (day, article_id, quantity, amount)
    ON CONFLICT (date, article_id) DO UPDATE
       SET quantity = {DAILY}.quantity + EXCLUDED.quantity,
           amount = {DAILY}.amount + EXCLUDED.amount
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
        cursor.execute(f"DELETE FROM {DAILY}")
        cursor.execute(f"INSERT INTO {DAILY} (date, article_id, quantity, amount) "
                       + CONTRIBUTIONS.format(where="TRUE"))
        return cursor.rowcount
