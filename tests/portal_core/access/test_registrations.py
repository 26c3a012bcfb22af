"""Ways into a portal: registration requests, their approval and password recovery, end to end
against a real SMTP server (aiosmtpd) on loopback. The steps defined here (register, verify,
forgot, deliver...) are those of the other access tests too."""

import random
import re

import pytest
from django.contrib.auth.hashers import check_password
from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
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


def refusals(response) -> list[str]:
    """The codes of the AccessErrors the page shows (each message is tagged with its code)."""
    return [message.extra_tags for message in response.context["messages"] if message.level_tag == "error"]


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
    assert refusals(response) == [AccessError.PARTY_NOT_FOUND]
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
    verify(parties)  # else the request is refused first for being unverified
    with tenant_context(parties):
        registration = RegistrationRequest.objects.get()

    response = admin_client(parties).post(f"/administrador/activaciones/peticiones/{registration.pk}/aprobar/",
                                          {"party": party}, follow=True)

    assert response.status_code == 200 and refusals(response) == [AccessError.PARTY_NOT_FOUND]


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
