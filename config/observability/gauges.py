"""Gauges read from the database at scrape time: emails waiting or failed in the portals'
outboxes, and spare schemas in the pool.

Computed in the scrape (not by a beat task) so they are as fresh as the cache allows and need
no worker or beat to be up; cached for CACHE_SECONDS so scrapes from several Prometheus
replicas cost one round. With 1,000 portals a round is three statements: the portals with an
outbox table, then one UNION ALL statement per UNION_CHUNK schemas, and the spare count."""

import logging
import threading
import time

from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)
CACHE_SECONDS = 60
PENDING = ("pending", "sending")  # OutboxMessage statuses still to be sent
FAILED = ("error",)


def outbox_counts(*, schemas: list[str], chunk: int) -> dict[str, int]:
    """Pending and failed outbox messages over `schemas`, one statement per `chunk` schemas."""
    from django.db import connection
    from psycopg import sql

    from portal_core.mail.models import OutboxMessage

    table = OutboxMessage._meta.db_table
    totals = {"pending": 0, "failed": 0}
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), chunk):
            statement = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT count(*) FILTER (WHERE status = ANY(%(pending)s)),"
                        " count(*) FILTER (WHERE status = ANY(%(failed)s)) FROM {}.{}"
                        " WHERE status <> 'sent'").format(sql.Identifier(schema), sql.Identifier(table))
                for schema in schemas[start:start + chunk])
            cursor.execute(statement.as_string(cursor.connection),
                           {"pending": list(PENDING), "failed": list(FAILED)})
            for pending, failed in cursor.fetchall():
                totals["pending"] += pending
                totals["failed"] += failed
    return totals


def schemas_with_outbox() -> list[str]:
    """The portals' schemas that have an outbox table (not one half-made or being dropped)."""
    from django.db import connection

    from portal_core.mail.models import OutboxMessage
    from tenants.schema_migrations import portal_schemas

    with connection.cursor() as cursor:
        cursor.execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                       " WHERE c.relname = %s AND n.nspname = ANY(%s) ORDER BY 1",
                       [OutboxMessage._meta.db_table, portal_schemas()])
        return [row[0] for row in cursor.fetchall()]


def spare_pool_size() -> int:
    from tenants.models import Company

    return Company.objects.filter(status=Company.Status.SPARE).count()


def gauge_values() -> dict[str, int]:
    from django.db import connection

    from tenants.schema_migrations import UNION_CHUNK

    try:
        connection.set_schema_to_public()
        return {**outbox_counts(schemas=schemas_with_outbox(), chunk=UNION_CHUNK), "spare": spare_pool_size()}
    finally:
        # The scrape's thread gives its connection back: nothing held between scrapes, nothing
        # for a forked worker to inherit.
        connection.close()


class PortalGauges:
    """A prometheus_client collector of the database gauges, cached for `ttl` seconds. While the
    database does not answer the gauges are left out (absent, not zero) and it is asked again
    after `ttl`."""

    def __init__(self, ttl: float = CACHE_SECONDS):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._values: dict[str, int] | None = None
        self._read_at = float("-inf")

    def _current(self) -> dict[str, int] | None:
        with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                self._read_at = time.monotonic()
                try:
                    self._values = gauge_values()
                except Exception as error:  # a scrape never fails on the database
                    logger.warning("Database gauges not read: %s", error)
                    self._values = None
            return self._values

    def collect(self):
        values = self._current()
        if values is None:
            return
        outbox = GaugeMetricFamily("portal_outbox_messages", "Emails in the portals' outboxes not sent yet.",
                                   labels=["status"])
        outbox.add_metric(["pending"], values["pending"])
        outbox.add_metric(["failed"], values["failed"])
        yield outbox
        yield GaugeMetricFamily("portal_spare_pool_size", "Spare portal schemas ready for Crear Portal.",
                                value=values["spare"])
