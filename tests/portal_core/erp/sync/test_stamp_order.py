"""Batches of a resource are stamped in the order they commit: a batch that waited for another
one's lock is stamped after it, so a reader paging by (synced_at, id) never finds a row appear
behind its cursor."""

import threading
import time

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert, resource_lock
from portal_core.erp.sync.resources import RESOURCES
from portal_core.models import Branch, SyncState
from tenants.models import Company


def _others_waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first snapshot: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_batch_that_waited_for_the_lock_is_stamped_after_the_batch_that_held_it(committed_db):
    alfa = Company.objects.get(slug="alfa")
    with tenant_context(alfa):
        assert not SyncState.objects.filter(resource="branches").exists()
    held, done = threading.Event(), threading.Event()

    def first_batch():  # takes the lock, lets the second batch start and wait, then writes
        with tenant_context(alfa), transaction.atomic():
            resource_lock(RESOURCES["branches"])
            held.set()
            deadline = time.monotonic() + 30
            while not _others_waiting_on_a_lock() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _others_waiting_on_a_lock(), "the second batch never waited for the lock"
            batch_upsert(resource="branches", items=[{"external_id": "ORDEN-A", "name": "Primera"}])

    def second_batch():
        with tenant_context(alfa):
            batch_upsert(resource="branches", items=[{"external_id": "ORDEN-B", "name": "Segunda"}])
        done.set()

    try:
        first, first_errors = _in_thread(first_batch)
        assert held.wait(30)
        second, second_errors = _in_thread(second_batch)
        first.join(60)
        second.join(60)
        assert (first_errors, second_errors) == ([], [])
        assert done.is_set()

        with tenant_context(alfa):
            stamps = dict(Branch.objects.filter(external_id__startswith="ORDEN-")
                          .values_list("external_id", "synced_at"))
            # the second batch started before the first wrote, and is stamped after it committed
            assert stamps["ORDEN-B"] > stamps["ORDEN-A"]
    finally:
        with tenant_context(alfa):
            Branch.objects.filter(external_id__startswith="ORDEN-").delete()
            SyncState.objects.filter(resource="branches").delete()
