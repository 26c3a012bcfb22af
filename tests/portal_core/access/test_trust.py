"""Access nobody can hijack: registrations prove their email, a weak match needs the admin's
acknowledgement, the party's ERP email is told and can object, inactive parties lose their
sections, every change leaves one activity-log row, and known and unknown emails cost the same."""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.access import services as access
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    AccessIntake,
    AuditEvent,
    Customer,
    OutboxMessage,
    OwnerNotice,
    RegistrationRequest,
    Supplier,
)
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, link_in
from tests.portal_core.access.test_registrations import (
    admin_client,
    deliver,
    forgot,
    fresh_ip,
    login_ok,
    register,
    take_intakes,
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
    assert "todavía no confirmó su email" in response.content.decode()
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

    assert "Para aprobarla confirme que verificó por otro medio" in response.content.decode()
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


# --- Inactive parties ----------------------------------------------------------------------

@pytest.fixture
def mixed_account(parties, make_account):
    """An account linked to customer C4 and supplier S1, with an invoice and a ledger entry."""
    from portal_core.models import AccountLink

    user = make_account(parties, "mixto@x.test")
    with tenant_context(parties):
        AccountLink.objects.create(user=user, customer=Customer.objects.get(external_id="C4"),
                                   supplier=Supplier.objects.get(external_id="S1"))
        batch_upsert(resource="sales-invoices", items=[{
            "external_id": "F4", "customer": "C4", "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": 44, "issue_date": "2026-11-01", "due_date": "2026-12-01", "net": "100.00", "vat": "21.00",
            "total": "121.00", "lines": []}])
    client = host_client(parties)
    client.post("/ingresar/", {"username": "mixto@x.test", "password": PASSWORD})
    return client


def test_a_customer_the_erp_marks_inactive_loses_its_sections_until_reactivated(parties, mixed_account):
    from portal_core.models import SalesInvoice

    with tenant_context(parties):
        document_id = SalesInvoice.objects.get(external_id="F4").pk
    customer_urls = ["/facturas/", "/cuenta-corriente/", "/pedidos/", f"/facturas/{document_id}/pdf/",
                     "/cuenta-corriente/?formato=csv", "/cuenta-corriente/?formato=xlsx",
                     "/descargas/x/", "/descargas/x/archivo/"]
    assert [mixed_account.get(url).status_code for url in customer_urls[:5]] == [200] * 5

    # when the ERP marks the customer inactive
    with tenant_context(parties):
        batch_upsert(resource="customers", items=[
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": False}])

    # then every customer section, PDF, export and download answers "acceso suspendido"
    refused = [mixed_account.get(url) for url in customer_urls]
    zip_request = mixed_account.post("/facturas/descargar-todas/", {"query": ""})
    assert [r.status_code for r in refused] + [zip_request.status_code] == [403] * (len(customer_urls) + 1)
    assert "El acceso de Mixto S.A. a este portal está suspendido" in refused[0].content.decode()
    assert refused[0]["Cache-Control"] == "private, no-store"
    # the supplier link keeps working
    assert mixed_account.get("/compras/").status_code == 200
    assert mixed_account.get("/retiro-de-pagos/").status_code == 200

    # when it is reactivated, access is back
    with tenant_context(parties):
        batch_upsert(resource="customers", items=[
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": True}])
    assert mixed_account.get("/facturas/").status_code == 200


def test_an_inactive_supplier_loses_its_sections(parties, mixed_account):
    with tenant_context(parties):
        batch_upsert(resource="suppliers", items=[
            {"external_id": "S1", "business_name": "Mixto S.A.", "email": "mixto@x.test", "active": False}])

    statuses = [mixed_account.get(url).status_code for url in
                ("/compras/", "/cuenta-corriente-proveedor/", "/retiro-de-pagos/",
                 "/cuenta-corriente-proveedor/?formato=csv")]

    assert statuses == [403] * 4
    assert mixed_account.get("/facturas/").status_code == 200


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


# --- Registro de actividad ---------------------------------------------------------------------

def test_every_step_leaves_exactly_one_row_with_who_from_where_and_on_whom(parties, make_account, smtp):
    configure_email(parties, smtp)
    ip = fresh_ip()
    register(parties, email=STRANGER, ip=ip)
    verify(parties, STRANGER)
    admin = admin_client(parties)
    registration, target = the_request(parties), customer(parties)
    admin.post(approve_url(registration.pk), {"party": f"c:{target.pk}", "verificado": "1"})
    register(parties, email="rechazo@x.test")
    admin.post(f"/administrador/activaciones/peticiones/{the_request(parties, 'rechazo@x.test').pk}/rechazar/")
    with tenant_context(parties):
        account = User.objects.get(email=STRANGER)
    admin.post(f"/administrador/activaciones/cuentas/{account.pk}/desactivar/")
    admin.post(f"/administrador/activaciones/cuentas/{account.pk}/desactivar/")  # no change: no row
    admin.post(f"/administrador/activaciones/cuentas/{account.pk}/activar/")
    admin.post("/integracion-erp/claves/", {"name": "ERP"})
    with tenant_context(parties):
        from portal_core.models import ApiKey
        key_id = ApiKey.objects.get().pk
    admin.post(f"/integracion-erp/claves/{key_id}/revocar/")
    admin.get(f"/administrador/cuentas-corrientes/clientes/{target.pk}/?formato=csv")

    with tenant_context(parties):
        rows = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor_email", "target"))
        registered = AuditEvent.objects.get(kind="registration", target=STRANGER)
        approved = AuditEvent.objects.get(kind="registration_approved")
    steps = [kind for kind, _who, _whom in rows if kind not in ("login_ok",)]
    assert steps == ["registration", "registration_verified", "registration_approved", "registration",
                     "registration_rejected", "account_deactivated", "account_activated", "api_key_created",
                     "api_key_revoked", "export"]
    assert registered.ip == ip and registered.actor_email == STRANGER
    assert approved.actor_email == "admin@alfa.test" and approved.target == f"{STRANGER} → Distribuidora Peñalolén S.A."
    assert approved.detail["match"] == "cuit" and approved.detail["acknowledged"] is True
    assert approved.detail["owner_notified"] == ["compras@penalolen.test"]


def test_a_rolled_back_change_leaves_no_row(parties, smtp):
    configure_email(parties, smtp)
    register(parties, email=STRANGER)
    verify(parties, STRANGER)
    before = kinds(parties)
    with tenant_context(parties):
        admin = User.objects.get(email="admin@alfa.test")
        registration_id, party = RegistrationRequest.objects.get().pk, Customer.objects.get(external_id="C1")

        def approve_then_fail():
            with transaction.atomic():
                access.registration_approve(registration_id=registration_id, party=party, acknowledged=True,
                                            by=admin, base_url="http://x/")
                raise RuntimeError("a later step failed")

        with pytest.raises(RuntimeError):
            approve_then_fail()
        assert not User.objects.filter(email=STRANGER).exists()
    assert kinds(parties) == before


def test_the_log_filters_exports_csv_and_is_the_admins_only(parties, beta, make_account, smtp):
    configure_email(parties, smtp)
    register(parties, email="=cmd|' /C calc'!A0@x.test".replace("|", "").replace("'", "").replace(" ", ""))
    register(parties, email=STRANGER)
    admin = admin_client(parties)

    page = admin.get("/administrador/actividad/", {"persona": STRANGER}).content.decode()
    csv_response = admin.get("/administrador/actividad/", {"tipo": "registration", "formato": "csv"})
    body = b"".join(csv_response.streaming_content).decode()
    bad_date = admin.get("/administrador/actividad/", {"desde": "31/02/2026"})

    assert STRANGER in page and "=cmd" not in page
    assert csv_response["Content-Type"].startswith("text/csv") and csv_response["Cache-Control"] == "private, no-store"
    assert body.startswith("\ufeffFecha;Quién;IP;Qué;Sobre quién;Detalle")
    assert STRANGER in body and ";'=cmd" in body  # a formula is neutralised
    assert bad_date.status_code == 400 and "Fecha inválida" in bad_date.content.decode()
    # a customer, another portal's admin and a stranger don't get it
    make_account(parties, "cliente@x.test")
    customer_client = host_client(parties)
    customer_client.post("/ingresar/", {"username": "cliente@x.test", "password": PASSWORD})
    assert customer_client.get("/administrador/actividad/").status_code == 404
    assert STRANGER not in admin_client(beta).get("/administrador/actividad/").content.decode()
    assert host_client(parties).get("/administrador/actividad/").status_code == 302


def test_old_rows_are_pruned_after_the_retention(parties, settings):
    from portal_core.activity.services import audit_prune, audit_record

    settings.AUDIT_RETENTION_DAYS = 30
    with tenant_context(parties):
        old = audit_record(kind="login_ok", actor_email="a@x.test")
        AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
        recent = audit_record(kind="login_ok", actor_email="b@x.test")
        assert audit_prune() == 1
        assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_recovery_and_reset_are_logged(parties, make_account, smtp):
    configure_email(parties, smtp)
    make_account(parties, "cliente@alfa.test")
    forgot(parties, "cliente@alfa.test")
    deliver(parties)
    client = host_client(parties)
    form_page = client.get(link_in(smtp.received[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password": "nueva2024", "password_repeat": "nueva2024"})

    assert kinds(parties) == ["password_reset"]
    take_intakes(parties)


@pytest.fixture
def operator_client(db):
    from tests.otp import operator_with_device, totp_code

    device = operator_with_device("operador@plataforma.test", "operador-clave-2026")
    client = host_client()
    client.post("/admin/login/", {"username": "operador@plataforma.test", "password": "operador-clave-2026",
                                  "otp_token": totp_code(device)})
    return client


def test_operators_see_each_portals_log_in_the_root_admin(parties, beta, operator_client):
    register(parties, email=STRANGER)
    register(beta, email="solo-beta@x.test")

    page = operator_client.get(f"/admin/portales/{parties.pk}/actividad/")
    listing = operator_client.get("/admin/tenants/company/").content.decode()

    assert page.status_code == 200
    assert STRANGER in page.content.decode() and "solo-beta@x.test" not in page.content.decode()
    assert f"/admin/portales/{parties.pk}/actividad/" in listing
    # a portal's own admin is no operator
    assert host_client().get(f"/admin/portales/{parties.pk}/actividad/").status_code == 302


def test_settings_changes_leave_one_row_each_and_never_the_password(parties, smtp):
    from tests.portal_core.mail.test_email_settings import settings_form

    admin = admin_client(parties)
    before = len(kinds(parties))
    switches = {name: "on" for name in ("customer_balances", "customer_invoices", "customer_ledger",
                                        "supplier_balances", "supplier_invoices", "supplier_ledger",
                                        "supplier_payments")}  # customer_orders switched off

    admin.post("/administrador/email/", settings_form(smtp))
    admin.post("/administrador/empresa/", {"trade_name": "Alfa Hogar", "legal_name": "Alfa S.A.", "tax_id": "",
                                           "address": ""})
    admin.post("/administrador/perfil/", switches)
    admin.post("/administrador/perfil/", switches)  # nothing changed: no row
    admin.post("/administrador/perfil/", {"section": "two_factor", "two_factor_policy": "admins"})

    with tenant_context(parties):
        rows = list(AuditEvent.objects.order_by("pk")[before:].values_list("kind", "detail"))
    assert [kind for kind, _detail in rows if kind != "login_ok"] == [
        "settings_email", "settings_company", "settings_profile", "settings_profile"]
    email_detail = rows[0][1] if rows[0][0] == "settings_email" else rows[1][1]
    assert email_detail["password_changed"] is True and "secreto-smtp-1" not in str(rows)
    assert {"customer_orders": False} in [detail for _kind, detail in rows]
