"""Two first invitations of one email at the same moment (two admins, or an admin and a
titular): one creates it, the other renews it; neither fails."""

import threading

from django.db import connections, transaction
from django_tenants.utils import tenant_context

from portal_core.access.services import invitations
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, Invitation
from provisioning.services import portal_create
from tests.conftest import PASSWORD

EMAIL = "compras@carrera.test"


def test_two_first_invitations_of_one_email_at_once_leave_one_open_invitation(committed_db, monkeypatch):
    # given: both requests start together, before either has looked for an open invitation
    company = portal_create(name="Carrera Invitación", email="admin@carrera.test", password=PASSWORD)
    with tenant_context(company):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": "Uno S.A."}])
        customer_id, admin = Customer.objects.get().id, User.objects.get(email="admin@carrera.test")
    barrier = threading.Barrier(2)
    normalize = invitations.normalize_email

    def normalize_then_wait(email):
        barrier.wait(timeout=10)
        return normalize(email)

    monkeypatch.setattr(invitations, "normalize_email", normalize_then_wait)
    errors = []

    def invite():
        try:
            with tenant_context(company), transaction.atomic():
                invitations.invitation_send(email=EMAIL, customer_id=customer_id, supplier_id=None, by=admin,
                                            base_url="https://carrera-invitacion.localhost")
        except Exception as error:  # what a thread met is what the test looks for
            errors.append(error)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=invite) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert errors == []
    with tenant_context(company):
        assert Invitation.objects.filter(email=EMAIL, accepted_at=None).count() == 1
