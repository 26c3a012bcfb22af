"""Usuarios de la empresa: a party's titular invites colleagues through the emailed single-use
link (a real SMTP server, aiosmtpd, on loopback), chooses and changes their permissions,
deactivates them; the portal admin sees and revokes them. Refusals (another party's titular, an
admin, a colleague, another portal, a guessed id, the switch off, bad input) answer 404 or a
clear message and change nothing."""

import pytest
from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
from portal_core.accounts.models import User
from portal_core.accounts.services import party_account_create
from portal_core.company.services import portal_settings_update
from portal_core.models import AccountLink, AuditEvent, Customer, ErpEvent, Invitation, OutboxMessage, Supplier
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, link_in, text_of
from tests.portal_core.access.test_registrations import NEW_PASSWORD, admin_client, deliver, login_ok

TITULAR, OTHER_TITULAR, COLLEAGUE = "titular@penalolen.test", "titular@molinos.test", "colega@penalolen.test"
PAGE = "/mi-cuenta/usuarios/"


def logged_in(company, email, password=PASSWORD):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": password}).status_code == 302, email
    return client


@pytest.fixture
def team(parties, smtp):
    """Alfa allows colleagues and sends email; Peñalolén (C1) and Molinos (S2) have a titular each."""
    configure_email(parties, smtp)
    with tenant_context(parties):
        portal_settings_update(changes={"colleagues_allowed": True})
        party_account_create(email=TITULAR, password=PASSWORD, customer=Customer.objects.get(external_id="C1"))
        party_account_create(email=OTHER_TITULAR, password=PASSWORD, supplier=Supplier.objects.get(external_id="S2"))
    return parties


def invite(company, smtp, email=COLLEAGUE, permissions=("downloads",)) -> str:
    """The titular invites `email`; returns the link of the email it gets."""
    response = logged_in(company, TITULAR).post(f"{PAGE}invitar/", {"email": email, "permissions": permissions})
    assert response.status_code == 302, response.content.decode()[:2000]
    deliver(company)
    return link_in(smtp.to(email)[-1])


