"""Verificación en dos pasos: setup from Mi cuenta, the login's code step, lockouts, recovery
codes, the portal's policy, turning it off, and which sessions end when."""

import re

from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from portal_core.accounts import two_factor
from portal_core.accounts.errors import AccountError
from portal_core.accounts.models import User
from portal_core.models import AuditEvent, PortalSettings
from tests.conftest import PASSWORD, host_client
from tests.otp import totp_code, wrong_code

Kind = AuditEvent.Kind
ADMIN = "admin@alfa.test"


def _login(company, email=ADMIN, password=PASSWORD):
    client = host_client(company)
    return client, client.post("/ingresar/", {"username": email, "password": password})


def _enrolled(company, email=ADMIN) -> tuple[TOTPDevice, list[str]]:
    """Two-factor already on (as after the setup), with its recovery codes."""
    with tenant_context(company):
        enrolment = two_factor.operator_enrol(user=User.objects.get(email=email))
    return enrolment.device, enrolment.recovery_codes


def _device(company, email=ADMIN) -> TOTPDevice:
    with tenant_context(company):
        return TOTPDevice.objects.get(user__email=email)


def _logged_in_with_code(company, device, email=ADMIN, steps_ahead=0):
    client, _ = _login(company, email)
    response = client.post("/ingresar/codigo/", {"code": totp_code(device, steps_ahead=steps_ahead)})
    assert response.status_code == 302, response.content.decode()
    return client


def _kinds(company) -> list[str]:
    with tenant_context(company):
        return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def test_setup_shows_our_own_qr_then_a_code_turns_it_on_with_ten_recovery_codes(alfa):
    # given
    client, _ = _login(alfa)

    # when
    page = client.get("/mi-cuenta/verificacion/")
    device = _device(alfa)
    confirmed = client.post("/mi-cuenta/verificacion/", {"code": totp_code(device)})

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="qr"' in html and "otpauth://totp/Alfa%3Aadmin%40alfa.test?secret=" in html
    qr_box = html.split('<div class="qr-box">')[1].split("</div>")[0]
    assert qr_box.startswith("<svg") and "href" not in qr_box and "<img" not in qr_box  # drawn here, inline
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", confirmed.content.decode())
    assert confirmed.status_code == 200 and len(set(codes)) == 10
    assert "no los vamos a volver a mostrar" in confirmed.content.decode()
    assert confirmed["Cache-Control"].startswith("max-age=0")
    with tenant_context(alfa):
        assert two_factor.two_factor_enabled(user=User.objects.get(email=ADMIN))
        assert StaticToken.objects.filter(device__user__email=ADMIN).count() == 10
    assert _kinds(alfa)[-1] == Kind.OTP_ENABLED
    assert client.get("/").status_code == 200  # this session passed the code: it stays


def test_setup_with_a_wrong_code_stays_off(alfa):
    client, _ = _login(alfa)
    client.get("/mi-cuenta/verificacion/")

    response = client.post("/mi-cuenta/verificacion/", {"code": wrong_code(_device(alfa))})

    assert response.status_code == 400
    assert response.context["form"].has_error("code", AccountError.CODE_INVALID)
    with tenant_context(alfa):
        assert not two_factor.two_factor_enabled(user=User.objects.get(email=ADMIN))
        assert not StaticToken.objects.exists()


def test_login_asks_for_the_code_before_logging_in(alfa):
    # given
    device, _ = _enrolled(alfa)
    client, password_step = _login(alfa)

    # when
    before_code = client.get("/")
    code_page = client.get("/ingresar/codigo/")
    code_step = client.post("/ingresar/codigo/", {"code": totp_code(device)})

    # then
    assert password_step.status_code == 302 and password_step["Location"] == "/ingresar/codigo/"
    assert before_code.status_code == 302 and before_code["Location"].startswith("/ingresar/")
    assert "Código de verificación" in code_page.content.decode()
    assert code_step.status_code == 302 and code_step["Location"] == "/"
    assert client.get("/").status_code == 200
    assert _kinds(alfa)[-1] == Kind.LOGIN_OK


