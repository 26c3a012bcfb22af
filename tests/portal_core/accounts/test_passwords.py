"""Passwords a person chooses: the seed's rule (at least 6 characters, letters and digits), not
like the account's email or name, not a common one, all said in Spanish; the platform's operators
need at least 12, through the root admin and `createsuperuser` alike."""

import getpass
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.accounts.tokens import password_reset_tokens
from portal_core.web.forms import NewPasswordForm
from tests.conftest import host_client

TOO_SIMILAR_TO_EMAIL = "La contraseña se parece demasiado a su email."
OPERATORS_NEED_12 = "Las contraseñas de los operadores de la plataforma deben tener al menos 12 caracteres."


def problems(password, user=None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(("password", "message"), [
    ("ab1", "La contraseña es demasiado corta. Debe contener por lo menos 6 caracteres."),
    ("rioplatense", "La contraseña debe combinar letras y números."),
    ("abc123", "La contraseña tiene un valor demasiado común."),
    ("garcia12", TOO_SIMILAR_TO_EMAIL),
    ("rodolfo7", "La contraseña se parece demasiado a su nombre."),
])
def test_a_portal_accounts_password_breaking_a_rule_says_which_in_spanish(alfa, password, message):
    account = User(email="garcia@empresa.com.ar", full_name="Rodolfo Benítez")

    with tenant_context(alfa):
        assert problems(password, account) == [message]


def test_the_seeds_six_letters_and_digits_are_enough_for_a_portal_account(alfa):
    with tenant_context(alfa):
        assert problems("clave123", User(email="garcia@empresa.com.ar")) == []
        assert problems("abc987", User(email="admin@alfa.test", is_portal_admin=True)) == []


def test_registering_with_a_password_like_the_email_is_refused(alfa):
    response = host_client(alfa, REMOTE_ADDR="192.0.2.80").post("/registro/", {
        "email": "garcia@empresa.com.ar", "password": "garcia12", "password_repeat": "garcia12"})

    assert response.status_code == 400
    assert TOO_SIMILAR_TO_EMAIL in response.content.decode()


def test_a_new_password_by_the_reset_link_may_not_resemble_the_email(alfa, make_account):
    # given the link of a recovery email
    user = make_account(alfa, "martinez@alfa.test")
    with tenant_context(alfa):
        link = f"/restablecer/{urlsafe_base64_encode(force_bytes(user.pk))}/{password_reset_tokens.make_token(user)}/"
    client = host_client(alfa)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    # when
    refused = client.post(form_url, {"password": "martinez2x", "password_repeat": "martinez2x"})
    accepted = client.post(form_url, {"password": "otra4567", "password_repeat": "otra4567"})

    # then
    assert refused.status_code == 200 and TOO_SIMILAR_TO_EMAIL in refused.content.decode()
    assert accepted.status_code == 302
    with tenant_context(alfa):
        assert User.objects.get(pk=user.pk).check_password("otra4567")


def test_an_invitations_password_is_checked_against_the_invited_email(alfa):
    with tenant_context(alfa):
        form = NewPasswordForm({"password": "martinez2x", "password_repeat": "martinez2x"},
                               user=User(email="martinez@cliente.test"))

        assert not form.is_valid()
    assert form.errors["password"] == [TOO_SIMILAR_TO_EMAIL]


# --- Operators ------------------------------------------------------------------------------

@pytest.fixture
def operator(db):
    """A staff account of the public schema, logged in to the root admin with its second step."""
    user = User.objects.create_superuser("operadora@plataforma.test", "vieja-clave-2024")
    device = StaticDevice.objects.create(user=user, name="recuperación", confirmed=True)
    client = host_client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user, client


def test_an_operators_password_changed_in_the_root_admin_needs_twelve_characters(operator):
    user, client = operator
    url = f"/admin/accounts/user/{user.pk}/password/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"password1": "corta12345x", "password2": "corta12345x", "usable_password": "true"})
    accepted = client.post(url, {"password1": "larga123456xy", "password2": "larga123456xy",
                                 "usable_password": "true"})

    assert refused.status_code == 200 and OPERATORS_NEED_12 in refused.content.decode()
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password("larga123456xy")


def test_createsuperuser_asks_again_for_an_operator_password_under_twelve(db, monkeypatch):
    # given what the operator types: a short password twice, "no" to bypassing, then a long one
    typed = iter(["corta12345x", "corta12345x", "larga123456xy", "larga123456xy"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr("builtins.input", lambda prompt="": "N")

    class Terminal(StringIO):
        def isatty(self):
            return True

    errors = StringIO()

    # when
    call_command("createsuperuser", email="nuevo-operador@plataforma.test", interactive=True,
                 stdin=Terminal(), stdout=StringIO(), stderr=errors)

    # then
    assert OPERATORS_NEED_12 in errors.getvalue()
    assert User.objects.get(email="nuevo-operador@plataforma.test").check_password("larga123456xy")


def test_crear_portal_keeps_the_seeds_six_characters_on_the_root_domain(db):
    # the root domain is the public schema; the first admin's password is a portal account's
    assert problems("abc987") == []
    assert problems("abc987", User(email="nueva@empresa.test", is_portal_admin=True)) == []
    assert problems("abc987", User(email="operador@plataforma.test")) == [OPERATORS_NEED_12]
