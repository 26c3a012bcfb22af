"""The operators' admin on the root domain requires a verification code; operators enrol with
`manage.py operator_otp_setup`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal_core.accounts.models import User
from tests.conftest import host_client
from tests.otp import operator_with_device, totp_code, wrong_code

EMAIL, PASSWORD = "operador@plataforma.test", "opera123"


def _admin_login(**fields):
    client = host_client()
    response = client.post("/admin/login/", {"username": EMAIL, "password": PASSWORD, **fields})
    return client, response


def test_the_admin_refuses_the_password_without_the_code(db):
    operator_with_device(EMAIL, PASSWORD)

    client, response = _admin_login()

    assert response.status_code == 200
    assert "Ingrese el código de verificación." in response.content.decode()
    assert client.get("/admin/tenants/company/").status_code == 302


def test_the_admin_refuses_a_wrong_code(db):
    device = operator_with_device(EMAIL, PASSWORD)

    client, response = _admin_login(otp_token=wrong_code(device))

    assert "El código de verificación no es correcto." in response.content.decode()
    assert client.get("/admin/tenants/company/").status_code == 302


def test_an_operator_without_a_device_cannot_enter(db):
    User.objects.create_superuser(EMAIL, PASSWORD)

    client, response = _admin_login(otp_token="123456")

    assert "operator_otp_setup" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_wrong_operator_codes_count_for_the_lockout(db):
    device = operator_with_device(EMAIL, PASSWORD)
    _admin_login(otp_token=wrong_code(device))

    _, response = _admin_login(otp_token=wrong_code(device))

    assert response.status_code == 429
    assert "Demasiados intentos fallidos" in response.content.decode()


def test_operator_otp_setup_prints_the_app_link_and_recovery_codes_that_work_once(db, tmp_path):
    # given
    User.objects.create_superuser(EMAIL, PASSWORD)
    out = StringIO()

    # when
    call_command("operator_otp_setup", "--email", EMAIL, "--qr-svg", str(tmp_path / "qr.svg"), stdout=out)

    # then
    output = out.getvalue()
    assert "otpauth://totp/" in output and (tmp_path / "qr.svg").read_text().startswith("<svg")
    codes = re.findall(r"^  ([a-z2-7]{4}-[a-z2-7]{4})$", output, flags=re.MULTILINE)
    assert len(codes) == 10
    client, _ = _admin_login(otp_token=codes[0])
    assert client.get("/admin/tenants/company/").status_code == 200
    other, _ = _admin_login(otp_token=codes[0])
    assert other.get("/admin/").status_code == 302
    device = TOTPDevice.objects.get(user__email=EMAIL)
    app, _ = _admin_login(otp_token=totp_code(device))
    assert app.get("/admin/").status_code == 200


def test_operator_otp_setup_refuses_someone_who_is_not_an_operator(db):
    User.objects.create_user("nadie@plataforma.test", PASSWORD)

    with pytest.raises(CommandError, match="No existe un operador"):
        call_command("operator_otp_setup", "--email", "nadie@plataforma.test", stdout=StringIO())


def test_a_username_longer_than_an_email_gets_a_message_not_a_500(db):
    operator_with_device(EMAIL, PASSWORD)
    client = host_client()

    response = client.post("/admin/login/", {"username": "a" * 300 + "@x.test", "password": PASSWORD,
                                             "otp_token": "123456"})

    assert response.status_code == 200
    assert "como máximo 254 caracteres" in response.content.decode()
