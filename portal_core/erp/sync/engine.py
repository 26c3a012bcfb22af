"""Run one batch: validate every row, resolve references, then upsert all of it in one
transaction: COPY into a staging table, then `INSERT ... ON CONFLICT (external_id) DO UPDATE
... WHERE content_hash IS DISTINCT FROM ...`, so an unchanged row costs no write and a
replayed batch changes nothing.

Columns the sync does not feed are left to the database: a new non-null one needs a
`db_default` (a Python-side `default` does not reach these INSERTs)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext
from pydantic import ValidationError

from portal_core.models import SyncState
from portal_core.notifications.producers import sync_batch_record

from . import stamps
from .conflicts import retried_on_conflict
from .errors import (
    DUPLICATE_IN_BATCH,
    INVALID_CHARACTERS,
    INVALID_ROW,
    UNKNOWN_REFERENCE,
    BatchInvalid,
    BatchTooLarge,
    RowError,
    field_path,
)
from .resources import RESOURCES, Reference, Resource


@dataclass(frozen=True)
class BatchResult:
    resource: str
    received: int
    created: int
    updated: int
    synced_at: object

    @property
    def unchanged(self) -> int:
        return self.received - self.created - self.updated

    def as_dict(self) -> dict:
        return {
            "resource": self.resource, "received": self.received, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged, "synced_at": self.synced_at.isoformat(),
            "message": _summary(self),
        }


def _summary(result: BatchResult) -> str:
    if result.unchanged == result.received:
        return gettext("Sin cambios: todos los registros ya estaban sincronizados.")
    return gettext("%(created)d nuevos, %(updated)d actualizados, %(unchanged)d sin cambios.") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@retried_on_conflict
def batch_upsert(*, resource: str, items: list) -> BatchResult:
    """Upsert a batch of one resource, all or nothing. Raises BatchInvalid (nothing changed)
    listing every bad row, or BatchTooLarge."""
    spec = RESOURCES[resource]
    if len(items) > settings.ERP_SYNC_MAX_BATCH_ROWS:
        raise BatchTooLarge(len(items), settings.ERP_SYNC_MAX_BATCH_ROWS)
    indexed, hashes, errors = _validate(spec, items)
    if errors:
        _resolve(spec, indexed, errors)  # report unknown references together with the rest
        raise BatchInvalid(errors)
    with transaction.atomic():
        resource_lock(spec)
        now = sync_now()
        # Rows identical to what is stored need neither their references resolved nor a write.
        stored = _stored_hashes(spec, indexed)
        kept = [(pair, h) for pair, h in zip(indexed, hashes, strict=True) if stored.get(pair[1].external_id) != h]
        indexed, hashes = [pair for pair, _ in kept], [h for _, h in kept]
        ids = _resolve(spec, indexed, errors)
        if errors:
            raise BatchInvalid(errors)
        external_ids = [row.external_id for _, row in indexed]
        before = stamps.batch_parties(spec, [external_id for external_id in external_ids if external_id in stored])
        written = _write(spec, indexed, hashes, ids, stored=stored, now=now)
        stamps.parties_stamp(spec=spec, parties=before | stamps.batch_parties(spec, external_ids), now=now)
        sync_batch_record(resource=spec.name, written=written)  # notifications, in the batch's transaction
        SyncState.objects.update_or_create(
            resource=spec.name, defaults={"last_synced_at": now, "last_batch_rows": len(items)}
        )
    created = sum(1 for _, inserted in written.values() if inserted)
    return BatchResult(spec.name, len(items), created, len(written) - created, now)


def resource_lock(spec: Resource) -> None:
    """One batch of a resource at a time per portal: what is stored cannot change between
    reading it and writing it, so pre-aggregates add exactly what was written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:{spec.name}"])


def _write(spec: Resource, indexed, hashes, ids, *, stored: dict, now) -> dict[str, tuple[int, bool]]:
    """Upsert the rows that changed, replace their lines, run the resource's follow-up and keep
    its pre-aggregates exact. Returns {external_id: (id, inserted)} of the rows written."""
    rows = [row for _, row in indexed]
    if spec.aggregates:
        spec.aggregates[0]([row.external_id for row in rows if row.external_id in stored])
    written = _upsert(spec, rows, hashes, ids, now)
    changed = {external_id: row_id for external_id, (row_id, _) in written.items()}
    if spec.children:
        updated_ids = [row_id for row_id, inserted in written.values() if not inserted]
        _replace_children(spec, rows, changed, ids, updated_ids)
    if spec.after:
        spec.after(rows=rows, indexes={row.external_id: index for index, row in indexed}, changed=changed)
    if spec.aggregates:
        spec.aggregates[1]([row.external_id for row in rows])
    return written


