from django.core.management import call_command

from tests.conftest import PASSWORD, host_client


def test_a_suspended_portal_shows_a_clear_page_and_refuses_logins(alfa):
    # given
    call_command("portal_suspend", "alfa")

    # when
    page = host_client(alfa).get("/ingresar/")
    login = host_client(alfa).post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    # then
    assert page.status_code == 403
    assert "Portal suspendido" in page.content.decode()
    assert login.status_code == 403
    assert "sessionid" not in login.cookies


def test_suspension_also_stops_sessions_already_open(alfa):
    client = host_client(alfa)
    client.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})
    assert client.get("/").status_code == 200

    call_command("portal_suspend", "alfa")

    assert client.get("/").status_code == 403


def test_reactivating_restores_access(alfa, beta):
    call_command("portal_suspend", "alfa")
    call_command("portal_reactivate", "alfa")

    login = host_client(alfa).post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})

    assert login.status_code == 302


def test_suspending_one_portal_leaves_the_others_alone(alfa, beta):
    call_command("portal_suspend", "alfa")

    assert host_client(beta).get("/ingresar/").status_code == 200
