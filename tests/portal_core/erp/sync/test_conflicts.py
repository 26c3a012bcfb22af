"""A sync batch that PostgreSQL picks as a deadlock's victim runs again by itself: the ERP gets
its answer, not an error, and the rows end as the batch says. Real transactions on two
connections, the deadlock made on purpose."""

import logging
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django_tenants.utils import tenant_context

from portal_core.erp.sync.conflicts import retried_on_conflict
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import SalesInvoice
from provisioning.services import portal_create
from tests.conftest import PASSWORD


def invoice(external_id, number, total):
    return {"external_id": external_id, "customer": "C1", "doc_type": "FA", "letter": "A", "point_of_sale": 1,
            "number": number, "issue_date": "2026-11-20", "due_date": "2026-12-20", "net": total, "vat": "0.00",
            "total": total, "lines": []}


def test_a_batch_that_loses_a_deadlock_runs_again_and_lands(committed_db, caplog):
    company = portal_create(name="Bloqueos Cruzados", email="admin@bloqueos.test", password=PASSWORD)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Cliente Uno"}])
        batch_upsert(resource="sales-invoices", items=[invoice("F1", 1, "100.00"), invoice("F2", 2, "200.00")])
    holds_f2, outcome = threading.Event(), {}

    def other_writer():
        """Holds F2, waits until the batch waits for it, then asks for F1, which the batch holds."""
        try:
            with tenant_context(company), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE portal_core_salesinvoice SET cae = '1' WHERE external_id = 'F2'")
                holds_f2.set()
                _until_someone_waits_for_a_lock(cursor)
                cursor.execute("UPDATE portal_core_salesinvoice SET cae = '1' WHERE external_id = 'F1'")
                time.sleep(0.3)
            outcome["other"] = "committed"
        except Exception as error:  # the thread reports what it met
            outcome["other"] = repr(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert holds_f2.wait(10)
    caplog.set_level(logging.WARNING, logger="portal_core.erp.sync.conflicts")
    with tenant_context(company):
        result = batch_upsert(resource="sales-invoices", items=[invoice("F1", 1, "111.00"), invoice("F2", 2, "222.00")])
    thread.join(30)

    # PostgreSQL broke the cycle by rolling the batch back (it waited first); the batch ran again
    assert outcome == {"other": "committed"}
    assert [record.attempt for record in caplog.records] == [1]
    assert (result.updated, result.created) == (2, 0)
    with tenant_context(company):
        assert sorted(SalesInvoice.objects.values_list("external_id", "total")) == [("F1", 111), ("F2", 222)]


def _until_someone_waits_for_a_lock(cursor, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        if cursor.fetchone()[0]:
            return
        time.sleep(0.02)
    raise AssertionError("the batch never waited for F2")


@pytest.mark.parametrize("through", ["django", "psycopg"])
def test_a_conflict_raised_by_postgresql_is_run_again_whichever_layer_reports_it(committed_db, through):
    attempts = []

    @retried_on_conflict
    def batch():
        attempts.append(1)
        with transaction.atomic(), connection.cursor() as cursor:
            if len(attempts) == 1:  # PostgreSQL's own deadlock error, through Django's cursor or the driver's
                target = cursor if through == "django" else cursor.cursor
                target.execute("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$")
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]

    assert batch() == 1
    assert len(attempts) == 2


def test_any_other_database_error_is_not_run_again(committed_db):
    attempts = []

    @retried_on_conflict
    def batch():
        attempts.append(1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DO $$ BEGIN RAISE EXCEPTION 'full' USING ERRCODE = '53100'; END $$")

    with pytest.raises(OperationalError):
        batch()
    assert len(attempts) == 1
