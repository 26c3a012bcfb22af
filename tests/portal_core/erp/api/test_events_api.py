"""GET /api/v1/events/: the feed the ERP pulls, in id order, page by page, per portal."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tenants.utils import tenant_context

from portal_core.access.tasks import access_prune
from portal_core.erp.events import Kind, event_record
from portal_core.erp.services import api_key_create
from portal_core.models import ErpEvent


def _record(company, count, **fields):
    with tenant_context(company):
        return [event_record(kind=Kind.PICKUP_DONE, resource="supplier-payments", external_id=f"OP-{n}",
                             data={"n": n}, **fields).id for n in range(count)]


def test_events_come_in_id_order_with_their_shape(api, alfa):
    # given
    with tenant_context(alfa):
        first = event_record(kind=Kind.REGISTRATION, data={"email": "ana@example.com", "party": None})
        second = event_record(kind=Kind.REGISTRATION_APPROVED, resource="customers", external_id="CLI-1",
                              data={"email": "ana@example.com", "party": "Distribuidora Peñalolén S.A."})

    # when
    response = api.get("/api/v1/events/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [event["id"] for event in body["events"]] == [first.id, second.id]
    event = body["events"][1]
    assert parse_datetime(event["occurred_at"]) == second.occurred_at
    assert event | {"occurred_at": None} == {
        "id": second.id, "kind": "registration_approved", "occurred_at": None, "resource": "customers",
        "external_id": "CLI-1", "data": {"email": "ana@example.com", "party": "Distribuidora Peñalolén S.A."}}


def test_paging_with_next_reads_every_event_once_even_as_new_ones_arrive(api, alfa):
    ids = _record(alfa, 7)
    seen, after = [], 0
    while True:
        response = api.get(f"/api/v1/events/?after={after}&limit=3")
        assert response.status_code == 200
        body = response.json()
        seen += [event["id"] for event in body["events"]]
        if len(seen) == 3:
            ids += _record(alfa, 2)  # written while the ERP is paging
        if body["next"] is None:
            break
        assert body["next"] == body["events"][-1]["id"]
        after = body["next"]

    assert seen == ids
    assert api.get(f"/api/v1/events/?after={seen[-1]}").json() == {"events": [], "next": None}


def test_a_full_last_page_says_there_is_no_next(api, alfa):
    ids = _record(alfa, 2)

    body = api.get("/api/v1/events/?limit=2").json()

    assert [event["id"] for event in body["events"]] == ids
    assert body["next"] is None


@pytest.mark.parametrize("query", [
    "after=-1", "after=abc", "after=1.5", "after=", "limit=0", "limit=1001", "limit=x", "after=99999999999999999999",
])
def test_bad_after_or_limit_is_a_json_400(api, alfa, query):
    _record(alfa, 1)

    response = api.get(f"/api/v1/events/?{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert "«" + query.split("=")[0] + "»" in error["message"]


def test_events_of_one_portal_never_reach_another(api_for, alfa, beta, alfa_key):
    _record(alfa, 3)
    with tenant_context(beta):
        _, beta_key = api_key_create(name="ERP de beta")

    assert api_for(beta, beta_key).get("/api/v1/events/").json() == {"events": [], "next": None}
    assert api_for(beta, alfa_key).get("/api/v1/events/").status_code == 401
    assert api_for(alfa, beta_key).get("/api/v1/events/").status_code == 401
    assert api_for(alfa, None).get("/api/v1/events/").status_code == 401


def test_the_daily_prune_drops_events_past_their_retention(alfa, settings):
    settings.ERP_EVENTS_RETENTION_DAYS = 90
    with tenant_context(alfa):
        old, recent = _record(alfa, 2)
        ErpEvent.objects.filter(id=old).update(occurred_at=timezone.now() - timedelta(days=91))
        ErpEvent.objects.filter(id=recent).update(occurred_at=timezone.now() - timedelta(days=89))
        access_prune.run()
        assert list(ErpEvent.objects.values_list("id", flat=True)) == [recent]
