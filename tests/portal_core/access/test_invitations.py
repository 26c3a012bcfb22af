"""Invitations: the admin loads the ERP's customers and suppliers, invites them, and each person
sets a password once through the emailed link, against a real SMTP server (aiosmtpd) on loopback."""

from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
from portal_core.accounts.models import User
from portal_core.models import Invitation, OutboxMessage
from tests.conftest import host_client
from tests.mail import configure_email, link_in, text_of
from tests.portal_core.access.test_registrations import NEW_PASSWORD, admin_client, deliver, login_ok, refusals

# --- Loading and inviting customers and suppliers --------------------------------------------

def test_loading_lists_who_can_be_invited_and_warns_about_shared_emails(parties, make_account):
    make_account(parties, "molinos@x.test")

    page = admin_client(parties).get("/administrador/activaciones/cargar/?tipo=ambos").content.decode()

    assert 'id="duplicates-dialog"' in page and "repetido@x.test" in page and "Almacén Güemes II" in page
    rows = page.split('id="candidates"')[1]
    assert 'value="compras@penalolen.test"' in rows and 'value="mixto@x.test"' in rows
    assert "repetido@x.test" not in rows and "molinos@x.test" not in rows  # duplicate; has an account
    # only suppliers: the supplier Mixto alone
    suppliers = admin_client(parties).get("/administrador/activaciones/cargar/?tipo=proveedores").content.decode()
    assert 'value="mixto@x.test"' in suppliers and "compras@penalolen.test" not in suppliers


def test_an_invitation_sets_a_password_once_and_links_both_parties(parties, smtp):
    from portal_core.access.services import invitation_batch_run

    configure_email(parties, smtp)
    admin = admin_client(parties)

    # when the admin invites two of the loaded rows (the task's work is run here in-process)
    response = admin.post("/administrador/activaciones/cargar/invitar/",
                          {"tipo": "ambos", "email": ["mixto@x.test", "compras@penalolen.test"]})
    batch_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    with tenant_context(parties):
        invitation_batch_run(batch_id=batch_id)
    deliver(parties)

    # then
    assert admin.get(response["Location"] + "?formato=json").json() == {
        "status": "done", "done": 2, "total": 2, "percent": 100}
    [email] = smtp.to("mixto@x.test")
    assert email["Subject"] == "Alfa lo invita a su Portal de Clientes y Proveedores"
    assert "Usuario: mixto@x.test" in text_of(email) and "7 días" in text_of(email)
    link = link_in(email)
    person = host_client(parties)
    assert "mixto@x.test" in person.get(link).content.decode()
    done = person.post(link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    menu = person.get("/").content.decode()
    assert "Facturas de venta" in menu and "Retiro de pagos" in menu  # customer and supplier
    # the link works once
    assert host_client(parties).get(link).status_code == 404
    assert host_client(parties).post(link, {"password": "otra9999", "password_repeat": "otra9999"}).status_code == 404
    assert login_ok(parties, "mixto@x.test", NEW_PASSWORD)


def test_resending_replaces_the_link_and_expired_links_are_refused(parties, smtp, settings):
    from portal_core.access.services import invitation_send

    configure_email(parties, smtp)
    with tenant_context(parties):
        invitation = invitation_send(email="molinos@x.test", customer_id=None, supplier_id=None, by=None,
                                     base_url="http://alfa.localhost/")
    deliver(parties)
    old_link = link_in(smtp.to("molinos@x.test")[0])

    admin_client(parties).post(f"/administrador/activaciones/invitaciones/{invitation.pk}/reenviar/")
    deliver(parties)
    new_link = link_in(smtp.to("molinos@x.test")[1])

    assert host_client(parties).get(old_link).status_code == 404
    assert host_client(parties).get(new_link).status_code == 200
    with tenant_context(parties):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at="2020-01-01T00:00:00Z")
    expired = host_client(parties).get(new_link)
    assert expired.status_code == 404 and "venció" in expired.content.decode()


def test_an_invitation_link_of_one_portal_is_refused_on_another(parties, beta, smtp):
    from portal_core.access.services import invitation_send

    configure_email(parties, smtp)
    with tenant_context(parties):
        invitation_send(email="molinos@x.test", customer_id=None, supplier_id=None, by=None,
                        base_url="http://alfa.localhost/")
    deliver(parties)
    link = link_in(smtp.to("molinos@x.test")[0])

    assert host_client(beta).get(link).status_code == 404
    assert host_client(beta).post(link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}).status_code == 404
    with tenant_context(beta):
        assert not User.objects.filter(email="molinos@x.test").exists()


def test_inviting_without_email_configured_changes_nothing(parties):
    response = admin_client(parties).post("/administrador/activaciones/cargar/invitar/",
                                           {"tipo": "ambos", "email": ["mixto@x.test"]}, follow=True)

    assert refusals(response) == [AccessError.EMAIL_NOT_CONFIGURED]
    with tenant_context(parties):
        assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()


def test_a_long_selection_is_posted_as_the_rows_left_out(parties, smtp):
    from portal_core.access.services import invitation_batch_run

    configure_email(parties, smtp)
    admin = admin_client(parties)

    response = admin.post("/administrador/activaciones/cargar/invitar/",
                          {"tipo": "ambos", "modo": "excluir", "excluir": ["mixto@x.test"]})
    batch_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    with tenant_context(parties):
        invitation_batch_run(batch_id=batch_id)
        invited = set(Invitation.objects.values_list("email", flat=True))

    assert invited == {"compras@penalolen.test", "molinos@x.test"}
