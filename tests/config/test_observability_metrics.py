"""The /metrics server, scraped over HTTP: requests by view and status, ERP sync rows and
rejected batches, the database gauges; and no label naming a portal unless the operator asks."""

import json

from django.utils import timezone
from django_tenants.utils import tenant_context

from config.observability.gauges import outbox_counts
from portal_core.erp.services import api_key_create
from portal_core.mail.models import OutboxMessage
from tenants.models import Company
from tests.config.observability import label_values, metrics_server, sample
from tests.conftest import host_client

REQUESTS, LATENCY = "portal_http_requests_total", "portal_http_request_duration_seconds_count"


def test_requests_are_counted_by_view_and_status_with_no_portal_label(alfa):
    client = host_client(alfa)
    with metrics_server() as scrape:
        before = scrape()

        client.get("/ingresar/")
        client.get("/ingresar/")
        client.get("/no-existe/")
        after = scrape()

    assert sample(after, REQUESTS, view="login", status="200") - sample(before, REQUESTS, view="login",
                                                                        status="200") == 2
    assert sample(after, LATENCY, view="login") - sample(before, LATENCY, view="login") == 2
    assert sample(after, REQUESTS, view="<unmatched>", status="404") - sample(
        before, REQUESTS, view="<unmatched>", status="404") == 1
    assert not {alfa.schema_name, alfa.slug, "/ingresar/", "/no-existe/"} & label_values(after)


def test_the_portal_label_appears_only_when_the_operator_turns_it_on(alfa, settings):
    settings.METRICS_PORTAL_LABEL = True
    with metrics_server() as scrape:
        host_client(alfa).get("/ingresar/")
        samples = scrape()

    assert sample(samples, REQUESTS, view="login", status="200", portal=alfa.schema_name) == 1
    assert sample(samples, LATENCY, view="login", portal=alfa.schema_name) == 1
    assert alfa.schema_name not in label_values({key: value for key, value in samples.items()
                                                 if not key[0].startswith("portal_http_")})


def test_erp_sync_rows_and_rejected_batches_are_counted_by_resource(alfa):
    with tenant_context(alfa):
        _, secret = api_key_create(name="ERP")
    client = host_client(alfa, HTTP_AUTHORIZATION=f"Bearer {secret}")
    rows = [{"external_id": "M1", "business_name": "Métrica S.A."}, {"external_id": "M2", "business_name": "Otra"}]

    def post(items):
        return client.post("/api/v1/customers/", json.dumps({"items": items}), content_type="application/json")

    with metrics_server() as scrape:
        before = scrape()
        assert post(rows).status_code == 200
        assert post(rows).status_code == 200  # the same batch again: nothing written
        assert post([{"external_id": "M3"}]).status_code == 400
        after = scrape()

    rows_total, errors_total = "portal_erp_sync_rows_upserted_total", "portal_erp_sync_errors_total"
    assert sample(after, rows_total, resource="customers") - sample(before, rows_total, resource="customers") == 2
    assert sample(after, errors_total, resource="customers") - sample(before, errors_total,
                                                                      resource="customers") == 1


def _outbox(status):
    OutboxMessage.objects.create(kind="test", to="x@x.test", subject="s", body_text="", body_html="",
                                 message_id=f"<{status}-{timezone.now().timestamp()}@x>", status=status)


def test_database_gauges_report_the_outboxes_and_the_spare_pool(committed_db):
    alfa = Company.objects.get(slug="alfa")
    with metrics_server(db_gauges=True) as scrape:
        before = scrape()
    try:
        with tenant_context(alfa):
            for status in ("pending", "sending", "error", "sent"):
                _outbox(status)
        with metrics_server(db_gauges=True) as scrape:  # a new server: nothing cached
            after = scrape()
    finally:
        with tenant_context(alfa):
            OutboxMessage.objects.filter(kind="test").delete()

    outbox = "portal_outbox_messages"
    assert sample(after, outbox, status="pending") - sample(before, outbox, status="pending") == 2
    assert sample(after, outbox, status="failed") - sample(before, outbox, status="failed") == 1
    assert sample(after, "portal_spare_pool_size") == Company.objects.filter(status="spare").count() == 1


def test_outbox_counts_take_one_statement_per_chunk_of_schemas(alfa, beta, django_assert_num_queries):
    with tenant_context(alfa):
        _outbox("pending")
    with tenant_context(beta):
        _outbox("error")
        _outbox("error")
    schemas = [alfa.schema_name, beta.schema_name]
    outbox_counts(schemas=schemas, chunk=500)  # the connection's search_path is set once first

    with django_assert_num_queries(1):
        together = outbox_counts(schemas=schemas, chunk=500)
    with django_assert_num_queries(2):
        apart = outbox_counts(schemas=schemas, chunk=1)

    assert together == apart == {"pending": 1, "failed": 2}
