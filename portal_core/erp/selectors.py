"""Reads of the ERP integration: API keys, and when and what the ERP last synced."""

import functools
import hashlib

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal_core.erp.sync.resources import RESOURCES
from portal_core.erp.sync.stamps import MASTER_RESOURCES
from portal_core.models import (
    ApiKey,
    Customer,
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
    with connection.cursor() as cursor:  # written out: every portal page runs it (see _party_stamps_sql)
        cursor.execute(f"SELECT resource, last_synced_at FROM {SyncState._meta.db_table}")
        stamps = sorted(cursor.fetchall())
    return {
        "updated_at": max(dict(stamps).values(), default=None),
        "version": _digest(stamps),
        "master_version": _digest([stamp for stamp in stamps if stamp[0] in MASTER_RESOURCES]),
    }


def party_data_version(*, kind: str, party_id: int, resources: tuple[str, ...], master_version: str) -> str:
    """The version of what a party's page reads: the master data's (`sync_marks`'s
    master_version) and the batches that changed the party's rows of these resources
    (PartyStamp), a customer's group's included (its *Relacionado* lists show their rows). A
    batch for any other party leaves it as it was."""
    group = kind == PartyStamp.Kind.CUSTOMER
    with connection.cursor() as cursor:
        cursor.execute(_party_stamps_sql(group), {"kind": kind, "party": party_id, "resources": list(resources)})
        stamps = cursor.fetchall()
    return _digest([master_version, *stamps])


@functools.cache
def _party_stamps_sql(group: bool) -> str:
    """party_data_version's statement, written out once: every section page runs it, and the
    ORM's building of it (the group's two subqueries) cost a warm page a millisecond, a quarter
    of what the rest of it cost (bench/request_cpu.py)."""
    related = Customer.related.through._meta.db_table
    group_condition = (f" OR party_id IN (SELECT to_customer_id FROM {related} WHERE from_customer_id = %(party)s)"
                       f" OR party_id IN (SELECT from_customer_id FROM {related} WHERE to_customer_id = %(party)s)"
                       if group else "")
    return (f"SELECT party_id, resource, stamped_at FROM {PartyStamp._meta.db_table}"
            f" WHERE kind = %(kind)s AND resource = ANY(%(resources)s) AND (party_id = %(party)s{group_condition})"
            " ORDER BY party_id, resource")


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
