"""Deleting rows the ERP removed: by `external_id`, all or nothing, each refusal per row like
the upserts' (unknown in the portal, still used by other rows), then the same follow-ups as an
upsert batch: pre-aggregates kept exact, the parties' page stamps, the resource's SyncState,
and the current-account movements that pointed at a deleted document."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal_core.models import (
    AccountLink,
    CustomerAccountEntry,
    OrderLine,
    PurchaseInvoiceLine,
    SalesInvoiceLine,
    SupplierAccountEntry,
    SyncState,
)

from . import stamps
from .conflicts import retried_on_conflict
from .engine import resource_lock, sync_now
from .errors import (
    DUPLICATE_IN_BATCH,
    INVALID_CHARACTERS,
    NOT_IN_PORTAL,
    STILL_REFERENCED,
    BatchInvalid,
    BatchTooLarge,
    RowError,
    SyncError,
)
from .relations import entries_associate, supplier_entries_from_invoices
from .resources import RESOURCES, Resource

MAX_LENGTH = 64
# Movements of a deleted document lose their link to it (SET_NULL): like a movement re-sent
# without a document, they no longer copy its associated customer or voided flag.
ORPHANED_ENTRIES = {
    "sales-invoices": (CustomerAccountEntry, entries_associate),
    "purchase-invoices": (SupplierAccountEntry, supplier_entries_from_invoices),
}
# How a refusal names what still uses a row, where the model's plural would read badly.
REFERENCE_LABELS = {
    AccountLink: _("cuentas del portal vinculadas"),
    CustomerAccountEntry: _("movimientos de cuenta corriente"),
    SupplierAccountEntry: _("movimientos de cuenta corriente"),
    SalesInvoiceLine: _("renglones de comprobantes de venta"),
    PurchaseInvoiceLine: _("renglones de comprobantes de compra"),
    OrderLine: _("renglones de pedidos"),
}


@dataclass(frozen=True)
class DeleteResult:
    resource: str
    deleted: int
    synced_at: object

    def as_dict(self) -> dict:
        return {"resource": self.resource, "received": self.deleted, "deleted": self.deleted,
                "synced_at": self.synced_at.isoformat(),
                "message": gettext("%(deleted)d borrados.") % {"deleted": self.deleted}}


@retried_on_conflict
def batch_delete(*, resource: str, external_ids: list) -> DeleteResult:
    """Delete the rows with these external ids, all or nothing. Raises BatchInvalid (nothing
    changed) listing every refused id, or BatchTooLarge."""
    spec = RESOURCES[resource]
    if len(external_ids) > settings.ERP_SYNC_MAX_BATCH_ROWS:
        raise BatchTooLarge(len(external_ids), settings.ERP_SYNC_MAX_BATCH_ROWS)
    wanted, errors = _validate(external_ids)
    if errors:
        raise BatchInvalid(errors, SyncError.INVALID_DELETES)
    with transaction.atomic():
        resource_lock(spec)
        now = sync_now()
        # Locked, so a batch of another resource cannot start using them while they go.
        ids = dict(spec.model.objects.select_for_update().filter(external_id__in=wanted)
                   .values_list("external_id", "id"))
        errors = [RowError(index, "external_id", NOT_IN_PORTAL, {"value": value})
                  for value, index in wanted.items() if value not in ids]
        errors += _still_referenced(spec, wanted, ids)
        if errors:
            raise BatchInvalid(errors, SyncError.INVALID_DELETES)
        _delete(spec, ids, now)
        SyncState.objects.update_or_create(
            resource=spec.name, defaults={"last_synced_at": now, "last_batch_rows": len(ids)})
    return DeleteResult(spec.name, len(ids), now)


def _validate(external_ids: list) -> tuple[dict[str, int], list[RowError]]:
    """({external_id: index}, errors): the ids as the upserts read them (trimmed)."""
    wanted, errors = {}, []
    for index, value in enumerate(external_ids):
        if not isinstance(value, str):
            errors.append(RowError(index, "external_id", "string_type"))
            continue
        value = value.strip()
        if not value:
            errors.append(RowError(index, "external_id", "string_too_short"))
        elif len(value) > MAX_LENGTH:
            errors.append(RowError(index, "external_id", "string_too_long", {"max_length": MAX_LENGTH}))
        elif "\x00" in value:
            errors.append(RowError(index, "external_id", INVALID_CHARACTERS))
        elif value in wanted:
            errors.append(RowError(index, "external_id", DUPLICATE_IN_BATCH))
        else:
            wanted[value] = index
    return wanted, errors


def _still_referenced(spec: Resource, wanted: dict[str, int], ids: dict[str, int]) -> list[RowError]:
    """A row that rows of another table still point at through a PROTECT or RESTRICT key (a
    customer with documents, an article on invoice lines, a party with portal accounts)."""
    by_id = {row_id: external_id for external_id, row_id in ids.items()}
    uses: dict[int, list[tuple[str, int]]] = {}
    # Hidden ones too: lines point at their article with related_name="+".
    for relation in spec.model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        column = relation.field.name
        counts = (relation.related_model.objects.filter(**{f"{column}__in": list(by_id)})
                  .values(column).annotate(count=models.Count("pk")).values_list(column, "count"))
        label = REFERENCE_LABELS.get(relation.related_model, relation.related_model._meta.verbose_name_plural)
        for row_id, count in counts:
            uses.setdefault(row_id, []).append((str(label), count))
    return [RowError(wanted[by_id[row_id]], "external_id", STILL_REFERENCED,
                     {"value": by_id[row_id], "label": label, "count": count})
            for row_id, found in uses.items() for label, count in found]


def _delete(spec: Resource, ids: dict[str, int], now) -> None:
    external_ids = list(ids)
    parties = stamps.batch_parties(spec, external_ids)
    if spec.aggregates:
        spec.aggregates[0](external_ids)  # take out what the deleted rows contributed
    orphaned = ORPHANED_ENTRIES.get(spec.name)
    entry_ids = (list(orphaned[0].objects.filter(invoice_id__in=ids.values()).values_list("id", flat=True))
                 if orphaned else [])
    if spec.before_delete:
        spec.before_delete(list(ids.values()))
    spec.model.objects.filter(id__in=ids.values()).delete()  # lines go with their documents
    if entry_ids:
        orphaned[1](rows=[], indexes={}, changed=dict(enumerate(entry_ids)))
        # Read back, they now come without their document.
        orphaned[0].objects.filter(id__in=entry_ids).update(synced_at=now)
    stamps.parties_stamp(spec=spec, parties=parties, now=now)
