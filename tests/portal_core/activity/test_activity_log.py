"""Registro de actividad: every change of access or settings leaves exactly one row, with who,
from where and on whom; the admin filters and exports it, operators read it in the root admin,
and old rows are pruned."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.access import services as access
from portal_core.accounts.models import User
from portal_core.models import AuditEvent, Customer, RegistrationRequest
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, link_in
from tests.portal_core.access.test_registrations import (
    admin_client,
    deliver,
    forgot,
    fresh_ip,
    register,
    take_intakes,
    verify,
)
from tests.portal_core.access.test_trust import STRANGER, approve_url, customer, kinds, the_request

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
