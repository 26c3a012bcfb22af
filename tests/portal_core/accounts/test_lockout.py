"""Lockouts and limits count the real client: behind the ingress every request comes from the
proxy, so failures count the address our trusted proxy put in X-Forwarded-For, never the
proxy's, and never what the client or an untrusted peer wrote there. One IP spraying a
password over many emails is locked too."""

import random

from axes.models import AccessAttempt
from django.test import override_settings
from django_tenants.utils import tenant_context

from tests.conftest import PASSWORD, host_client

INGRESS = "10.0.0.7"
behind_the_ingress = override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_IPS=["10.0.0.0/8"], AXES_FAILURE_LIMIT=3)


def through_ingress(company, forwarded_for: str):
    return host_client(company, REMOTE_ADDR=INGRESS, HTTP_X_FORWARDED_FOR=forwarded_for)


def fail(client, email="admin@alfa.test", password="mala123"):
    return client.post("/ingresar/", {"username": email, "password": password})


def log_in(client, email="admin@alfa.test"):
    return client.post("/ingresar/", {"username": email, "password": PASSWORD})


def counted_ips(company) -> set[str]:
    with tenant_context(company):
        return set(AccessAttempt.objects.values_list("ip_address", flat=True))


@behind_the_ingress
def test_two_clients_behind_the_trusted_proxy_are_counted_apart(alfa):
    # given one client locked out through the ingress
    first, second = through_ingress(alfa, "198.51.100.1"), through_ingress(alfa, "198.51.100.2")
    for _ in range(3):
        fail(first)

    # when
    first_again = log_in(first)
    second_logs_in = log_in(second)

    # then
    assert first_again.status_code == 429
    assert second_logs_in.status_code == 302 and second_logs_in["Location"] == "/"
    assert counted_ips(alfa) == {"198.51.100.1"}


@behind_the_ingress
def test_what_the_client_writes_before_the_proxys_entry_is_ignored(alfa):
    # the client sends its own X-Forwarded-For, a new one each time; the ingress appends the real address
    for n in range(3):
        fail(through_ingress(alfa, f"203.0.113.{n}, 198.51.100.3"))

    response = log_in(through_ingress(alfa, "203.0.113.99, 198.51.100.3"))

    assert response.status_code == 429
    assert counted_ips(alfa) == {"198.51.100.3"}


@behind_the_ingress
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(alfa):
    # a peer outside the ingress' network, sending a different X-Forwarded-For each time
    def straight_to_the_app(n):
        return host_client(alfa, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    for n in range(3):
        fail(straight_to_the_app(n))

    response = log_in(straight_to_the_app(99))

    assert response.status_code == 429
    assert counted_ips(alfa) == {"192.0.2.50"}


@override_settings(TRUSTED_PROXY_COUNT=0, TRUSTED_PROXY_IPS=[], AXES_FAILURE_LIMIT=3)
def test_without_trusted_proxies_no_forwarded_header_is_believed(alfa):
    for n in range(3):
        fail(host_client(alfa, REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"))

    response = log_in(host_client(alfa, REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR="198.51.100.99"))

    assert response.status_code == 429
    assert counted_ips(alfa) == {"192.0.2.60"}


@behind_the_ingress
@override_settings(AXES_IP_FAILURE_LIMIT=4)
def test_spraying_one_password_over_many_emails_from_one_ip_gets_locked(alfa, beta):
    # given: one wrong password tried once on each of several emails (no email reaches its own limit)
    sprayer = through_ingress(alfa, "198.51.100.4")
    statuses = [fail(sprayer, f"persona{n}@alfa.test", "verano2024").status_code for n in range(4)]

    # when
    right_password = log_in(sprayer)
    someone_else = log_in(through_ingress(alfa, "198.51.100.5"))
    same_ip_on_another_portal = log_in(through_ingress(beta, "198.51.100.4"), "admin@beta.test")

    # then the fourth failure locks the IP, for every email, saying so and for how long
    assert statuses == [200, 200, 200, 429]
    assert right_password.status_code == 429
    message = right_password.content.decode()
    assert "Demasiados intentos fallidos" in message and "15 minutos" in message
    assert someone_else.status_code == 302
    assert same_ip_on_another_portal.status_code == 302


@behind_the_ingress
@override_settings(AXES_IP_FAILURE_LIMIT=4)
def test_failures_over_several_emails_below_the_ip_limit_do_not_lock_the_ip(alfa):
    client = through_ingress(alfa, "198.51.100.6")
    for n in range(3):
        fail(client, f"persona{n}@alfa.test")

    assert log_in(client).status_code == 302


@behind_the_ingress
@override_settings(AXES_IP_FAILURE_LIMIT=4)
def test_logging_in_does_not_clear_the_ips_count_over_other_emails(alfa):
    # given a sprayer who also has a real account
    client = through_ingress(alfa, "198.51.100.7")
    for n in range(3):
        fail(client, f"persona{n}@alfa.test")
    assert log_in(client).status_code == 302
    client.post("/salir/")

    # when it goes on spraying
    response = fail(client, "persona9@alfa.test")

    # then the failures before the login still count
    assert response.status_code == 429


@behind_the_ingress
@override_settings(ACCESS_REQUESTS_PER_HOUR=2)
def test_registrations_behind_the_proxy_are_limited_per_client(alfa):
    # Rate limits are in Redis and outlive the test: addresses of this run only.
    first, second = (f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}" for _ in range(2))

    def register(forwarded_for, n):
        return through_ingress(alfa, forwarded_for).post("/registro/", {
            "email": f"nuevo{n}@cliente.test", "password": PASSWORD, "password_repeat": PASSWORD})

    statuses = [register(first, n).status_code for n in range(3)]
    other_client = register(second, 9)

    assert statuses == [200, 200, 429]
    assert other_client.status_code == 200
