"""Which parties a batch changed: each document batch stamps the customers and suppliers its
rows belonged to before it and belong to after it (as holder or as associated customer), and
those that see them through linked rows (SEEN_THROUGH, LINKED), for its resource and for what its follow-up
rewrites. Their pages' cached reads move to new keys; every other party's stay
(billing_views.paging). Master data has no party stamp."""

from datetime import datetime

from portal_core.models import Customer, CustomerAccountEntry, PartyStamp, Supplier, SupplierAccountEntry
from portal_core.web.rewarm import rewarm_on_commit

from .resources import Resource

PARTY_KINDS = {Customer: PartyStamp.Kind.CUSTOMER, Supplier: PartyStamp.Kind.SUPPLIER}
# Master data: shown on every party's pages (names, groups, branches, articles), so a batch of
# it changes every page's key through SyncState instead.
MASTER_RESOURCES = ("customers", "suppliers", "branches", "articles")
# The `after` follow-ups that rewrite another resource's rows of the same parties.
ALSO_CHANGES = {"sales-invoices": ("customer-account-entries",), "purchase-invoices": ("supplier-account-entries",)}


CUSTOMER, SUPPLIER = PartyStamp.Kind.CUSTOMER, PartyStamp.Kind.SUPPLIER
# Parties that see a batch's rows besides their references. A movement is shown to its
# associated customer (copied from its invoice, not sent by the ERP) and settles its invoice,
# whose Estado its customer and associated customer see (billing_views.selectors.sales_documents
# sums the movements of an invoice whatever their customer): columns read with the rows.
SEEN_THROUGH = {
    "customer-account-entries": ((CUSTOMER, "associated_customer_id"), (CUSTOMER, "invoice__customer_id"),
                                 (CUSTOMER, "invoice__associated_customer_id")),
    "supplier-account-entries": ((SUPPLIER, "invoice__supplier_id"),),
}
# An invoice's batch rewrites its movements, whoever they belong to: (their model, its columns).
LINKED = {
    "sales-invoices": (CustomerAccountEntry, ((CUSTOMER, "customer_id"), (CUSTOMER, "associated_customer_id"))),
    "purchase-invoices": (SupplierAccountEntry, ((SUPPLIER, "supplier_id"),)),
}


def _party_columns(spec: Resource) -> list[tuple[str, str]]:
    if spec.name in MASTER_RESOURCES:
        return []
    return [(PARTY_KINDS[reference.model], reference.column) for reference in spec.references
            if reference.model in PARTY_KINDS] + list(SEEN_THROUGH.get(spec.name, ()))


def batch_parties(spec: Resource, external_ids: list[str]) -> set[tuple[str, int]]:
    """(kind, id) of every party the stored rows with these external ids belong to, or that
    sees them (SEEN_THROUGH, LINKED)."""
    columns = _party_columns(spec)
    if not columns or not external_ids:
        return set()
    parties = _parties(spec.model.objects.filter(external_id__in=external_ids), columns)
    if spec.name in LINKED:
        model, linked_columns = LINKED[spec.name]
        parties |= _parties(model.objects.filter(invoice__external_id__in=external_ids), linked_columns)
    return parties


def _parties(rows, columns) -> set[tuple[str, int]]:
    return {(kind, party_id) for row in rows.values_list(*(column for _, column in columns))
            for (kind, _), party_id in zip(columns, row, strict=True) if party_id is not None}


def parties_stamp(*, spec: Resource, parties: set[tuple[str, int]], now: datetime) -> None:
    """In the batch's transaction, so a new stamp is never seen before the data it stands for.
    Once it commits, the pages these parties' sessions keep are built again (rewarm)."""
    rewarm_on_commit(parties)
    resources = (spec.name, *ALSO_CHANGES.get(spec.name, ()))
    PartyStamp.objects.bulk_create(
        [PartyStamp(kind=kind, party_id=party_id, resource=resource, stamped_at=now)
         for kind, party_id in sorted(parties) for resource in resources],
        update_conflicts=True, unique_fields=["kind", "party_id", "resource"], update_fields=["stamped_at"])
