"""Reading back what the portal holds, in the shape the ERP posts it (external ids for the
references, lines inside their documents), page by page in (synced_at, id) order.

`synced_at` is stamped only when a row's content changes (the upsert's `WHERE content_hash IS
DISTINCT FROM`), from the database's clock under the resource's lock (engine.sync_now): batches
commit in stamp order, so a reader following the cursor sees every row written after the page
it last read, a changed row again, and never loses one behind its cursor."""

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

from portal_core.models import Customer

from .resources import RESOURCES, Resource


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    synced_at: datetime
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{_micros(self.synced_at)}.{self.id}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
            micros, _, row_id = raw.partition(".")
            if not (micros.isdigit() and row_id.isdigit()) or int(row_id) >= 2**63:
                raise InvalidCursor(cursor)
            seconds, rest = divmod(int(micros), 1_000_000)
            return cls(datetime.fromtimestamp(seconds, UTC).replace(microsecond=rest), int(row_id))
        except (binascii.Error, UnicodeError, ValueError, OverflowError, OSError):
            raise InvalidCursor(cursor) from None


def _micros(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(frozen=True)
class Page:
    items: list[dict]
    next: Position | None  # where the next page starts, when there are more rows now
    resume: Position | None  # after the last row given: where a later read picks up what changes


def rows_page(*, resource: str, limit: int, after: Position | None = None,
              updated_since: datetime | None = None) -> Page:
    """Up to `limit` rows of `resource` after `after` (or from the start) stamped at or after
    `updated_since`, in the ERP's shape."""
    spec = RESOURCES[resource]
    rows = spec.model.objects.all()
    if updated_since is not None:
        rows = rows.filter(synced_at__gte=updated_since)
    if after is not None:
        # The first condition alone bounds the index scan on (synced_at, id); the second is exact.
        rows = rows.filter(Q(synced_at__gt=after.synced_at) | Q(synced_at=after.synced_at, id__gt=after.id),
                           synced_at__gte=after.synced_at)
    fields = ["id", "synced_at", "external_id", *spec.columns,
              *(f"{reference.field}__external_id" for reference in spec.references)]
    found = list(rows.order_by("synced_at", "id").values(*fields)[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    last = Position(found[-1]["synced_at"], found[-1]["id"]) if found else after
    return Page(_shape(spec, found), last if more else None, last)


def _shape(spec: Resource, found: list[dict]) -> list[dict]:
    ids = [row["id"] for row in found]
    children = _children(spec, ids) if spec.children else {}
    related = _related(ids) if spec.model is Customer else {}
    items = []
    for row in found:
        item = {"external_id": row["external_id"]}
        item.update({name: _json(row[name]) for name in spec.columns})
        item.update({reference.field: row[f"{reference.field}__external_id"] for reference in spec.references})
        if spec.children:
            item[spec.children.field] = children.get(row["id"], [])
        if spec.model is Customer:
            item["related"] = related.get(row["id"], [])
        items.append(item)
    return items


def _children(spec: Resource, parent_ids: list[int]) -> dict[int, list[dict]]:
    children = spec.children
    parent = f"{children.parent}_id"
    fields = [parent, *children.columns, *(f"{reference.field}__external_id" for reference in children.references)]
    lines = defaultdict(list)
    for row in (children.model.objects.filter(**{f"{parent}__in": parent_ids})
                .order_by(parent, "position").values(*fields)):
        line = {reference.field: row[f"{reference.field}__external_id"] for reference in children.references}
        line.update({name: _json(row[name]) for name in children.columns})
        lines[row[parent]].append(line)
    return lines


def _related(customer_ids: list[int]) -> dict[int, list[str]]:
    """The links each customer declared (stored one way, as its own `related` list set them)."""
    related = defaultdict(list)
    for from_id, external_id in (Customer.related.through.objects.filter(from_customer_id__in=customer_ids)
                                 .order_by("from_customer_id", "to_customer__external_id")
                                 .values_list("from_customer_id", "to_customer__external_id")):
        related[from_id].append(external_id)
    return related


def _json(value):
    """Amounts and quantities as strings (exact, as the ERP may send them); dates ISO 8601."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
