"""What the access services tell the ERP through its event feed (GET /api/v1/events/)."""

import pytest
from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
from portal_core.access.services import invitation_accept, invitation_send, registration_approve
from portal_core.accounts.models import User
from portal_core.models import Customer, RegistrationRequest
from tests.mail import configure_email, link_in
from tests.portal_core.access.test_registrations import NEW_PASSWORD, deliver, register, verify


def events(api) -> list[dict]:
    response = api.get("/api/v1/events/")
    assert response.status_code == 200
    return [{key: event[key] for key in ("kind", "resource", "external_id", "data")}
            for event in response.json()["events"]]


def test_a_registration_is_an_event_once_its_email_is_confirmed(parties, api, smtp):
    register(parties, email="ana@x.test", full_name="Ana Pérez", tax_id="30-71234567-1")
    assert events(api) == []  # unconfirmed: it may be anyone's typing

    verify(parties, email="ana@x.test")

    assert events(api) == [{"kind": "registration", "resource": "", "external_id": "", "data": {
        "email": "ana@x.test", "party": None, "full_name": "Ana Pérez", "tax_id": "30712345671"}}]


def test_an_approval_names_the_party_as_the_erp_knows_it(parties, api, smtp):
    configure_email(parties, smtp)
    register(parties, email="ana@x.test")
    verify(parties, email="ana@x.test")
    with tenant_context(parties):
        admin = User.objects.get(email="admin@alfa.test")
        customer = Customer.objects.get(external_id="C1")
        registration = RegistrationRequest.objects.get(email="ana@x.test")
        # A weak match refused: no account, no event.
        with pytest.raises(AccessError):
            registration_approve(registration_id=registration.pk, party=customer, acknowledged=False, by=admin,
                                 base_url="http://x/")
        assert [event["kind"] for event in events(api)] == ["registration"]

        registration_approve(registration_id=registration.pk, party=customer, acknowledged=True, by=admin,
                             base_url="http://x/")

    assert events(api)[1:] == [{"kind": "registration_approved", "resource": "customers", "external_id": "C1",
                                "data": {"email": "ana@x.test", "party": "Distribuidora Peñalolén S.A."}}]


def test_an_accepted_invitation_is_an_event_for_its_party(parties, api, smtp):
    configure_email(parties, smtp)
    with tenant_context(parties):
        admin = User.objects.get(email="admin@alfa.test")
        customer = Customer.objects.get(external_id="C1")
        invitation_send(email="compras@penalolen.test", customer_id=customer.pk, supplier_id=None, by=admin,
                        base_url="http://x/")
    deliver(parties)
    token = link_in(next(m for m in smtp.to("compras@penalolen.test") if "invita" in m["Subject"])).split("/")[2]
    assert events(api) == []

    with tenant_context(parties):
        invitation_accept(token=token, password=NEW_PASSWORD, base_url="http://x/")
        with pytest.raises(AccessError):  # the link works once: no second event
            invitation_accept(token=token, password=NEW_PASSWORD, base_url="http://x/")

    assert events(api) == [{"kind": "invitation_accepted", "resource": "customers", "external_id": "C1",
                            "data": {"email": "compras@penalolen.test", "party": "Distribuidora Peñalolén S.A."}}]
