"""Reads of the ERP integration: API keys, and when and what the ERP last synced."""

import hashlib

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from portal_core.erp.sync.resources import RESOURCES
from portal_core.erp.sync.stamps import MASTER_RESOURCES
from portal_core.models import (
    ApiKey,
    ErpEvent,
    PartyStamp,
    SyncState,
)


def api_key_for_secret(*, key: str) -> ApiKey | None:
    """The active key with this secret in the current portal, or None."""
    return ApiKey.objects.filter(key_hash=ApiKey.hash_secret(key), revoked_at=None).first()


def api_keys_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("revoked_at", "-created_at")


def sync_states() -> dict[str, SyncState]:
    return {state.resource: state for state in SyncState.objects.all()}


def sync_marks() -> dict:
    """Every resource's last sync, in one small query: when the data was last updated, and a
    version of it. Each ERP batch stamps its resource's SyncState in the batch's own
    transaction, so the version changes exactly when synced data does, and reads cached under
    it (billing_views.selectors) are never older than the data they came from. A page reads
    this once, through its viewer (portal_core.web.viewer)."""
    stamps = sorted(SyncState.objects.values_list("resource", "last_synced_at"))
    return {
        "updated_at": max(dict(stamps).values(), default=None),
        "version": _digest(stamps),
        "master_version": _digest([stamp for stamp in stamps if stamp[0] in MASTER_RESOURCES]),
    }


def party_data_version(*, kind: str, parties: Q, resources: tuple[str, ...], master_version: str) -> str:
    """The version of what a party's page reads: the master data's (`sync_marks`'s
    master_version) and the batches that changed these parties' rows of these resources
    (PartyStamp; `parties` a condition on its party_id). A batch for any other party leaves it
    as it was."""
    stamps = (PartyStamp.objects.filter(parties, kind=kind, resource__in=resources)
              .order_by("party_id", "resource").values_list("party_id", "resource", "stamped_at"))
    return _digest([master_version, *stamps])


def _digest(stamps) -> str:
    fingerprint = "|".join(":".join(str(part) for part in stamp) if isinstance(stamp, tuple) else stamp
                           for stamp in stamps)
    return hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest()


def sync_version() -> str:
    """Changes with every ERP batch of any resource: the key of reads kept until the next sync."""
    return sync_marks()["version"]


def access_api_key(*, key_id: int) -> ApiKey:
    """A key of this portal, or 404 (the same for a missing id and another portal's key)."""
    return get_object_or_404(ApiKey, pk=key_id)


def sync_status_rows() -> list[dict]:
    """Each resource with its label and last sync, in the order the ERP should send them."""
    states = sync_states()
    return [
        {"name": name, "label": spec.label, "state": states.get(name)}
        for name, spec in RESOURCES.items()
    ]


def events_after(*, after: int, limit: int) -> tuple[list[ErpEvent], int | None]:
    """Up to `limit` events with an id above `after`, in id order, and the cursor of the next
    page (the last id given) when there are more; None when this page reaches the end. Ids
    commit in order (portal_core.erp.events), so paging by id never skips one."""
    events = list(ErpEvent.objects.filter(id__gt=after).order_by("id")[: limit + 1])
    more = len(events) > limit
    events = events[:limit]
    return events, (events[-1].id if more else None)