def test_the_same_code_does_not_work_twice(alfa):
    device, _ = _enrolled(alfa)
    code = totp_code(device)
    _logged_in_with_code(alfa, device)
    client, _ = _login(alfa)

    response = client.post("/ingresar/codigo/", {"code": code})

    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_wrong_code_is_refused_logged_and_makes_the_next_try_wait(alfa):
    device, _ = _enrolled(alfa)
    client, _ = _login(alfa)

    first = client.post("/ingresar/codigo/", {"code": wrong_code(device)})
    right_code_too_soon = client.post("/ingresar/codigo/", {"code": totp_code(device)})

    assert first.status_code == 400
    assert "El código no es correcto." in first.content.decode()
    assert "Espere 1 segundo y vuelva a intentar." in right_code_too_soon.content.decode()
    assert client.get("/").status_code == 302
    assert _kinds(alfa)[-2:] == [Kind.OTP_FAILED, Kind.OTP_FAILED]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_login_like_wrong_passwords(alfa):
    # given
    device, _ = _enrolled(alfa)
    client, _ = _login(alfa)
    for _ in range(2):
        client.post("/ingresar/codigo/", {"code": wrong_code(device)})

    # when
    locked = client.post("/ingresar/codigo/", {"code": wrong_code(device)})
    with_the_right_password = host_client(alfa).post("/ingresar/", {"username": ADMIN, "password": PASSWORD})

    # then
    assert locked.status_code == 429
    assert locked.context["lockout"].code == AccountError.LOCKED_OUT
    assert with_the_right_password.status_code == 429
    assert client.get("/ingresar/codigo/").status_code == 302  # the pending login is gone
    assert client.get("/").status_code == 302
    assert Kind.LOGIN_LOCKED in _kinds(alfa)


def test_a_recovery_code_logs_in_once_and_ends_the_other_sessions(alfa):
    # given
    device, codes = _enrolled(alfa)
    elsewhere = _logged_in_with_code(alfa, device)
    client, _ = _login(alfa)

    # when
    used = client.post("/ingresar/codigo/", {"code": codes[0].upper()})
    again, _ = _login(alfa)
    reused = again.post("/ingresar/codigo/", {"code": codes[0]})

    # then
    assert used.status_code == 302 and used["Location"] == "/mi-cuenta/"
    assert "le quedan 9" in client.get("/mi-cuenta/").content.decode()
    assert elsewhere.get("/").status_code == 302
    assert client.get("/").status_code == 200
    assert reused.status_code == 400 and again.get("/").status_code == 302
    with tenant_context(alfa):
        assert StaticToken.objects.filter(device__user__email=ADMIN).count() == 9
        assert AuditEvent.objects.filter(kind=Kind.OTP_RECOVERY_USED).count() == 1


@override_settings(TWO_FACTOR_LOGIN_SECONDS=-1)
def test_the_code_step_expires(alfa):
    device, _ = _enrolled(alfa)
    client, _ = _login(alfa)

    response = client.post("/ingresar/codigo/", {"code": totp_code(device)}, follow=True)

    assert [message.extra_tags for message in response.context["messages"]] == [AccountError.LOGIN_EXPIRED]
    assert client.get("/").status_code == 302


def test_wrong_password_and_completed_login_are_logged(alfa):
    _login(alfa, " Admin@Alfa.test ", "mala123")
    _login(alfa)

    with tenant_context(alfa):
        rows = list(AuditEvent.objects.order_by("id").values_list("kind", "actor_email"))
    assert rows[-2:] == [(Kind.LOGIN_FAILED, ADMIN), (Kind.LOGIN_OK, ADMIN)]


def test_perfil_policy_for_admins_walks_them_through_setup_first(alfa, make_account):
    # given
    make_account(alfa, "cliente@alfa.test")
    admin, _ = _login(alfa)

    # when
    saved = admin.post("/administrador/perfil/", {"section": "two_factor", "two_factor_policy": "admins"})
    sent = [admin.get(path) for path in ("/", "/mi-cuenta/", "/administrador/perfil/")]
    setup = admin.get("/mi-cuenta/verificacion/")
    customer, _ = _login(alfa, "cliente@alfa.test")

    # then
    assert saved.status_code == 302
    with tenant_context(alfa):
        assert PortalSettings.objects.get().two_factor_policy == PortalSettings.TwoFactor.ADMINS
        assert AuditEvent.objects.filter(kind=Kind.SETTINGS_PROFILE, target="two_factor_policy").exists()
    assert all(r.status_code == 302 and r["Location"] == "/mi-cuenta/verificacion/" for r in sent)
    assert setup.status_code == 200 and "exige la verificación en dos pasos" in setup.content.decode()
    assert customer.get("/").status_code == 200
    # once set up, the admin reaches the portal again
    admin.post("/mi-cuenta/verificacion/", {"code": totp_code(_device(alfa))})
    assert admin.get("/").status_code == 200


