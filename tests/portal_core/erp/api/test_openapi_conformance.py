"""schemathesis over the API's own OpenAPI schema: no 5xx, responses match the schema."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal_core.erp.events import Kind, event_record
from portal_core.erp.sync.engine import batch_upsert

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schemathesis.serializer("application/pdf")
def pdf_body(ctx, value):
    """The ERP's PDF upload: generated values are sent as the raw body (mostly not PDFs)."""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, keeping the test's transaction open across requests (as the
    test client does: no connection closing at the end of each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def schema(alfa, wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app, headers={"Host": alfa.hostname})


def test_every_operation_conforms_to_the_schema(schema, alfa, alfa_key, settings):
    settings.ERP_SYNC_RATE = "100000/min"  # more operations x examples than a key may ask in a minute
    headers = {"Host": alfa.hostname, "Authorization": f"Bearer {alfa_key}"}
    with tenant_context(alfa):  # rows and events to read back, reconcile and delete
        batch_upsert(resource="branches", items=[{"external_id": f"S-{n}", "name": f"Sucursal {n}"}
                                                 for n in range(30)])
        batch_upsert(resource="customers", items=[{"external_id": "C-1", "business_name": "Peñalolén S.A."}])
        event_record(kind=Kind.REGISTRATION, data={"email": "ana@x.test", "party": None})
    operations = [result.ok() for result in schema.get_all_operations()]
    ids = {operation.definition.raw.get("operationId") for operation in operations}
    assert {"events_list", "reconcile", "reconcile_ranges", "read_branches", "read_sales_invoices",
            "delete_branches", "delete_batch_sales_invoices"} <= ids
    assert len(operations) >= 15 + 3 * 10 + 3  # each resource read, deleted one and in bulk; events; reconcile

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
