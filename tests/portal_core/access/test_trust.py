"""Access nobody can hijack: registrations prove their email, a weak match needs the admin's
acknowledgement, the party's ERP email is told and can object, and known and unknown emails cost
the same."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.access.errors import AccessError
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    AccessIntake,
    AuditEvent,
    Customer,
    OutboxMessage,
    OwnerNotice,
    RegistrationRequest,
)
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, link_in
from tests.portal_core.access.test_registrations import (
    admin_client,
    deliver,
    fresh_ip,
    login_ok,
    refusals,
    register,
    verify,
    verify_link,
)

STRANGER = "extrano@gmail.com"


def kinds(company) -> list[str]:
    with tenant_context(company):
        return list(AuditEvent.objects.order_by("pk").values_list("kind", flat=True))


def approve_url(registration_id: int) -> str:
    return f"/administrador/activaciones/peticiones/{registration_id}/aprobar/"


def the_request(company, email=STRANGER) -> RegistrationRequest:
    with tenant_context(company):
        return RegistrationRequest.objects.get(email=email)


def customer(company, external_id="C1") -> Customer:
    with tenant_context(company):
        return Customer.objects.get(external_id=external_id)


# --- Verified registrations ------------------------------------------------------------------

def test_an_unverified_request_cannot_be_approved_by_any_route(parties, smtp):
    # given someone registered with a customer's (public) CUIT and never opened the link
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    registration, target = the_request(parties), customer(parties)
    admin = admin_client(parties)

    # when the admin calls the approve endpoint directly, and the dialog's JSON
    response = admin.post(approve_url(registration.pk), {"party": f"c:{target.pk}", "verificado": "1"}, follow=True)
    dialog = admin.get(f"/administrador/activaciones/peticiones/{registration.pk}/")

    # then it is refused in words and nothing changed
    assert refusals(response) == [AccessError.NOT_VERIFIED]
    assert dialog.status_code == 404
    with tenant_context(parties):
        assert RegistrationRequest.objects.get().status == "unverified"
        assert not User.objects.filter(email=STRANGER).exists()
        assert not OwnerNotice.objects.exists()
    assert not login_ok(parties, STRANGER)


def test_the_confirmation_link_works_once_on_its_own_portal_and_expires(parties, beta, smtp, settings):
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    link = verify_link(parties, STRANGER)

    assert host_client(beta).get(link).status_code == 404  # another portal
    done = host_client(parties).get(link)
    assert done.status_code == 200 and "Su email quedó confirmado" in done.content.decode()
    assert host_client(parties).get(link).status_code == 404  # once
    assert the_request(parties).status == "pending" and the_request(parties).verified_at is not None

    # a newer registration replaces an unverified one, and an expired link is refused
    register(parties, email="otro@x.test")
    with tenant_context(parties):
        RegistrationRequest.objects.filter(email="otro@x.test").update(verify_expires_at=timezone.now())
    assert host_client(parties).get(verify_link(parties, "otro@x.test")).status_code == 404
    assert the_request(parties, "otro@x.test").status == "unverified"


def test_expired_unverified_requests_are_deleted_by_the_daily_prune(parties, settings):
    from portal_core.access.tasks import access_prune

    register(parties, email="viejo@x.test")
    register(parties, email="nuevo@x.test")
    with tenant_context(parties):
        RegistrationRequest.objects.filter(email="viejo@x.test").update(
            verify_expires_at=timezone.now() - timedelta(seconds=1))
        access_prune.run()
        assert list(RegistrationRequest.objects.values_list("email", flat=True)) == ["nuevo@x.test"]


def test_a_failing_step_of_the_daily_prune_leaves_the_others_to_run(parties, monkeypatch, caplog):
    from django.db import DatabaseError

    from portal_core.access import tasks

    def broken():
        raise DatabaseError("relation is locked")

    broken.__name__ = "audit_prune"
    # the first step fails (the activity log, say): the requests' own step still runs
    monkeypatch.setattr(tasks, "PRUNE_STEPS", (broken, *tasks.PRUNE_STEPS[1:]))
    register(parties, email="viejo@x.test")
    with tenant_context(parties):
        RegistrationRequest.objects.update(verify_expires_at=timezone.now() - timedelta(seconds=1))

        with pytest.raises(tasks.PruneIncomplete, match="audit_prune"):
            tasks.access_prune.run()

        assert not RegistrationRequest.objects.exists()
    assert "daily prune: audit_prune failed" in caplog.text


def test_registering_again_while_verified_keeps_the_verified_request(parties, smtp):
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    verify(parties, STRANGER)
    register(parties, email=STRANGER, password="otra1234", password_repeat="otra1234")

    assert the_request(parties).status == "pending"
    with tenant_context(parties):
        assert RegistrationRequest.objects.count() == 1


# --- Match strength and the acknowledgement --------------------------------------------------

def test_the_dialog_says_how_strong_each_match_is_and_a_cuit_is_weak(parties, smtp):
    configure_email(parties, smtp)
    with tenant_context(parties):
        batch_upsert(resource="customers", items=[
            {"external_id": "C9", "business_name": "Dominio S.A.", "email": "ventas@penalolen.test"}])
    register(parties, email="ana@penalolen.test")
    verify(parties, "ana@penalolen.test")
    register(parties, email="compras@penalolen.test", tax_id="")
    verify(parties, "compras@penalolen.test")
    admin = admin_client(parties)

    by_cuit = admin.get(f"/administrador/activaciones/peticiones/"
                        f"{the_request(parties, 'ana@penalolen.test').pk}/").json()["suggestions"]
    by_email = admin.get(f"/administrador/activaciones/peticiones/"
                         f"{the_request(parties, 'compras@penalolen.test').pk}/").json()["suggestions"]

    assert [(s["name"], s["match"], s["strong"], s["match_label"]) for s in by_cuit] == [
        ("Distribuidora Peñalolén S.A.", "cuit", False, "Solo coincide el CUIT"),
        ("Dominio S.A.", "domain", False, "Coincide el dominio del email"),
    ]
    strongest = by_email[0]  # strongest first
    assert (strongest["name"], strongest["match"], strongest["strong"]) == (
        "Distribuidora Peñalolén S.A.", "email", True)
    page = admin.get("/administrador/activaciones/").content.decode()
    assert "Verifiqué por otro medio que esta persona pertenece a la empresa" in page
    assert "Un CUIT es público" in page


@pytest.mark.parametrize("party_of", ["cuit", "search"])
def test_a_weak_match_is_refused_without_the_acknowledgement_and_changes_nothing(parties, smtp, party_of):
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    verify(parties, STRANGER)
    target = customer(parties, "C1" if party_of == "cuit" else "C4")  # C4: found by searching
    registration = the_request(parties)
    before = kinds(parties)

    response = admin_client(parties).post(approve_url(registration.pk), {"party": f"c:{target.pk}"}, follow=True)

    assert refusals(response) == [AccessError.ACKNOWLEDGEMENT_REQUIRED]
    assert the_request(parties).status == "pending"
    with tenant_context(parties):
        assert not User.objects.filter(email=STRANGER).exists()
        assert not OutboxMessage.objects.filter(kind__in=["approved", "owner_notice"]).exists()
    assert "registration_approved" not in kinds(parties)[len(before):]


def test_a_strong_match_needs_no_acknowledgement_and_tells_nobody_else(parties, smtp):
    configure_email(parties, smtp)
    register(parties, email="compras@penalolen.test")
    verify(parties, "compras@penalolen.test")
    registration, target = the_request(parties, "compras@penalolen.test"), customer(parties)

    admin_client(parties).post(approve_url(registration.pk), {"party": f"c:{target.pk}"})

    assert login_ok(parties, "compras@penalolen.test")
    with tenant_context(parties):
        assert not OwnerNotice.objects.exists()
        event = AuditEvent.objects.get(kind="registration_approved")
        assert event.detail["match"] == "email" and event.detail["acknowledged"] is False
        assert event.detail["owner_notified"] == []


# --- The owner is told and can object --------------------------------------------------------

def test_the_owner_is_told_objects_and_the_admin_revokes(parties, beta, smtp):
    # given a weak match approved with the acknowledgement
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    verify(parties, STRANGER)
    registration, target = the_request(parties), customer(parties)
    admin = admin_client(parties)
    admin.post(approve_url(registration.pk), {"party": f"c:{target.pk}", "verificado": "1"})
    deliver(parties)
    stranger = host_client(parties)
    assert stranger.post("/ingresar/", {"username": STRANGER, "password": PASSWORD}).status_code == 302

    # then the party's ERP email got the notice: who, when, how to object
    [notice] = smtp.to("compras@penalolen.test")
    body = notice.get_body(preferencelist=("plain",)).get_content()
    assert STRANGER in body and "Distribuidora Peñalolén S.A." in body and "No reconozco este acceso" in body
    link = link_in(notice)
    # the admin's party view lists the account
    party_page = admin.get(f"/administrador/cuentas-corrientes/clientes/{target.pk}/").content.decode()
    assert STRANGER in party_page.split('id="party-accounts"')[1] and "avisado al email del ERP" in party_page

    # when the owner objects (no login needed), once, and only on its own portal
    assert host_client(beta).get(link).status_code == 404
    page = host_client(parties).get(link)
    assert page.status_code == 200 and STRANGER in page.content.decode()
    objected = host_client(parties).post(link, {"message": "No es de nuestra empresa"})
    assert "le avisamos al administrador" in objected.content.decode()
    assert host_client(parties).get(link).status_code == 404

    # then it shows in Activaciones, and revoking deactivates the account and its sessions
    rows = admin.get("/administrador/activaciones/?tipo=O").content.decode()
    assert f'data-kind="O" data-email="{STRANGER}"' in rows and "No es de nuestra empresa" in rows
    with tenant_context(parties):
        notice_id = OwnerNotice.objects.get().pk
    admin.post(f"/administrador/activaciones/objeciones/{notice_id}/revocar/")
    assert stranger.get("/facturas/")["Location"].startswith("/ingresar/")
    assert not login_ok(parties, STRANGER)
    assert 'data-kind="O"' not in admin.get("/administrador/activaciones/?tipo=O").content.decode()
    logged = kinds(parties)
    assert logged.count("owner_objected") == 1 and logged.count("objection_resolved") == 1


def test_another_portal_cannot_resolve_an_objection(parties, beta, smtp):
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    verify(parties, STRANGER)
    admin_client(parties).post(approve_url(the_request(parties).pk),
                               {"party": f"c:{customer(parties).pk}", "verificado": "1"})
    deliver(parties)
    host_client(parties).post(link_in(smtp.to("compras@penalolen.test")[0]), {"message": ""})
    with tenant_context(parties):
        notice_id = OwnerNotice.objects.get().pk
    with tenant_context(beta):
        OwnerNotice.objects.filter(pk=notice_id).delete()

    response = admin_client(beta).post(f"/administrador/activaciones/objeciones/{notice_id}/revocar/")

    assert response.status_code == 404
    assert login_ok(parties, STRANGER)
    with tenant_context(parties):
        assert OwnerNotice.objects.get().resolved_at is None


# --- The same work for known and unknown emails ------------------------------------------------

def _shape(sql: str) -> str:
    """A statement without its values: what was done, not with which data."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _post_statements(company, url, data, django_capture_on_commit_callbacks):
    client = host_client(company, REMOTE_ADDR=fresh_ip())
    client.get(url)  # warm: the session and the portal's settings
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, data)
    return response, [_shape(query["sql"]) for query in queries.captured_queries], len(callbacks)


