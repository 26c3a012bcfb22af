import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from portal_core.erp.events import Kind, event_record
from portal_core.models import ErpEvent


def test_an_event_is_recorded_with_what_it_is_about(alfa):
    with tenant_context(alfa):
        event = event_record(kind=Kind.PICKUP_SCHEDULED, resource="supplier-payments", external_id="OP-1",
                             data={"slot": "2026-12-04T10:00"})
        assert list(ErpEvent.objects.values_list("id", "kind", "external_id")) == [
            (event.id, "pickup_scheduled", "OP-1")]


def test_a_change_that_rolls_back_leaves_no_event(alfa):
    with tenant_context(alfa):
        with pytest.raises(RuntimeError):
            _record_then_fail()
        assert not ErpEvent.objects.exists()


def test_events_of_one_portal_stay_in_it(alfa, beta):
    with tenant_context(alfa):
        event_record(kind=Kind.REGISTRATION)
    with tenant_context(beta):
        assert not ErpEvent.objects.exists()


def _record_then_fail():
    with transaction.atomic():
        event_record(kind=Kind.REGISTRATION)
        raise RuntimeError
