"""Reads of the ERP integration: API keys, and when and what the ERP last synced."""

import hashlib

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal_core.erp.sync.resources import RESOURCES
from portal_core.models import (
    ApiKey,
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
    fingerprint = "|".join(f"{resource}@{synced_at.isoformat()}" for resource, synced_at in stamps)
    return {
        "updated_at": max(dict(stamps).values(), default=None),
        "version": hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest(),
    }


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
