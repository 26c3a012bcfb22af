"""The owner email of a portal made on the public site: the portal works at once, its admin is
asked to confirm through a link sent by the platform's sender; the link confirms only its own
portal and email; a portal suspended for being unconfirmed is reactivated by it, one suspended
by an operator is not."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.mail.services import outbox_deliver
from portal_core.models import OutboxMessage
from provisioning import confirmation
from provisioning.sweep import portals_sweep
from tenants.models import Company
from tests.conftest import host_client
from tests.mail import link_in, text_of

PASSWORD = "secreto42"


@pytest.fixture
def platform_smtp(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    settings.DEFAULT_FROM_EMAIL = "Plataforma <plataforma@portal.test>"
    return smtp


def web_portal(name: str, email: str, ip: str = "198.51.100.7") -> Company:
    response = host_client(REMOTE_ADDR=ip).post(
        "/", {"name": name, "email": email, "password": PASSWORD, "password_repeat": PASSWORD})
    assert response.status_code == 302
    return Company.objects.get(owner_email=email)


def deliver(company) -> None:
    with tenant_context(company):
        for pk in OutboxMessage.objects.exclude(status="sent").values_list("pk", flat=True):
            outbox_deliver(message_id=pk)


def admin_client(company):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": company.owner_email, "password": PASSWORD}).status_code == 302
    return client


def fresh(company) -> Company:
    return Company.objects.get(pk=company.pk)


def test_a_web_portal_works_at_once_and_its_admin_confirms_through_the_platform_sender(db, platform_smtp):
    # given
    company = web_portal("Ferretería Sur", "duenia@sur.test")
    client = admin_client(company)

    # when
    home = client.get("/").content.decode()
    deliver(company)
    [email] = platform_smtp.received
    confirmed = host_client(company).get(link_in(email))
    after = client.get("/").content.decode()

    # then
    assert company.owner_email_confirmed_at is None
    assert "Confirme su email: le enviamos un enlace a <strong>duenia@sur.test</strong>." in home
    assert 'action="/confirmar-email/reenviar/"' in home and "csrfmiddlewaretoken" in home
    assert email["From"] == "Plataforma <plataforma@portal.test>" and email["To"] == "duenia@sur.test"
    assert "Confirme su email para el portal de Ferretería Sur" in email["Subject"]
    assert "http://ferreteria-sur.localhost/confirmar-email/" in text_of(email)
    assert confirmed.status_code == 200 and "Email confirmado" in confirmed.content.decode()
    assert fresh(company).owner_email_confirmed_at is not None
    assert "Confirme su email" not in after


def test_portals_made_by_operators_and_the_fixtures_count_as_confirmed(db, alfa):
    from io import StringIO

    call_command("portal_create", "--name", "De Operador", "--email", "op@x.test", "--password", PASSWORD,
                 stdout=StringIO())
    company = Company.objects.get(slug="de-operador")

    assert alfa.owner_email_confirmed_at is not None
    assert company.owner_email_confirmed_at is not None
    with tenant_context(company):
        assert not OutboxMessage.objects.exists()


def test_confirming_twice_is_harmless(db):
    company = web_portal("Uno", "uno@x.test")
    token = confirmation.owner_confirm_token(company=company)
    first = host_client(company).get(f"/confirmar-email/{token}/")
    confirmed_at = fresh(company).owner_email_confirmed_at

    second = host_client(company).get(f"/confirmar-email/{token}/")

    assert first.status_code == second.status_code == 200
    assert fresh(company).owner_email_confirmed_at == confirmed_at


def test_the_link_of_one_portal_is_refused_on_another(db):
    # given
    first = web_portal("Uno", "uno@x.test")
    second = web_portal("Dos", "dos@x.test", ip="198.51.100.8")
    token = confirmation.owner_confirm_token(company=first)

    # when
    response = host_client(second).get(f"/confirmar-email/{token}/")

    # then
    assert response.status_code == 404
    assert "Este enlace de confirmación no es válido." in response.content.decode()
    assert fresh(second).owner_email_confirmed_at is None
    assert fresh(first).owner_email_confirmed_at is None


class _OldSigner(signing.TimestampSigner):
    """Signs as if it were 31 days ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 31 * 86400)


