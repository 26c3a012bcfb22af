"""What one portal holds never shows in another: accounts, sessions, cache keys, hosts."""

from django.core.cache import cache
from django_tenants.utils import schema_context, tenant_context

from portal_core.accounts.models import User
from tests.conftest import PASSWORD, host_client


def _login(company, email, password=PASSWORD):
    client = host_client(company)
    response = client.post("/ingresar/", {"username": email, "password": password})
    return client, response


def test_the_same_email_and_password_are_two_unrelated_accounts(alfa, beta, make_account):
    # given: one person, same email and password, in two portals
    make_account(alfa, "cliente@comun.test", "misma1234")
    make_account(beta, "cliente@comun.test", "misma1234")
    assert _login(alfa, "cliente@comun.test", "misma1234")[1].status_code == 302

    # when: the account in alfa changes its password and is deactivated
    with tenant_context(alfa):
        user = User.objects.get(email="cliente@comun.test")
        user.set_password("otra5678")
        user.is_active = False
        user.save()

    # then: beta's account is untouched
    _, in_alfa = _login(alfa, "cliente@comun.test", "misma1234")
    _, in_beta = _login(beta, "cliente@comun.test", "misma1234")
    assert in_alfa.status_code == 200
    assert "Email o contraseña incorrectos." in in_alfa.content.decode()
    assert in_beta.status_code == 302
    with tenant_context(beta):
        assert User.objects.get(email="cliente@comun.test").is_active


def test_a_session_cookie_of_portal_a_is_anonymous_on_portal_b(alfa, beta, make_account):
    # given
    make_account(alfa, "ana@alfa.test")
    client_a, _ = _login(alfa, "ana@alfa.test")
    session_cookie = client_a.cookies["sessionid"].value
    client_b = host_client(beta)
    client_b.cookies["sessionid"] = session_cookie

    # when
    on_a = client_a.get("/")
    on_b = client_b.get("/")

    # then
    assert on_a.status_code == 200 and "ana@alfa.test" in on_a.content.decode()
    assert on_b.status_code == 302 and on_b["Location"].startswith("/ingresar/")


def test_session_and_csrf_cookies_are_host_only(alfa, make_account):
    make_account(alfa, "ana@alfa.test")
    _, response = _login(alfa, "ana@alfa.test")

    assert response.cookies["sessionid"]["domain"] == ""
    login_page = host_client(alfa).get("/ingresar/")
    assert login_page.cookies["csrftoken"]["domain"] == ""
    assert response.cookies["sessionid"]["httponly"]


def test_the_admin_of_one_portal_cannot_log_in_to_another(alfa, beta):
    _, response = _login(beta, "admin@alfa.test")

    assert response.status_code == 200
    assert "Email o contraseña incorrectos." in response.content.decode()


def test_cache_keys_are_prefixed_by_the_active_schema(alfa, beta):
    # given
    with tenant_context(alfa):
        cache.set("saldo", "de alfa", 30)

    # when
    with tenant_context(beta):
        in_beta = cache.get("saldo")
    with tenant_context(alfa):
        in_alfa = cache.get("saldo")
    with schema_context("public"):
        in_public = cache.get("saldo")

    # then
    assert (in_alfa, in_beta, in_public) == ("de alfa", None, None)
    with tenant_context(alfa):
        cache.delete("saldo")


def test_unknown_hosts_and_spare_schemas_answer_404(db):
    from tenants.models import Company

    spare = Company.objects.filter(status=Company.Status.SPARE).first()

    assert host_client().get("/", HTTP_HOST="nadie.localhost").status_code == 404
    assert host_client().get("/", HTTP_HOST=f"{spare.schema_name}.localhost").status_code == 404


def test_portal_pages_are_not_served_on_the_root_domain(db):
    assert host_client().get("/ingresar/").status_code == 404


def test_the_health_check_answers_on_the_platform_domain(public_client):
    response = public_client.get("/salud/")

    assert response.status_code == 200 and response.json()["status"] == "ok"
