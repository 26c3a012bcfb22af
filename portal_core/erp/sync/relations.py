"""Customer groups ("relacionados"): each synced customer's `related` list replaces the links
it declared (stored one way: links declared by other customers stay)."""

from django.db import connection
from django.utils.translation import gettext_lazy

from portal_core.models import Customer, CustomerAccountEntry, PurchaseInvoice, SalesInvoice, SupplierAccountEntry

from .errors import UNKNOWN_REFERENCE, BatchInvalid, RowError


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def customers_relate(*, rows, indexes, changed: dict[str, int]) -> None:
    """Rewrite the symmetric links of the customers that changed in this batch.

    Runs inside the batch's transaction, after the upsert, so `related` may name customers
    of the same batch; an unknown one aborts the whole batch.
    """
    changed_rows = [(indexes[row.external_id], row) for row in rows if row.external_id in changed]
    if not changed_rows:
        return
    wanted = {eid for _, row in changed_rows for eid in row.related}
    ids = dict(Customer.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
    errors = [
        RowError(index, f"related[{position}]", UNKNOWN_REFERENCE, {"label": gettext_lazy("el cliente"), "value": eid})
        for index, row in changed_rows
        for position, eid in enumerate(row.related)
        if eid not in ids
    ]
    if errors:
        raise BatchInvalid(errors)
    pairs = {
        (changed[row.external_id], ids[eid])
        for _, row in changed_rows for eid in row.related if ids[eid] != changed[row.external_id]
    }
    through = _table(Customer.related.through)
    changed_ids = list(changed.values())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {through} WHERE from_customer_id = ANY(%s)", [changed_ids])
        if pairs:
            sources, targets = zip(*sorted(pairs), strict=True)
            cursor.execute(
                f"INSERT INTO {through} (from_customer_id, to_customer_id) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [list(sources), list(targets)],
            )


FROM_INVOICES = """
    UPDATE {entries} AS entry SET {sets}
      FROM {invoices} AS invoice
     WHERE entry.invoice_id = invoice.id AND {where} AND ({changed})
"""
CUSTOMER_ENTRIES = {
    "entries": _table(CustomerAccountEntry), "invoices": _table(SalesInvoice),
    "sets": "associated_customer_id = invoice.associated_customer_id, invoice_voided = invoice.voided",
    "changed": "entry.associated_customer_id IS DISTINCT FROM invoice.associated_customer_id"
               " OR entry.invoice_voided <> invoice.voided",
}
SUPPLIER_ENTRIES = {
    "entries": _table(SupplierAccountEntry), "invoices": _table(PurchaseInvoice),
    "sets": "invoice_voided = invoice.voided", "changed": "entry.invoice_voided <> invoice.voided",
}


def _copy_from_invoices(tables: dict, where: str, ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(FROM_INVOICES.format(where=where, **tables), [ids])


def entries_associate(*, rows, indexes, changed: dict[str, int]) -> None:
    """Customer movements copy their invoice's associated customer and voided flag (see
    CustomerAccountEntry); one re-sent without an invoice has neither."""
    if changed:
        ids = list(changed.values())
        _copy_from_invoices(CUSTOMER_ENTRIES, "entry.id = ANY(%s)", ids)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_table(CustomerAccountEntry)} SET associated_customer_id = NULL, "
                           "invoice_voided = false WHERE id = ANY(%s) AND invoice_id IS NULL", [ids])


def invoices_associate_entries(*, rows, indexes, changed: dict[str, int]) -> None:
    """A re-synced sales invoice passes its associated customer and voided flag to its movements."""
    if changed:
        _copy_from_invoices(CUSTOMER_ENTRIES, "invoice.id = ANY(%s)", list(changed.values()))


def supplier_entries_from_invoices(*, rows, indexes, changed: dict[str, int]) -> None:
    if changed:
        ids = list(changed.values())
        _copy_from_invoices(SUPPLIER_ENTRIES, "entry.id = ANY(%s)", ids)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_table(SupplierAccountEntry)} SET invoice_voided = false "
                           "WHERE id = ANY(%s) AND invoice_id IS NULL", [ids])


def purchase_invoices_to_entries(*, rows, indexes, changed: dict[str, int]) -> None:
    if changed:
        _copy_from_invoices(SUPPLIER_ENTRIES, "invoice.id = ANY(%s)", list(changed.values()))