def test_policy_for_everyone_applies_to_customers_and_logout_stays_reachable(alfa, make_account):
    make_account(alfa, "cliente@alfa.test")
    with tenant_context(alfa):
        two_factor.two_factor_policy_set(policy="everyone", actor=None)
    customer, _ = _login(alfa, "cliente@alfa.test")

    home = customer.get("/")
    logout = customer.post("/salir/")

    assert home.status_code == 302 and home["Location"] == "/mi-cuenta/verificacion/"
    assert logout.status_code == 302 and logout["Location"] == "/ingresar/"


def test_perfil_refuses_an_unknown_policy(alfa):
    admin, _ = _login(alfa)

    response = admin.post("/administrador/perfil/", {"section": "two_factor", "two_factor_policy": "nadie"})

    assert response.status_code == 400
    with tenant_context(alfa):
        assert not PortalSettings.objects.filter(two_factor_policy="nadie").exists()


def test_disabling_asks_for_the_password_and_ends_the_other_sessions(alfa):
    # given
    device, _ = _enrolled(alfa)
    client = _logged_in_with_code(alfa, device)
    elsewhere = _logged_in_with_code(alfa, device, steps_ahead=1)

    # when
    refused = client.post("/mi-cuenta/verificacion/desactivar/", {"desactivar-confirmation": "mala123"})
    disabled = client.post("/mi-cuenta/verificacion/desactivar/", {"desactivar-confirmation": PASSWORD})

    # then
    assert refused.status_code == 400
    assert refused.context["disable_form"].has_error("confirmation", AccountError.CONFIRMATION_WRONG)
    assert disabled.status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    with tenant_context(alfa):
        assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    assert Kind.OTP_DISABLED in _kinds(alfa)
    assert _login(alfa)[1]["Location"] == "/"  # the password alone logs in again


def test_disabling_accepts_a_current_code_instead_of_the_password(alfa):
    device, _ = _enrolled(alfa)
    client = _logged_in_with_code(alfa, device)

    response = client.post("/mi-cuenta/verificacion/desactivar/",
                           {"desactivar-confirmation": totp_code(device, steps_ahead=1)})

    assert response.status_code == 302
    with tenant_context(alfa):
        assert not TOTPDevice.objects.exists()


def test_new_recovery_codes_replace_the_old_ones(alfa):
    device, old_codes = _enrolled(alfa)
    client = _logged_in_with_code(alfa, device)

    response = client.post("/mi-cuenta/verificacion/codigos/", {"codigos-confirmation": PASSWORD})

    new_codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    later, _ = _login(alfa)
    assert later.post("/ingresar/codigo/", {"code": old_codes[1]}).status_code == 400


def test_a_session_opened_before_two_factor_was_turned_on_ends(alfa):
    older, _ = _login(alfa)
    client, _ = _login(alfa)
    client.get("/mi-cuenta/verificacion/")
    client.post("/mi-cuenta/verificacion/", {"code": totp_code(_device(alfa))})

    assert older.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_resetting_the_password_ends_the_other_sessions(alfa):
    # given
    from portal_core.accounts.tokens import password_reset_tokens

    elsewhere, _ = _login(alfa)
    with tenant_context(alfa):
        user = User.objects.get(email=ADMIN)
        uid, token = urlsafe_base64_encode(force_bytes(user.pk)), password_reset_tokens.make_token(user)
    client = host_client(alfa)

    # when
    form = client.get(f"/restablecer/{uid}/{token}/")
    done = client.post(form["Location"], {"password": "nueva123", "password_repeat": "nueva123"})

    # then
    assert done.status_code == 302
    assert elsewhere.get("/").status_code == 302
    assert _login(alfa, password="nueva123")[1]["Location"] == "/"


def test_two_factor_of_an_email_in_one_portal_does_not_apply_in_another(alfa, beta, make_account):
    _enrolled(alfa)
    make_account(beta, ADMIN)

    _, in_beta = _login(beta)

    assert in_beta.status_code == 302 and in_beta["Location"] == "/"


def test_mi_cuenta_is_in_everyones_menu_and_works_on_a_phone(alfa, make_account):
    make_account(alfa, "cliente@alfa.test")
    client, _ = _login(alfa, "cliente@alfa.test")

    html = client.get("/mi-cuenta/").content.decode()

    assert 'href="/mi-cuenta/"' in html and "Mi cuenta" in html
    assert 'class="bottom-nav"' in html and 'name="viewport"' in html
    assert "Activar la verificación en dos pasos" in html
