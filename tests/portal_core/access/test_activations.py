"""Activaciones: the admin's list of requests, invitations and accounts with its filters,
accounts turned off and on, and another portal's admin refused every action."""

from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
from portal_core.accounts.models import User
from portal_core.models import Invitation, OutboxMessage, RegistrationRequest
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email
from tests.portal_core.access.test_registrations import admin_client, login_ok, refusals, register, verify

# --- Activar / Desactivar ----------------------------------------------------------------------

def test_a_deactivated_account_is_logged_out_everywhere_and_reactivation_restores_it(parties, make_account):
    user = make_account(parties, "cliente@alfa.test")
    session = host_client(parties)
    session.post("/ingresar/", {"username": "cliente@alfa.test", "password": PASSWORD})
    assert session.get("/").status_code == 200
    admin = admin_client(parties)

    admin.post(f"/administrador/activaciones/cuentas/{user.pk}/desactivar/")

    assert session.get("/")["Location"].startswith("/ingresar/")
    assert not login_ok(parties, "cliente@alfa.test")
    admin.post(f"/administrador/activaciones/cuentas/{user.pk}/activar/")
    assert login_ok(parties, "cliente@alfa.test")


def test_an_admin_cannot_deactivate_an_admin(alfa):
    with tenant_context(alfa):
        admin_user = User.objects.get(email="admin@alfa.test")

    response = admin_client(alfa).post(f"/administrador/activaciones/cuentas/{admin_user.pk}/desactivar/",
                                       follow=True)

    assert refusals(response) == [AccessError.OWN_ACCOUNT]
    assert login_ok(alfa, "admin@alfa.test")


def test_activations_lists_requests_invitations_and_accounts_with_filters(parties, make_account, smtp):
    from portal_core.access.services import invitation_send

    configure_email(parties, smtp)
    register(parties)
    verify(parties)
    register(parties, email="sin-verificar@x.test")
    make_account(parties, "cuenta@x.test")
    with tenant_context(parties):
        invitation_send(email="molinos@x.test", customer_id=None, supplier_id=None, by=None, base_url="http://x/")
    admin = admin_client(parties)

    every = admin.get("/administrador/activaciones/").content.decode()
    requests = admin.get("/administrador/activaciones/?tipo=P").content.decode()
    unverified = admin.get("/administrador/activaciones/?tipo=V").content.decode()
    inactive = admin.get("/administrador/activaciones/?estado=inactive").content.decode()

    for kind, email in (("P", "nuevo@cliente.test"), ("V", "sin-verificar@x.test"), ("I", "molinos@x.test"),
                        ("C", "cuenta@x.test")):
        assert f'data-kind="{kind}" data-email="{email}"' in every
    assert "molinos@x.test" not in requests and "nuevo@cliente.test" in requests
    assert "sin-verificar@x.test" not in requests  # listed apart, and it cannot be approved
    assert "sin-verificar@x.test" in unverified and "nuevo@cliente.test" not in unverified
    assert "Todavía no confirmó su email" in unverified and "Invitar" not in unverified.split('id="activations"')[1]
    assert "No hay peticiones" in inactive
    assert "wa.me/?text=" in every and "http://alfa.localhost/registro/" in every
    assert 'data-copy="#register-url"' in every


def test_searches_with_a_nul_byte_answer_normally(parties):
    admin = admin_client(parties)

    assert admin.get("/administrador/activaciones/", {"q": "a\x00b"}).status_code == 200
    assert admin.get("/administrador/activaciones/partes/", {"q": "mix\x00to"}).status_code == 200


def test_another_portals_admin_gets_404_for_each_action_and_changes_nothing(parties, beta, make_account, smtp):
    from portal_core.access.services import invitation_send

    # given a request, an invitation, an account and an email in alfa, whose ids beta does not have
    configure_email(parties, smtp)
    configure_email(beta, smtp)
    register(parties)
    account = make_account(parties, "cuenta@x.test")
    with tenant_context(parties):
        invitation = invitation_send(email="molinos@x.test", customer_id=None, supplier_id=None, by=None,
                                     base_url="http://x/")
        registration = RegistrationRequest.objects.get()
        message = OutboxMessage.objects.get(kind="invitation")
    with tenant_context(beta):
        for model, pk in ((RegistrationRequest, registration.pk), (Invitation, invitation.pk),
                          (User, account.pk), (OutboxMessage, message.pk)):
            model.objects.filter(pk=pk).delete()  # whatever beta may hold under the same id
    beta_admin = admin_client(beta)

    actions = [
        ("get", f"/administrador/activaciones/peticiones/{registration.pk}/"),
        ("post", f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/"),
        ("post", f"/administrador/activaciones/peticiones/{registration.pk}/rechazar/"),
        ("post", f"/administrador/activaciones/invitaciones/{invitation.pk}/reenviar/"),
        ("post", f"/administrador/activaciones/cuentas/{account.pk}/desactivar/"),
        ("post", f"/administrador/email/mensajes/{message.pk}/reintentar/"),
        ("get", "/administrador/activaciones/invitaciones/lote/0/"),
    ]
    statuses = [getattr(beta_admin, method)(url, {"party": "c:1"}).status_code for method, url in actions]

    assert statuses == [404] * len(actions)
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "unverified"
        assert Invitation.objects.get(pk=invitation.pk).token_hash == invitation.token_hash
        assert User.objects.get(pk=account.pk).is_active
        assert OutboxMessage.objects.get(pk=message.pk).next_attempt_at == message.next_attempt_at
