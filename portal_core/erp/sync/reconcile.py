"""Reconciliation: each resource's row count and a checksum the ERP can compute on its own
rows, and the same split in 16 ranges by the hash of `external_id` to find a difference fast.

The algorithm (the ERP computes the same):
- each row's `content_hash` is the md5 (32 lowercase hex digits) of the row as the portal
  validated it, serialized as compact JSON (no spaces, UTF-8, no escaping of accents): every
  field of the resource's schema in the schema's order, defaults filled in, texts trimmed,
  CUIT as its 11 digits, email in lowercase, amounts as the decimal text sent (`"1210.00"`),
  dates `AAAA-MM-DD`, lines in their order;
- a row's value is the first 16 hex digits of md5(`external_id` + ":" + `content_hash`) read
  as an unsigned 64-bit integer;
- a set's checksum is the sum of its rows' values modulo 2^64, as 16 lowercase hex digits
  (order does not matter; the empty set's is `0000000000000000`);
- a row's range is the hex prefix of md5(`external_id`): the ranges of prefix `p` are `p0` ...
  `pf`, and the resource as a whole is prefix "".
"""

from dataclasses import dataclass

from django.db import connection

from .resources import RESOURCES

HEX = "0123456789abcdef"
MAX_PREFIX = 32
_VALUE = "('x' || left(md5(external_id || ':' || content_hash), 16))::bit(64)::bigint"


@dataclass(frozen=True)
class Tally:
    count: int
    checksum: str

    def as_dict(self) -> dict:
        return {"count": self.count, "checksum": self.checksum}


def _checksum(total) -> str:
    return f"{int(total or 0) % 2**64:016x}"


def _table(resource: str) -> str:
    return connection.ops.quote_name(RESOURCES[resource].model._meta.db_table)


def resources_tally() -> dict[str, Tally]:
    """Count and checksum of every resource."""
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(
            f"SELECT %s, count(*), sum({_VALUE}) FROM {_table(name)}" for name in RESOURCES), list(RESOURCES))
        return {name: Tally(count, _checksum(total)) for name, count, total in cursor.fetchall()}


def ranges_tally(*, resource: str, prefix: str) -> tuple[Tally, dict[str, Tally]]:
    """The rows whose md5(external_id) starts with `prefix` (lowercase hex, shorter than 32):
    their tally, and each of the 16 ranges one hex digit longer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT left(md5(external_id), %s), count(*), sum({_VALUE}) FROM {_table(resource)} "
            "WHERE starts_with(md5(external_id), %s) GROUP BY 1",
            [len(prefix) + 1, prefix])
        found = {bucket: (count, total) for bucket, count, total in cursor.fetchall()}
    ranges = {}
    for digit in HEX:
        count, total = found.get(prefix + digit, (0, 0))
        ranges[prefix + digit] = Tally(count, _checksum(total))
    whole = Tally(sum(count for count, _ in found.values()), _checksum(sum(int(total) for _, total in found.values())))
    return whole, ranges


def range_rows(*, resource: str, prefix: str, limit: int) -> list[dict] | None:
    """The external ids and content hashes of a range, ordered by external_id, when it has at
    most `limit` rows (None otherwise): the last step of a bisection."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_id, content_hash FROM {_table(resource)} "
            "WHERE starts_with(md5(external_id), %s) ORDER BY external_id COLLATE \"C\" LIMIT %s",
            [prefix, limit + 1])
        rows = cursor.fetchall()
    if len(rows) > limit:
        return None
    return [{"external_id": external_id, "content_hash": content_hash} for external_id, content_hash in rows]
