"""Ways into a portal: registration requests, their approval, invitations, activation and
password recovery, end to end against a real SMTP server (aiosmtpd) on loopback."""

import random
import re

import pytest
from django.contrib.auth.hashers import check_password
from django_tenants.utils import tenant_context

from portal_core.access.services import intake_process
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.mail.services import outbox_deliver
from portal_core.models import AccessIntake, Customer, Invitation, OutboxMessage, RegistrationRequest, Supplier
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, html_of, link_in, text_of

NEW_PASSWORD = "nueva2024"


def deliver(company) -> list[str]:
    """Send what the outbox holds, as the Celery task does, and return the statuses."""
    with tenant_context(company):
        ids = list(OutboxMessage.objects.exclude(status="sent").order_by("pk").values_list("pk", flat=True))
        return [outbox_deliver(message_id=pk) for pk in ids]


def admin_client(company):
    client = host_client(company)
    response = client.post("/ingresar/", {"username": f"admin@{company.slug}.test", "password": PASSWORD})
    assert response.status_code == 302
    return client


def login_ok(company, email, password=PASSWORD) -> bool:
    return host_client(company).post("/ingresar/", {"username": email, "password": password}).status_code == 302


def fresh_ip() -> str:
    """Rate limits count per IP and outlive a test (they are in Redis): each test gets its own."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def take_intakes(company) -> None:
    """Decide what the registration and recovery forms stored, as the Celery task does."""
    with tenant_context(company):
        for pk in AccessIntake.objects.order_by("pk").values_list("pk", flat=True):
            intake_process(intake_id=pk)


def register(company, email="nuevo@cliente.test", ip=None, **extra):
    data = {"email": email, "password": PASSWORD, "password_repeat": PASSWORD, "full_name": "Ana Pérez",
            "tax_id": "30-71234567-1", "message": "Soy compras de Peñalolén", **extra}
    response = host_client(company, REMOTE_ADDR=ip or fresh_ip()).post("/registro/", data)
    take_intakes(company)
    return response


def verify_link(company, email="nuevo@cliente.test") -> str:
    """The confirmation link of a registration, from the email waiting in the outbox."""
    with tenant_context(company):
        body = OutboxMessage.objects.filter(kind="registration_verify", to=email).latest("pk").body_text
    return re.search(r"https?://[^/\s]+(/registro/confirmar/\S+)", body).group(1)


def verify(company, email="nuevo@cliente.test"):
    return host_client(company).get(verify_link(company, email))


# --- Registration --------------------------------------------------------------------------

def test_registering_stores_one_pending_request_and_answers_the_same_every_time(parties, make_account):
    # given an account that already exists
    make_account(parties, "existente@cliente.test")

    # when
    first = register(parties)
    again = register(parties)
    existing = register(parties, email="existente@cliente.test")

    # then the three answers are the same page, and only one request exists
    assert first.status_code == again.status_code == existing.status_code == 200
    assert first.content == again.content == existing.content
    assert "Le enviamos un email para confirmar su dirección" in first.content.decode()
    with tenant_context(parties):
        requests = list(RegistrationRequest.objects.values_list("email", "status", "tax_id", "full_name"))
        assert requests == [("nuevo@cliente.test", "unverified", "30712345671", "Ana Pérez")]
        # the account's owner is told someone tried; the new email gets its (newest) confirmation link
        assert sorted(OutboxMessage.objects.exclude(status="superseded").values_list("kind", "to")) == [
            ("registration_exists", "existente@cliente.test"), ("registration_verify", "nuevo@cliente.test")]
        assert check_password(PASSWORD, RegistrationRequest.objects.get().password)
    assert not login_ok(parties, "nuevo@cliente.test")


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"password_repeat": "otra1234"}, "password_repeat", "Las contraseñas no coinciden."),
    ({"password": "abcdef", "password_repeat": "abcdef"}, "password", "La contraseña debe combinar letras y números."),
    ({"tax_id": "30-71234567-2"}, "tax_id", "El CUIT no es válido"),
    ({"email": "no-es-un-email"}, "email", "Ingrese un email válido"),
])
def test_a_bad_registration_says_why_in_spanish_and_stores_nothing(parties, extra, field, message):
    response = register(parties, **extra)

    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(parties):
        assert not RegistrationRequest.objects.exists()


def test_registration_is_rate_limited_per_ip(parties, settings):
    settings.ACCESS_REQUESTS_PER_HOUR = 3
    ip = fresh_ip()
    statuses = [register(parties, email=f"p{n}@x.test", ip=ip).status_code for n in range(4)]
    other_ip = register(parties, email="otro@x.test")

    assert statuses == [200, 200, 200, 429]
    assert "Demasiados intentos" in register(parties, ip=ip).content.decode()
    assert other_ip.status_code == 200


# --- Approving a request ---------------------------------------------------------------------

def test_approving_a_request_links_it_activates_the_account_and_emails_the_person(parties, smtp):
    # given
    configure_email(parties, smtp)
    register(parties)
    assert verify(parties).status_code == 200
    admin = admin_client(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()
        customer = Customer.objects.get(external_id="C1")
    deliver(parties)  # the admins' notice of the verified request
    assert [m["Subject"] for m in smtp.to("admin@alfa.test")] == ["Nueva petición de acceso: nuevo@cliente.test"]

    # when the dialog opens, the customer whose CUIT matches is suggested (a weak match)
    dialog = admin.get(f"/administrador/activaciones/peticiones/{registration.pk}/").json()
    approve = admin.post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
                         {"party": f"c:{customer.pk}", "verificado": "1"})
    deliver(parties)

    # then
    assert [(s["value"], s["match"], s["strong"]) for s in dialog["suggestions"]] == [
        (f"c:{customer.pk}", "cuit", False)]
    assert approve.status_code == 302
    assert "ya puede ingresar" in admin.get("/administrador/activaciones/").content.decode()
    email = smtp.to("nuevo@cliente.test")[-1]
    assert email["Subject"] == "Su acceso al portal de Alfa fue aprobado"
    assert email["From"] == "Alfa <avisos@alfa.test>" and email["Reply-To"] == "admin@alfa.test"
    assert PASSWORD not in text_of(email) and PASSWORD not in html_of(email)
    assert "cid:logo" in html_of(email)
    assert any(part.get("Content-ID") == "<logo>" for part in email.walk())
    # the person logs in with the password they chose and sees the customer's invoices
    person = host_client(parties)
    assert person.post("/ingresar/", {"username": "nuevo@cliente.test", "password": PASSWORD}).status_code == 302
    assert "0003-00004321" in person.get("/facturas/").content.decode()
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "approved"


def test_without_email_configured_approval_explains_and_keeps_the_request_pending(parties):
    register(parties)
    admin = admin_client(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()
        customer = Customer.objects.get(external_id="C1")

    response = admin.post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
                          {"party": f"c:{customer.pk}"}, follow=True)

    page = response.content.decode()
    assert "primero configure el envío de email" in page and 'href="/administrador/email/"' in page
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "unverified"
        assert not User.objects.filter(email="nuevo@cliente.test").exists()
        assert list(OutboxMessage.objects.values_list("kind", flat=True)) == ["registration_verify"]  # waits


def test_the_dialog_cannot_link_a_party_of_another_portal(parties, beta, smtp):
    # given a supplier that exists only in beta
    configure_email(parties, smtp)
    with tenant_context(beta):
        batch_upsert(resource="suppliers", items=[{"external_id": f"B{n}", "business_name": f"Beta {n}"}
                                                   for n in range(12)])
        beta_supplier = Supplier.objects.order_by("-pk").first()
    with tenant_context(parties):
        assert not Supplier.objects.filter(pk=beta_supplier.pk).exists()
    register(parties)
    verify(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()

    # when
    response = admin_client(parties).post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
                                          {"party": f"s:{beta_supplier.pk}", "verificado": "1"}, follow=True)

    # then
    assert "Elija un cliente o proveedor de la lista." in response.content.decode()
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "pending"


def test_a_request_of_another_portal_is_not_found(parties, beta, smtp):
    register(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()

    beta_admin = admin_client(beta)

    assert beta_admin.get(f"/administrador/activaciones/peticiones/{registration.pk}/").status_code == 404
    beta_admin.post(f"/administrador/activaciones/peticiones/{registration.pk}/rechazar/")
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "unverified"


def test_rejecting_a_request(parties):
    register(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()

    admin_client(parties).post(f"/administrador/activaciones/peticiones/{registration.pk}/rechazar/")

    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "rejected"
    assert not login_ok(parties, "nuevo@cliente.test")


def test_party_search_by_name_or_cuit(parties):
    admin = admin_client(parties)

    by_name = admin.get("/administrador/activaciones/partes/", {"q": "mixto"}).json()["results"]
    by_cuit = admin.get("/administrador/activaciones/partes/", {"q": "30-7123"}).json()["results"]

    assert sorted((r["kind"], r["name"]) for r in by_name) == [("Cliente", "Mixto S.A."), ("Proveedor", "Mixto S.A.")]
    assert [r["name"] for r in by_cuit] == ["Distribuidora Peñalolén S.A."]


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

    assert "primero configure el envío de email" in response.content.decode()
    with tenant_context(parties):
        assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()


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

    assert "No puede desactivar su propia cuenta" in response.content.decode()
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


# --- Password recovery -----------------------------------------------------------------------

def forgot(company, email):
    response = host_client(company, REMOTE_ADDR=fresh_ip()).post("/recuperar-contrasena/", {"email": email})
    take_intakes(company)
    return response


def test_password_recovery_answers_the_same_and_resets_once_ending_other_sessions(parties, make_account, smtp):
    configure_email(parties, smtp)
    make_account(parties, "cliente@alfa.test")
    other_session = host_client(parties)
    other_session.post("/ingresar/", {"username": "cliente@alfa.test", "password": PASSWORD})

    known, unknown = forgot(parties, "Cliente@alfa.test"), forgot(parties, "nadie@alfa.test")
    deliver(parties)

    assert known.status_code == unknown.status_code == 200 and known.content == unknown.content
    [email] = smtp.received
    assert email["To"] == "cliente@alfa.test" and "Nueva contraseña" in html_of(email)
    link = link_in(email)
    client = host_client(parties)
    form_page = client.get(link, follow=True)
    assert "Nueva contraseña" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/ingresar/"
    assert login_ok(parties, "cliente@alfa.test", NEW_PASSWORD) and not login_ok(parties, "cliente@alfa.test")
    assert other_session.get("/")["Location"].startswith("/ingresar/")  # every other session ended
    # single use
    assert "ya fue usado o venció" in host_client(parties).get(link, follow=True).content.decode()


def test_a_reset_link_is_refused_on_another_portal_and_after_it_expires(parties, beta, make_account, smtp, settings):
    configure_email(parties, smtp)
    make_account(parties, "cliente@alfa.test")
    make_account(beta, "cliente@alfa.test")  # same email, another portal's account
    forgot(parties, "cliente@alfa.test")
    deliver(parties)
    link = link_in(smtp.received[0])

    on_beta = host_client(beta).get(link, follow=True).content.decode()
    settings.PASSWORD_RESET_TIMEOUT = -1
    expired = host_client(parties).get(link, follow=True).content.decode()

    assert "ya fue usado o venció" in on_beta and "ya fue usado o venció" in expired


def test_without_email_configured_an_admin_recovers_through_the_platform_sender(alfa, smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    settings.DEFAULT_FROM_EMAIL = "Plataforma <plataforma@portal.test>"

    response = forgot(alfa, "admin@alfa.test")
    deliver(alfa)

    assert "todavía no configuró el envío de email" in response.content.decode()
    [email] = smtp.received
    assert email["To"] == "admin@alfa.test" and email["From"] == "Plataforma <plataforma@portal.test>"


def test_without_email_configured_a_customer_gets_the_same_answer_and_no_email(parties, make_account, smtp):
    make_account(parties, "cliente@alfa.test")

    known, unknown = forgot(parties, "cliente@alfa.test"), forgot(parties, "nadie@alfa.test")

    assert known.content == unknown.content
    with tenant_context(parties):
        assert not OutboxMessage.objects.exists()


def test_one_way_in_settles_the_other(parties, smtp):
    from portal_core.access.services import invitation_accept, invitation_send, registration_approve

    configure_email(parties, smtp)
    register(parties, email="uno@x.test")
    verify(parties, email="uno@x.test")
    register(parties, email="dos@x.test")
    with tenant_context(parties):
        admin = User.objects.get(email="admin@alfa.test")
        customer = Customer.objects.get(external_id="C1")
        invitation_send(email="uno@x.test", customer_id=customer.pk, supplier_id=None, by=admin, base_url="http://x/")
        invitation_send(email="dos@x.test", customer_id=customer.pk, supplier_id=None, by=admin, base_url="http://x/")
    deliver(parties)
    token = link_in(next(m for m in smtp.to("dos@x.test") if "invita" in m["Subject"])).split("/")[2]

    with tenant_context(parties):
        # uno: the request is approved, so the invitation goes away
        registration_approve(registration_id=RegistrationRequest.objects.get(email="uno@x.test").pk, party=customer,
                             acknowledged=True, by=admin, base_url="http://x/")
        # dos: the invitation is accepted, so the open (unverified) request is settled
        invitation_accept(token=token, password=NEW_PASSWORD, base_url="http://x/")

        assert not Invitation.objects.filter(email="uno@x.test").exists()
        assert RegistrationRequest.objects.get(email="dos@x.test").status == "approved"
    rows = admin_client(parties).get("/administrador/activaciones/").content.decode()
    assert 'data-kind="C" data-email="uno@x.test"' in rows and 'data-kind="C" data-email="dos@x.test"' in rows
    assert 'data-kind="I"' not in rows and 'data-kind="P"' not in rows


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


def test_emails_to_customers_are_in_spanish_whatever_the_admins_language(parties, smtp):
    configure_email(parties, smtp)
    register(parties)
    verify(parties)
    admin = admin_client(parties)
    admin.cookies["django_language"] = "en"
    assert "Activations" in admin.get("/administrador/activaciones/").content.decode()
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()
        customer = Customer.objects.get(external_id="C1")

    admin.post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
               {"party": f"c:{customer.pk}", "verificado": "1"})
    deliver(parties)

    verification, approval = smtp.to("nuevo@cliente.test")
    assert verification["Subject"] == "Confirme su email para el portal de Alfa"
    assert approval["Subject"] == "Su acceso al portal de Alfa fue aprobado"
    [notice] = smtp.to("compras@penalolen.test")
    # (a long non-ASCII subject is folded right after "Subject:", which leaves the parser a leading space)
    assert notice["Subject"].strip() == "Nuevo acceso a los datos de Distribuidora Peñalolén S.A."


@pytest.mark.parametrize("party", ["c:²", "c:", "x:1", "c:99999999999999999999999", ""])
def test_a_malformed_party_choice_is_refused_in_words(parties, smtp, party):
    configure_email(parties, smtp)
    register(parties)
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()

    response = admin_client(parties).post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
                                          {"party": party}, follow=True)

    assert response.status_code == 200 and "Elija un cliente o proveedor de la lista." in response.content.decode()


def test_searches_with_a_nul_byte_answer_normally(parties):
    admin = admin_client(parties)

    assert admin.get("/administrador/activaciones/", {"q": "a\x00b"}).status_code == 200
    assert admin.get("/administrador/activaciones/partes/", {"q": "mix\x00to"}).status_code == 200


def test_a_newer_recovery_email_supersedes_an_unsent_one_and_sent_bodies_are_dropped(parties, make_account, smtp):
    configure_email(parties, smtp)
    make_account(parties, "cliente@alfa.test")

    forgot(parties, "cliente@alfa.test")
    forgot(parties, "cliente@alfa.test")
    deliver(parties)

    with tenant_context(parties):
        first, second = OutboxMessage.objects.order_by("pk")
    assert (first.status, second.status) == ("superseded", "sent")
    assert (second.body_text, second.body_html) == ("", "")
    assert len(smtp.received) == 1


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