def sync_now():
    """The batch's `synced_at`, read from the database's clock once the resource's lock is held:
    batches of a resource commit in the order of their stamps, so a reader paging the
    resource by (synced_at, id) (portal_core.erp.sync.readback) never sees a smaller stamp
    appear behind its cursor, whatever the clocks of the web processes say."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def _stored_hashes(spec: Resource, indexed) -> dict[str, str]:
    external_ids = [row.external_id for _, row in indexed]
    return dict(spec.model.objects.filter(external_id__in=external_ids).values_list("external_id", "content_hash"))


def _validate(spec: Resource, items: list):
    """([(index in the batch, row)], [content hash], errors): the rows that passed, their
    hashes, and the errors of those that did not."""
    rows, hashes, errors, seen = [], [], [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(RowError(index, "", INVALID_ROW))
            continue
        try:
            row = spec.schema.model_validate(item)
        except ValidationError as error:
            errors.extend(
                RowError(index, field_path(detail["loc"]), detail["type"], detail.get("ctx") or {})
                for detail in error.errors(include_url=False)
            )
            continue
        if row.external_id in seen:
            errors.append(RowError(index, "external_id", DUPLICATE_IN_BATCH))
            continue
        dumped = row.model_dump_json()
        if "\\u0000" in dumped:
            # PostgreSQL text cannot hold NUL (pydantic already refuses lone surrogates).
            errors.append(RowError(index, _nul_path(row.model_dump()), INVALID_CHARACTERS))
            continue
        seen.add(row.external_id)
        rows.append((index, row))
        hashes.append(hashlib.md5(dumped.encode(), usedforsecurity=False).hexdigest())
    return rows, hashes, errors


def _nul_path(value, path: tuple = ()) -> str:
    """Where the first NUL character is, as `lines[2].description`."""
    if isinstance(value, str):
        return field_path(path) if "\x00" in value else ""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _nul_path(child, (*path, key))
        if found:
            return found
    return ""


def _references(spec: Resource):
    """(reference, path to its values) pairs: the row's own and its children's."""
    for reference in spec.references:
        yield reference, None
    if spec.children:
        for reference in spec.children.references:
            yield reference, spec.children.field


def _resolve(spec: Resource, indexed, errors) -> dict[str, dict[str, int]]:
    """{reference field: {external_id: id}} for every reference the rows make; unknown ones
    become row errors."""
    resolved: dict[str, dict[str, int]] = {}
    for reference, child_field in _references(spec):
        wanted = {value for _, _, value in _reference_values(indexed, reference, child_field) if value is not None}
        found = dict(reference.model.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
        resolved[_key(reference, child_field)] = found
        errors.extend(
            RowError(index, path, UNKNOWN_REFERENCE, {"label": reference.label, "value": value})
            for index, path, value in _reference_values(indexed, reference, child_field)
            if value is not None and value not in found
        )
    return resolved


def _key(reference: Reference, child_field: str | None) -> str:
    return f"{child_field}.{reference.field}" if child_field else reference.field


def _reference_values(indexed, reference: Reference, child_field: str | None):
    for index, row in indexed:
        if child_field is None:
            yield index, reference.field, getattr(row, reference.field)
        else:
            for position, child in enumerate(getattr(row, child_field)):
                yield index, f"{child_field}[{position}].{reference.field}", getattr(child, reference.field)


def _upsert(spec: Resource, rows, hashes, ids, now) -> dict[str, tuple[int, bool]]:
    """Insert new rows and update changed ones; {external_id: (id, inserted)} of those written."""
    if not rows:
        return {}
    columns = {
        "external_id": [row.external_id for row in rows],
        "content_hash": hashes,
        "synced_at": [now] * len(rows),
    }
    for name in spec.columns:
        columns[name] = [getattr(row, name) for row in rows]
    for reference in spec.references:
        found = ids[reference.field]
        columns[reference.column] = [found.get(getattr(row, reference.field)) for row in rows]
    if spec.derived:
        derived = [spec.derived(row) for row in rows]
        for name in derived[0]:
            columns[name] = [values[name] for values in derived]
    table = _q(spec.model._meta.db_table)
    staging = _q(f"sync_{spec.model._meta.db_table}")
    names = ", ".join(_q(name) for name in columns)
    updates = ", ".join(f"{_q(name)} = EXCLUDED.{_q(name)}" for name in columns if name != "external_id")
    with connection.cursor() as cursor:
        # COPY into a bare staging table (psycopg formats COPY rows in C), then one
        # INSERT ... SELECT that writes only what is new or changed.
        # Created once per connection and emptied before each use: creating and dropping a
        # table per batch costs catalog writes every time.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {names} FROM {table} WITH NO DATA")
        cursor.execute(f"TRUNCATE {staging}")
        _copy(cursor, staging, names, columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT (external_id) DO UPDATE SET {updates} "
            f"WHERE {table}.content_hash IS DISTINCT FROM EXCLUDED.content_hash "
            f"RETURNING id, external_id, (xmax = 0)"
        )
        return {external_id: (row_id, inserted) for row_id, external_id, inserted in cursor.fetchall()}


def _copy(cursor, table: str, names: str, columns: dict[str, list]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for values in zip(*columns.values(), strict=True):
            copy.write_row(values)


def _replace_children(spec: Resource, rows, changed: dict[str, int], ids, updated_ids: list[int]) -> None:
    """New lines for every written parent; old ones deleted only where the parent existed."""
    children = spec.children
    parent_column = f"{children.parent}_id"
    table = _q(children.model._meta.db_table)
    columns: dict[str, list] = {parent_column: [], "position": []}
    for name in children.columns:
        columns[name] = []
    for reference in children.references:
        columns[reference.column] = []
    for row in rows:
        parent_id = changed.get(row.external_id)
        if parent_id is None:
            continue
        for position, child in enumerate(getattr(row, children.field), start=1):
            columns[parent_column].append(parent_id)
            columns["position"].append(position)
            for name in children.columns:
                columns[name].append(getattr(child, name))
            for reference in children.references:
                found = ids[_key(reference, children.field)]
                columns[reference.column].append(found.get(getattr(child, reference.field)))
    with connection.cursor() as cursor:
        if updated_ids:
            cursor.execute(f"DELETE FROM {table} WHERE {_q(parent_column)} = ANY(%s)", [updated_ids])
        if columns["position"]:
            _copy(cursor, table, ", ".join(_q(name) for name in columns), columns)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
