"""Crear Portal against a stranger who posts it over and over: per client IP and per owner
email, a rolling day's portals are limited (counted in PostgreSQL), refused with a Spanish
message and HTTP 429 before any work; the live preview has its own per-IP rate."""

import secrets

from django.db import connection

from provisioning import services
from provisioning.errors import TOO_MANY_FOR_EMAIL, PortalCreateLimited
from tenants.models import Company, Domain
from tests.conftest import host_client

IP_LIMIT_MESSAGE = "Se crearon demasiados portales desde esta conexión hoy."
EMAIL_LIMIT_MESSAGE = "Ya se crearon hoy varios portales con este email."


def _form(name: str, email: str) -> dict:
    return {"name": name, "email": email, "password": "secreto42", "password_repeat": "secreto42"}


def _random_address() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def _state():
    return (list(Company.objects.order_by("id").values_list("id", "status", "slug")),
            list(Domain.objects.order_by("id").values_list("domain", flat=True)), _schemas())


def test_a_stranger_posting_again_and_again_is_stopped_with_429_and_nothing_created(db, settings):
    # given
    settings.PORTAL_CREATES_PER_IP_PER_DAY = 1
    client = host_client(REMOTE_ADDR="198.51.100.7")
    first = client.post("/", _form("Uno", "uno@x.test"))
    before = _state()

    # when
    refused = client.post("/", _form("Dos", "dos@x.test"))

    # then
    assert first.status_code == 302
    assert Company.objects.get(slug="uno").created_from_ip == "198.51.100.7"
    assert refused.status_code == 429
    assert IP_LIMIT_MESSAGE in refused.content.decode()
    assert _state() == before


def test_another_connection_is_not_limited_by_the_first(db, settings):
    settings.PORTAL_CREATES_PER_IP_PER_DAY = 1
    host_client(REMOTE_ADDR="198.51.100.7").post("/", _form("Uno", "uno@x.test"))

    other = host_client(REMOTE_ADDR="198.51.100.8").post("/", _form("Dos", "dos@x.test"))

    assert other.status_code == 302


def test_the_same_email_from_different_connections_is_limited(db, settings):
    # given
    settings.PORTAL_CREATES_PER_EMAIL_PER_DAY = 1
    host_client(REMOTE_ADDR="198.51.100.7").post("/", _form("Uno", "Duenio@x.test"))
    before = _state()

    # when: the same owner (any capitalization) from elsewhere
    refused = host_client(REMOTE_ADDR="203.0.113.9").post("/", _form("Dos", "duenio@X.test"))

    # then
    assert refused.status_code == 429
    assert EMAIL_LIMIT_MESSAGE in refused.content.decode()
    assert _state() == before


def test_forged_forwarded_for_does_not_evade_the_limit_without_trusted_proxies(db, settings):
    # given: no proxy in front (TRUSTED_PROXY_COUNT=0), so X-Forwarded-For is the client's word
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PORTAL_CREATES_PER_IP_PER_DAY = 1
    client = host_client(REMOTE_ADDR="198.51.100.7")
    client.post("/", _form("Uno", "uno@x.test"), HTTP_X_FORWARDED_FOR="10.1.1.1")

    # when
    refused = client.post("/", _form("Dos", "dos@x.test"), HTTP_X_FORWARDED_FOR="10.2.2.2")

    # then
    assert refused.status_code == 429
    assert Company.objects.get(slug="uno").created_from_ip == "198.51.100.7"
    assert not Company.objects.filter(slug="dos").exists()


def test_posts_that_fail_validation_do_not_use_up_the_day(db, settings):
    settings.PORTAL_CREATES_PER_IP_PER_DAY = 1
    client = host_client(REMOTE_ADDR="198.51.100.7")
    for _attempt in range(3):
        assert client.post("/", {**_form("Uno", "no-es-un-email"), "password_repeat": "otra"}).status_code == 200

    created = client.post("/", _form("Uno", "uno@x.test"))

    assert created.status_code == 302


def test_the_limit_is_checked_before_any_work(db, settings):
    # given: the limit already reached, and a post that would also fail validation
    settings.PORTAL_CREATES_PER_EMAIL_PER_DAY = 1
    services.portal_create(name="Uno", email="uno@x.test", password="secreto42",
                           visitor=services.Visitor(ip="198.51.100.7"))
    spares = Company.objects.filter(status=Company.Status.SPARE).count()

    # when
    try:
        services.portal_create(name="Uno", email="uno@x.test", password="x",
                               visitor=services.Visitor(ip="198.51.100.8"))
    except PortalCreateLimited as error:
        refused = error

    # then: the limit answers, not the (taken name, weak password) validation
    assert refused.code == TOO_MANY_FOR_EMAIL
    assert refused.codes == {"__all__": [TOO_MANY_FOR_EMAIL]}
    assert Company.objects.filter(status=Company.Status.SPARE).count() == spares