@pytest.mark.parametrize(("forge", "status", "message"), [
    (lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), 404, "no es válido"),
    (lambda token: signing.dumps(signing.loads(token, salt=confirmation.TOKEN_SALT)), 404, "no es válido"),
    (lambda token: _OldSigner(salt=confirmation.TOKEN_SALT).sign_object(
        signing.loads(token, salt=confirmation.TOKEN_SALT), compress=True), 400, "venció"),
], ids=["tampered", "other-purpose", "expired"])
def test_forged_and_expired_links_are_refused_in_spanish(db, forge, status, message):
    company = web_portal("Uno", "uno@x.test")
    token = forge(confirmation.owner_confirm_token(company=company))

    response = host_client(company).get(f"/confirmar-email/{token}/")

    assert response.status_code == status
    assert message in response.content.decode()
    assert fresh(company).owner_email_confirmed_at is None


def test_a_link_for_a_previous_owner_email_is_refused(db):
    company = web_portal("Uno", "uno@x.test")
    token = confirmation.owner_confirm_token(company=company)
    Company.objects.filter(pk=company.pk).update(owner_email="otro@x.test")

    response = host_client(company).get(f"/confirmar-email/{token}/")

    assert response.status_code == 400
    assert "ya no es el del creador del portal" in response.content.decode()
    assert fresh(company).owner_email_confirmed_at is None


def test_a_portal_suspended_unconfirmed_explains_offers_a_resend_and_the_link_reactivates_it(db, platform_smtp):
    # given: the sweep a week and a day later
    company = web_portal("Uno", "uno@x.test")
    Company.objects.filter(pk=company.pk).update(owner_confirm_sent_at=timezone.now() - timedelta(minutes=5))
    portals_sweep(now=timezone.now() + timedelta(days=8))
    visitor = host_client(company)

    # when
    page = visitor.get("/ingresar/")
    resent = visitor.post("/confirmar-email/reenviar/")
    again = visitor.post("/confirmar-email/reenviar/")
    deliver(company)
    [email] = platform_smtp.received
    confirmed = visitor.get(link_in(email))
    login = visitor.post("/ingresar/", {"username": "uno@x.test", "password": PASSWORD})

    # then
    assert page.status_code == 403
    html = page.content.decode()
    assert "suspendido porque su creador todavía no confirmó su email" in html
    assert "u•••@x.test" in html and "uno@x.test" not in html
    assert resent.status_code == 200 and "Le enviamos un enlace de confirmación nuevo" in resent.content.decode()
    assert again.status_code == 429 and "hace poco" in again.content.decode()
    assert email["To"] == "uno@x.test"
    assert confirmed.status_code == 200 and "funciona normalmente" in confirmed.content.decode()
    company = fresh(company)
    assert company.status == Company.Status.ACTIVE and company.suspended_reason == ""
    assert login.status_code == 302


def test_other_pages_of_a_portal_suspended_unconfirmed_stay_closed(db):
    company = web_portal("Uno", "uno@x.test")
    portals_sweep(now=timezone.now() + timedelta(days=8))

    login = host_client(company).post("/ingresar/", {"username": "uno@x.test", "password": PASSWORD})

    assert login.status_code == 403
    assert "sessionid" not in login.cookies


def test_confirming_never_lifts_an_operators_suspension(db):
    # given
    company = web_portal("Uno", "uno@x.test")
    token = confirmation.owner_confirm_token(company=company)
    call_command("portal_suspend", "uno")

    # when
    response = host_client(company).get(f"/confirmar-email/{token}/")
    resend = host_client(company).post("/confirmar-email/reenviar/")
    confirmation.owner_email_confirm(company=fresh(company), token=token)

    # then: the page says suspended, the service confirms the email but the portal stays closed
    assert response.status_code == resend.status_code == 403
    assert "suspendido temporalmente" in response.content.decode()
    company = fresh(company)
    assert company.status == Company.Status.SUSPENDED
    assert company.suspended_reason == Company.SuspendedReason.OPERATOR
    assert company.owner_email_confirmed_at is not None


