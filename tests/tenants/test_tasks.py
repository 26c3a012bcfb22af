"""Celery tasks carry the sender's schema and run inside it, through a real worker and Redis."""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import tenant_context

from config.celery import app
from tenants.tasks import PublicSchemaError, tenant_task


@tenant_task(name="tests.record_schema")
def record_schema(marker: str) -> None:
    # The cache is tenant-prefixed: the entry is only visible from the schema the task ran in.
    cache.set(f"ran:{marker}", connection.schema_name, 60)


@pytest.fixture
def worker(committed_db):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _wait_for(key, company, timeout=15.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with tenant_context(company):
            value = cache.get(key)
        if value is not None:
            return value
        time.sleep(0.05)
    return None


def test_a_task_sent_from_a_portal_runs_in_that_portal(worker, alfa, beta):
    # given
    marker_a, marker_b = uuid.uuid4().hex, uuid.uuid4().hex

    # when
    with tenant_context(alfa):
        record_schema.delay(marker_a)
    with tenant_context(beta):
        record_schema.delay(marker_b)

    # then
    assert _wait_for(f"ran:{marker_a}", alfa) == alfa.schema_name
    assert _wait_for(f"ran:{marker_b}", beta) == beta.schema_name
    with tenant_context(beta):
        assert cache.get(f"ran:{marker_a}") is None


def test_a_tenant_task_cannot_be_sent_from_the_public_schema(committed_db):
    with pytest.raises(PublicSchemaError):
        record_schema.delay("x")


def test_a_tenant_task_refuses_to_run_in_the_public_schema(committed_db):
    result = record_schema.apply(args=["x"], headers={"_schema_name": "public"})

    assert result.failed()
    assert isinstance(result.result, PublicSchemaError)