def accept(company, link) -> object:
    person = host_client(company)
    response = person.post(link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    return person


def colleague_id(company, email=COLLEAGUE) -> int:
    with tenant_context(company):
        return User.objects.get(email=email).pk


def state(company) -> dict:
    """What a refused call must leave as it was."""
    with tenant_context(company):
        return {"links": sorted(AccountLink.objects.values_list("user__email", "role", "permissions",
                                                                "user__is_active")),
                "invitations": sorted(Invitation.objects.values_list("email", "token_hash", "permissions")),
                "outbox": OutboxMessage.objects.count(), "audit": AuditEvent.objects.count(),
                "events": ErpEvent.objects.count()}


def audit_kinds(company) -> list[str]:
    with tenant_context(company):
        return list(AuditEvent.objects.filter(kind__startswith="colleague_").order_by("pk").values_list("kind",
                                                                                                        flat=True))


# --- End to end -----------------------------------------------------------------------------


def test_a_titular_invites_a_colleague_who_sets_a_password_once_and_sees_only_what_was_granted(team, smtp):
    # given the titular's page, in its menu
    titular = logged_in(team, TITULAR)
    page = titular.get(PAGE)
    assert page.status_code == 200 and "Usuarios de la empresa" in titular.get("/").content.decode()

    # when the titular invites a colleague who may only download
    link = invite(team, smtp, permissions=["downloads"])

    # then the email, in Spanish, from the company's sender, names who invites and for which company
    [email] = smtp.to(COLLEAGUE)
    assert email["Subject"] == f"{TITULAR} lo invita al Portal de Clientes y Proveedores de Alfa"
    assert email["From"].endswith("<avisos@alfa.test>") or "avisos@alfa.test" in email["From"]
    assert "Distribuidora Peñalolén S.A." in text_of(email) and "Usuario: colega@penalolen.test" in text_of(email)
    # the person sets a password and is in, linked to the same customer as a colleague
    colleague = accept(team, link)
    with tenant_context(team):
        member = AccountLink.objects.select_related("customer", "invited_by").get(user__email=COLLEAGUE)
        assert (member.role, member.permissions, member.customer.external_id, member.supplier_id,
                member.invited_by.email) == ("colleague", ["downloads"], "C1", None, TITULAR)
        events = list(ErpEvent.objects.values_list("kind", "resource", "external_id"))
    # the ERP learns of the invitation and of its acceptance, as of any invitation
    assert events == [("colleague_invited", "customers", "C1"), ("invitation_accepted", "customers", "C1")]
    assert audit_kinds(team) == ["colleague_invited", "colleague_joined"]
    # the link works once
    assert host_client(team).get(link).status_code == 404
    # the colleague sees the invoices but no orders, and cannot invite anyone
    menu = colleague.get("/").content.decode()
    assert "Facturas de venta" in menu and "Seguimiento de pedidos" not in menu
    assert "Usuarios de la empresa" not in menu
    assert colleague.get(PAGE).status_code == 404
    assert colleague.post(f"{PAGE}invitar/", {"email": "otro@penalolen.test"}).status_code == 404
    # the titular's page lists the colleague
    assert COLLEAGUE in titular.get(PAGE).content.decode()


def test_the_titular_changes_permissions_deactivates_and_reactivates_a_colleague(team, smtp):
    colleague = accept(team, invite(team, smtp, permissions=[]))
    titular = logged_in(team, TITULAR)
    user_id = colleague_id(team)
    assert colleague.get("/pedidos/").status_code == 403

    # when the titular grants *ver pedidos*
    assert titular.post(f"{PAGE}{user_id}/permisos/", {"permissions": ["orders"]}).status_code == 302
    # then it applies at the colleague's next request
    assert colleague.get("/pedidos/").status_code == 200

    # when the titular deactivates the colleague: its session ends and it cannot log in
    assert titular.post(f"{PAGE}{user_id}/desactivar/").status_code == 302
    assert colleague.get("/pedidos/")["Location"].startswith("/ingresar/")
    assert not login_ok(team, COLLEAGUE, NEW_PASSWORD)
    # and reactivating lets it in again
    assert titular.post(f"{PAGE}{user_id}/reactivar/").status_code == 302
    assert login_ok(team, COLLEAGUE, NEW_PASSWORD)

    assert audit_kinds(team) == ["colleague_invited", "colleague_joined", "colleague_permissions",
                                 "colleague_deactivated", "colleague_reactivated"]
    with tenant_context(team):
        assert list(ErpEvent.objects.values_list("kind", flat=True)) == ["colleague_invited", "invitation_accepted",
                                                                         "colleague_deactivated"]
        detail = AuditEvent.objects.get(kind="colleague_permissions").detail
    assert detail == {"before": [], "after": ["orders"]}


def test_the_admin_sees_every_colleague_and_revokes_one(team, smtp):
    accept(team, invite(team, smtp, permissions=["balances", "orders"]))
    invite(team, smtp, email="pendiente@penalolen.test")
    admin = admin_client(team)

    listing = admin.get("/administrador/activaciones/usuarios-de-empresas/").content.decode()
    row = listing.split(f'data-email="{COLLEAGUE}"')[1].split("</tr>")[0]
    assert "Distribuidora Peñalolén S.A." in row and TITULAR in row and "Ver saldos, Ver pedidos" in row
    assert 'data-email="pendiente@penalolen.test" data-state="invited"' in listing
    assert "Usuarios de empresas" in admin.get("/administrador/activaciones/").content.decode()
    with tenant_context(team):
        c1 = Customer.objects.get(external_id="C1").pk
    accounts = admin.get(f"/administrador/cuentas-corrientes/clientes/{c1}/").content.decode()
    assert f"usuario de la empresa, invitado por {TITULAR}" in accounts.split('id="party-accounts"')[1]

    response = admin.post(f"/administrador/activaciones/usuarios-de-empresas/{colleague_id(team)}/revocar/")

    assert response.status_code == 302
    assert not login_ok(team, COLLEAGUE, NEW_PASSWORD)
    assert audit_kinds(team)[-1] == "colleague_revoked"
    with tenant_context(team):
        assert ErpEvent.objects.order_by("pk").last().kind == "colleague_deactivated"


# --- Refusals -------------------------------------------------------------------------------


def test_inviting_an_email_that_has_an_account_says_so_and_changes_nothing(team, smtp):
    titular = logged_in(team, TITULAR)
    before = state(team)

    response = titular.post(f"{PAGE}invitar/", {"email": OTHER_TITULAR.upper(),
                                                                "permissions": ["orders"]})

    assert response.status_code == 400
    assert "titular@molinos.test ya tiene una cuenta en este portal" in response.content.decode()
    assert state(team) == before


def test_an_email_with_a_pending_invitation_of_someone_else_is_not_taken_over(team, smtp):
    from portal_core.access.services import invitation_send

    with tenant_context(team):  # the admin invited this email as Molinos' titular
        invitation_send(email="nuevo@molinos.test", customer_id=None,
                        supplier_id=Supplier.objects.get(external_id="S2").pk, by=None, base_url="http://x/")
    titular = logged_in(team, TITULAR)
    before = state(team)

    response = titular.post(f"{PAGE}invitar/", {"email": "nuevo@molinos.test"})

    assert response.status_code == 400 and "ya tiene una invitación pendiente" in response.content.decode()
    assert state(team) == before


def test_inviting_again_renews_the_link_of_the_same_team(team, smtp):
    old_link = invite(team, smtp, permissions=["orders"])
    new_link = invite(team, smtp, permissions=["balances"])

    assert host_client(team).get(old_link).status_code == 404
    accept(team, new_link)
    with tenant_context(team):
        assert AccountLink.objects.get(user__email=COLLEAGUE).permissions == ["balances"]


@pytest.mark.parametrize("data", [
    {"email": "no-es-un-email"},
    {"email": ""},
    {"email": "ok@penalolen.test", "permissions": ["admin"]},
    {"email": "ok@penalolen.test\x00"},
])
def test_bad_input_gets_a_clear_message_and_changes_nothing(team, data):
    titular = logged_in(team, TITULAR)
    before = state(team)

    response = titular.post(f"{PAGE}invitar/", data)

    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    assert state(team) == before


def test_a_titular_cannot_probe_many_emails(team, smtp):
    from portal_core.access import colleague_views

    titular = logged_in(team, TITULAR)
    for n in range(colleague_views.INVITES_PER_HOUR):
        titular.post(f"{PAGE}invitar/", {"email": f"sondeo{n}@x.test"})
    before = state(team)

    response = titular.post(f"{PAGE}invitar/", {"email": OTHER_TITULAR})

    assert response.status_code == 429 and "Demasiadas invitaciones" in response.content.decode()
    assert "ya tiene una cuenta" not in response.content.decode()
    assert state(team) == before


def test_only_the_permissions_of_the_titular_s_parties_are_offered(team):
    customer_page = logged_in(team, TITULAR).get(PAGE).content.decode()
    supplier_page = logged_in(team, OTHER_TITULAR).get(PAGE).content.decode()

    assert 'value="orders"' in customer_page and 'value="payments"' not in customer_page
    assert 'value="payments"' in supplier_page and 'value="orders"' not in supplier_page
    # a supplier's titular cannot grant orders by posting it
    response = logged_in(team, OTHER_TITULAR).post(f"{PAGE}invitar/", {"email": "x@molinos.test",
                                                                       "permissions": ["orders"]})
    assert response.status_code == 400


def test_bad_permissions_on_an_existing_colleague_change_nothing(team, smtp):
    accept(team, invite(team, smtp))
    titular = logged_in(team, TITULAR)
    before = state(team)

    response = titular.post(f"{PAGE}{colleague_id(team)}/permisos/", {"permissions": ["admin"]}, follow=True)

    assert "Elija permisos de la lista." in response.content.decode()
    assert state(team) == before


def test_with_the_switch_off_nobody_invites_and_pending_links_stop_working(team, smtp):
    link = invite(team, smtp)
    with tenant_context(team):
        portal_settings_update(changes={"colleagues_allowed": False})
    titular = logged_in(team, TITULAR)
    before = state(team)

    assert titular.get(PAGE).status_code == 404
    assert titular.post(f"{PAGE}invitar/", {"email": "otro@penalolen.test"}).status_code == 404
    assert "Usuarios de la empresa" not in titular.get("/").content.decode()
    assert host_client(team).get(link).status_code == 404
    assert host_client(team).post(link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}).status_code == 404
    assert state(team) == before