def test_resend_on_an_active_portal_is_for_its_admin_and_at_most_once_a_minute(db, platform_smtp):
    # given: the email at creation went out more than a minute ago
    company = web_portal("Uno", "uno@x.test")
    Company.objects.filter(pk=company.pk).update(owner_confirm_sent_at=timezone.now() - timedelta(minutes=2))
    with tenant_context(company):
        first_sent = OutboxMessage.objects.count()

    # when
    stranger = host_client(company).post("/confirmar-email/reenviar/")
    client = admin_client(company)
    resent = client.post("/confirmar-email/reenviar/")
    too_soon = client.post("/confirmar-email/reenviar/")

    # then
    assert stranger.status_code == 404
    assert resent.status_code == 200 and "uno@x.test" in resent.content.decode()
    assert too_soon.status_code == 429
    with tenant_context(company):
        assert OutboxMessage.objects.count() == first_sent + 1
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SUPERSEDED).count() == first_sent


def test_the_resend_post_needs_the_csrf_token(db):
    company = web_portal("Uno", "uno@x.test")
    client = host_client(company, enforce_csrf_checks=True)
    client.post("/ingresar/", {"username": "uno@x.test", "password": PASSWORD})

    response = client.post("/confirmar-email/reenviar/")

    assert response.status_code == 403


def test_each_resend_waits_twice_as_long_as_the_last_up_to_a_day(db, platform_smtp):
    # given: a portal suspended unconfirmed, whose "Reenviar" anyone may post
    company = web_portal("Uno", "uno@x.test")
    portals_sweep(now=timezone.now() + timedelta(days=8))
    visitor = host_client(company)

    def resend_after(minutes: float) -> int:
        last = fresh(company).owner_confirm_sent_at
        Company.objects.filter(pk=company.pk).update(owner_confirm_sent_at=last - timedelta(minutes=minutes))
        response = visitor.post("/confirmar-email/reenviar/")
        if response.status_code == 429:  # put the clock back: a refusal must not move it
            Company.objects.filter(pk=company.pk).update(owner_confirm_sent_at=last)
        return response.status_code

    # when / then: after the first email, 1 minute; then 2, 4, 8...
    assert resend_after(1) == 200
    assert resend_after(1.5) == 429
    assert resend_after(2) == 200
    assert resend_after(3.5) == 429
    assert resend_after(4) == 200
    assert fresh(company).owner_confirm_sends == 4
    assert confirmation.resend_interval(4) == timedelta(minutes=8)
    assert confirmation.resend_interval(30) == timedelta(days=1)


def test_an_operator_can_turn_an_unconfirmed_suspension_into_theirs(db):
    # given: a portal suspended for its unconfirmed email, and a verified operator in the admin
    from tests.otp import operator_with_device, totp_code

    company = web_portal("Uno", "uno@x.test")
    portals_sweep(now=timezone.now() + timedelta(days=8))
    token = confirmation.owner_confirm_token(company=company)
    device = operator_with_device("operador@plataforma.test", "opera12345678")
    operator = host_client()
    operator.post("/admin/login/", {"username": "operador@plataforma.test", "password": "opera12345678",
                                    "otp_token": totp_code(device)})

    # when
    operator.post("/admin/tenants/company/", {"action": "suspend", "_selected_action": [company.pk]})
    host_client(company).get(f"/confirmar-email/{token}/")

    # then: the owner's confirmation no longer opens it
    company = fresh(company)
    assert company.status == Company.Status.SUSPENDED
    assert company.suspended_reason == Company.SuspendedReason.OPERATOR