@pytest.mark.parametrize(("url", "field"), [("/recuperar-contrasena/", None), ("/registro/", "register")])
def test_known_and_unknown_emails_run_the_same_statements_and_queue_one_task(
        parties, make_account, smtp, url, field, django_capture_on_commit_callbacks):
    configure_email(parties, smtp)
    make_account(parties, "conocido@x.test")
    extra = {"password": PASSWORD, "password_repeat": PASSWORD} if field else {}

    known = _post_statements(parties, url, {"email": "conocido@x.test", **extra}, django_capture_on_commit_callbacks)
    unknown = _post_statements(parties, url, {"email": "nadie@x.test", **extra}, django_capture_on_commit_callbacks)

    assert known[0].content == unknown[0].content
    assert known[1] == unknown[1]  # the same statements, in the same order
    assert known[2] == unknown[2] == 1  # one task each, which decides
    assert not any("accounts_user" in sql for sql in known[1])  # nothing looks the email up in the request
    with tenant_context(parties):
        assert AccessIntake.objects.count() == 2


def test_an_intake_the_broker_lost_is_taken_by_the_sweep(parties, smtp, settings):
    from portal_core.mail.tasks import outbox_sweep

    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    configure_email(parties, smtp)
    host_client(parties, REMOTE_ADDR=fresh_ip()).post("/registro/", {
        "email": STRANGER, "password": PASSWORD, "password_repeat": PASSWORD})
    with tenant_context(parties):
        assert AccessIntake.objects.count() == 1  # its task was never sent (tests run no on_commit)
        outbox_sweep.run()
        assert not AccessIntake.objects.exists()
        assert RegistrationRequest.objects.get().status == "unverified"


def test_the_rate_limit_counts_only_valid_forms(parties, settings):
    settings.ACCESS_REQUESTS_PER_HOUR = 2
    ip = fresh_ip()
    typos = [register(parties, email="mal", ip=ip).status_code for _ in range(3)]
    valid = [register(parties, email=f"ok{n}@x.test", ip=ip).status_code for n in range(3)]

    assert typos == [400] * 3
    assert valid == [200, 200, 429]