def test_the_service_refuses_when_the_switch_is_off(parties):
    from portal_core.access.services import colleague_invite

    with tenant_context(parties):
        titular = party_account_create(email=TITULAR, password=PASSWORD,
                                       customer=Customer.objects.get(external_id="C1"))
        with pytest.raises(AccessError) as refused:
            colleague_invite(titular=titular, email=COLLEAGUE, permissions=[], base_url="http://x/")
        assert refused.value.code == AccessError.COLLEAGUES_OFF
        assert not Invitation.objects.exists()


def test_a_deactivated_titular_s_pending_invitation_stops_working(team, smtp):
    link = invite(team, smtp)
    with tenant_context(team):
        User.objects.filter(email=TITULAR).update(is_active=False)

    assert host_client(team).get(link).status_code == 404
    with tenant_context(team):
        assert not User.objects.filter(email=COLLEAGUE).exists()


# --- Isolation ------------------------------------------------------------------------------


def test_nobody_but_the_titular_of_the_same_parties_manages_a_colleague(team, smtp, beta, make_account):
    colleague = accept(team, invite(team, smtp, permissions=["orders"]))
    user_id = colleague_id(team)
    with tenant_context(team):  # the customer's second titular's own id, and one of the other party's
        mixed = party_account_create(email="mixto-titular@x.test", password=PASSWORD,
                                     customer=Customer.objects.get(external_id="C1"),
                                     supplier=Supplier.objects.get(external_id="S2"))
    strangers = {
        "another party's titular": logged_in(team, OTHER_TITULAR),
        "a titular of the customer and another supplier": logged_in(team, "mixto-titular@x.test"),
        "the colleague itself": colleague,
        "the portal admin, on the titular's pages": admin_client(team),
    }
    titular, admin = logged_in(team, TITULAR), admin_client(team)
    make_account(beta, "admin2@beta.test", is_portal_admin=True)
    beta_admin = logged_in(beta, "admin2@beta.test")
    before = state(team)
    for who, client in strangers.items():
        for action, data in (("permisos/", {"permissions": ["balances"]}), ("desactivar/", {}),
                             ("reactivar/", {})):
            assert client.post(f"{PAGE}{user_id}/{action}", data).status_code == 404, (who, action)
    # a guessed id: nobody, a titular, an admin
    with tenant_context(team):
        admin_id = User.objects.get(email="admin@alfa.test").pk
    for guessed in (user_id + 10_000, mixed.pk, admin_id, colleague_id(team, TITULAR)):
        assert titular.post(f"{PAGE}{guessed}/desactivar/").status_code == 404, guessed
    # another portal: the same ids mean nothing there
    assert beta_admin.post(f"/administrador/activaciones/usuarios-de-empresas/{user_id}/revocar/").status_code == 404
    assert COLLEAGUE not in beta_admin.get("/administrador/activaciones/usuarios-de-empresas/").content.decode()
    # the admin's list and Revocar are the admin's alone; Revocar only takes a colleague
    for client in (titular, colleague):
        assert client.get("/administrador/activaciones/usuarios-de-empresas/").status_code == 404
        assert client.post(f"/administrador/activaciones/usuarios-de-empresas/{user_id}/revocar/").status_code == 404
    assert admin.post(f"/administrador/activaciones/usuarios-de-empresas/{mixed.pk}/revocar/").status_code == 404
    assert state(team) == before
    assert login_ok(team, COLLEAGUE, NEW_PASSWORD)


def test_the_titular_s_list_shows_only_its_own_team(team, smtp):
    accept(team, invite(team, smtp))
    other = logged_in(team, OTHER_TITULAR)

    assert COLLEAGUE not in other.get(PAGE).content.decode()
