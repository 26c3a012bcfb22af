"""Portal login: labels, Ingresar, Salir, deactivated accounts and lockout after failures."""

from django.test import override_settings
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from tests.conftest import PASSWORD, host_client


def test_login_page_has_the_seed_labels(alfa):
    html = host_client(alfa).get("/ingresar/").content.decode()

    for text in ("Email", "Contraseña", "Ingresar", "Alfa"):
        assert text in html


def test_home_requires_login(alfa):
    response = host_client(alfa).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/ingresar/?next=/"


def test_admin_logs_in_sees_home_with_menu_and_logs_out(alfa):
    # given
    client = host_client(alfa)

    # when
    login = client.post("/ingresar/", {"username": "ADMIN@alfa.test ", "password": PASSWORD})
    home = client.get("/")
    logout = client.post("/salir/")
    after = client.get("/")

    # then
    assert login.status_code == 302 and login["Location"] == "/"
    html = home.content.decode()
    assert "Hola, admin@alfa.test" in html
    assert "Inicio" in html and "Salir" in html
    assert "http://alfa.localhost/" in html
    assert logout.status_code == 302
    assert after.status_code == 302


def test_logout_refuses_get(alfa):
    assert host_client(alfa).get("/salir/").status_code == 405


def test_deactivated_account_cannot_log_in(alfa, make_account):
    make_account(alfa, "baja@alfa.test", is_active=False)

    client = host_client(alfa)
    response = client.post("/ingresar/", {"username": "baja@alfa.test", "password": PASSWORD})

    assert response.status_code == 200
    assert "Email o contraseña incorrectos." in response.content.decode()
    assert client.get("/").status_code == 302


def test_deactivating_an_account_ends_its_open_sessions(alfa, make_account):
    # given
    user = make_account(alfa, "sesion@alfa.test")
    client = host_client(alfa)
    client.post("/ingresar/", {"username": "sesion@alfa.test", "password": PASSWORD})
    assert client.get("/").status_code == 200

    # when
    with tenant_context(alfa):
        User.objects.filter(pk=user.pk).update(is_active=False)

    # then
    assert client.get("/").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_with_a_clear_message(alfa):
    # given
    client = host_client(alfa)
    for _ in range(2):
        client.post("/ingresar/", {"username": "admin@alfa.test", "password": "mala123"})

    # when
    locked = client.post("/ingresar/", {"username": "admin@alfa.test", "password": "mala123"})
    even_with_the_right_password = client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    # then
    assert locked.status_code == 429
    assert "Demasiados intentos fallidos" in locked.content.decode()
    assert even_with_the_right_password.status_code == 429
    assert client.get("/").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_changing_the_email_capitalisation_does_not_reset_the_count(alfa):
    client = host_client(alfa)
    for email in ("Admin@alfa.test", "ADMIN@ALFA.TEST", " admin@Alfa.test "):
        client.post("/ingresar/", {"username": email, "password": "mala123"})

    response = client.post("/ingresar/", {"username": "AdMiN@alfa.test", "password": PASSWORD})

    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_lockout_page_does_not_count_another_failure(alfa):
    from axes.models import AccessAttempt

    client = host_client(alfa)
    for _ in range(3):
        client.post("/ingresar/", {"username": "admin@alfa.test", "password": "mala123"})

    with tenant_context(alfa):
        assert AccessAttempt.objects.get().failures_since_start == 3


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_in_one_portal_does_not_lock_the_same_email_elsewhere(alfa, beta, make_account):
    make_account(beta, "admin@alfa.test")
    client_a = host_client(alfa)
    for _ in range(3):
        client_a.post("/ingresar/", {"username": "admin@alfa.test", "password": "mala123"})

    response = host_client(beta).post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    assert response.status_code == 302


def test_home_shows_when_the_erp_last_synced(alfa):
    from django.utils import timezone

    from portal_core.erp.sync.engine import batch_upsert

    client = host_client(alfa)
    client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})
    assert "Datos actualizados al" not in client.get("/").content.decode()
    with tenant_context(alfa):
        result = batch_upsert(resource="branches", items=[{"external_id": "S1", "name": "Central"}])

    html = client.get("/").content.decode()

    when = timezone.localtime(result.synced_at).strftime("%d/%m/%Y %H:%M")
    assert f"Datos actualizados al {when}" in html