def test_operators_and_fixtures_are_not_limited(db, settings):
    # given: portal_create without a visitor (operators' command, demo, the suite's fixtures)
    settings.PORTAL_CREATES_PER_IP_PER_DAY = settings.PORTAL_CREATES_PER_EMAIL_PER_DAY = 0

    company = services.portal_create(name="De Operador", email="op@x.test", password="secreto42")

    assert company.status == Company.Status.ACTIVE and company.created_from_ip is None


def test_the_address_preview_is_rate_limited_per_client(db, settings):
    # given: an address of its own, so no other test's count is shared
    settings.PORTAL_PREVIEWS_PER_IP_PER_MINUTE = 2
    client = host_client(REMOTE_ADDR=_random_address())

    # when
    answers = [client.get("/crear-portal/direccion/", {"nombre": "Acme"}) for _ in range(3)]
    elsewhere = host_client(REMOTE_ADDR=_random_address()).get("/crear-portal/direccion/", {"nombre": "Acme"})

    # then
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[0].json()["available"] is True
    assert answers[2].json() == {"error": {
        "code": "rate_limited", "message": "Demasiadas consultas seguidas. Espere un minuto y vuelva a intentarlo."}}
    assert elsewhere.status_code == 200


def test_an_ipv6_client_is_one_client_across_its_slash_64(db, settings):
    # given
    settings.PORTAL_CREATES_PER_IP_PER_DAY = 1
    first = host_client(REMOTE_ADDR="2001:db8:1:2::10").post("/", _form("Uno", "uno@x.test"))
    before = _state()

    # when: another address of the same /64, then one of another /64
    same_subscriber = host_client(REMOTE_ADDR="2001:db8:1:2:ffff::99").post("/", _form("Dos", "dos@x.test"))
    another = host_client(REMOTE_ADDR="2001:db8:1:3::10").post("/", _form("Tres", "tres@x.test"))

    # then
    assert first.status_code == 302
    assert Company.objects.get(slug="uno").created_from_ip == "2001:db8:1:2::"
    assert same_subscriber.status_code == 429 and IP_LIMIT_MESSAGE in same_subscriber.content.decode()
    assert another.status_code == 302
    assert _state()[0][:-1] == before[0]


def test_plus_addresses_of_one_mailbox_share_its_limit(db, settings):
    # given
    settings.PORTAL_CREATES_PER_EMAIL_PER_DAY = 1
    host_client(REMOTE_ADDR="198.51.100.7").post("/", _form("Uno", "ana+uno@x.test"))
    before = _state()

    # when
    plain = host_client(REMOTE_ADDR="203.0.113.9").post("/", _form("Dos", "ana@x.test"))
    tagged = host_client(REMOTE_ADDR="203.0.113.10").post("/", _form("Tres", "ana+tres@x.test"))
    other_mailbox = host_client(REMOTE_ADDR="203.0.113.11").post("/", _form("Cuatro", "anabel@x.test"))

    # then
    assert plain.status_code == tagged.status_code == 429
    assert EMAIL_LIMIT_MESSAGE in tagged.content.decode()
    assert other_mailbox.status_code == 302
    assert _state()[0][:-1] == before[0]


def test_the_site_as_a_whole_has_an_hourly_ceiling(db, settings):
    # given: one portal this hour from the site; one made by an operator does not count
    settings.PORTAL_CREATES_PER_HOUR = 1
    services.portal_create(name="De Operador", email="op@x.test", password="secreto42")
    host_client(REMOTE_ADDR="198.51.100.7").post("/", _form("Uno", "uno@x.test"))
    before = _state()

    # when: a different client and email
    refused = host_client(REMOTE_ADDR="203.0.113.9").post("/", _form("Dos", "dos@x.test"))

    # then
    assert refused.status_code == 429
    assert "En este momento se están creando demasiados portales." in refused.content.decode()
    assert _state() == before


def test_form_posts_count_against_the_lookups_of_the_preview(db, settings):
    # given
    settings.PORTAL_PREVIEWS_PER_IP_PER_MINUTE = 2
    client = host_client(REMOTE_ADDR=_random_address())

    # when: posts that fail validation, each looking names up
    answers = [client.post("/", {"name": f"Acme {n}", "email": "no-es-email"}) for n in range(3)]

    # then
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Demasiadas consultas seguidas." in answers[2].content.decode()
