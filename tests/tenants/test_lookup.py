"""The company a hostname routes to, remembered by each process (tenants.lookup): read once,
and read again after any change to a company or a domain, made in this process or another."""

import subprocess
import sys
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from provisioning import services as provisioning
from tenants import lookup, services
from tenants.models import Company, Domain
from tests.conftest import PASSWORD, host_client
from tests.faults.processes import child_env


def _domain_reads(client, path="/ingresar/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum('"tenants_domain"' in query["sql"] for query in queries.captured_queries)


def test_a_portal_is_read_once_then_again_after_it_changes(alfa):
    client = host_client(alfa)

    assert _domain_reads(client) == (200, 1)
    assert _domain_reads(client) == (200, 0)

    services.portal_suspend(company=Company.objects.get(pk=alfa.pk))

    assert _domain_reads(client) == (403, 1)


def test_a_removed_domain_stops_routing_at_once(alfa):
    Domain.objects.create(domain="portal.alfa-sa.test", tenant=alfa, is_primary=False)
    client = Client(HTTP_HOST="portal.alfa-sa.test")
    with override_settings(ALLOWED_HOSTS=["*"]):
        assert client.get("/ingresar/").status_code == 200

        Domain.objects.filter(domain="portal.alfa-sa.test").get().delete()

        assert client.get("/ingresar/").status_code == 404


def test_each_request_gets_its_own_copy(alfa):
    first = lookup.company_for_host(alfa.hostname, lambda host: Company.objects.get(pk=alfa.pk))
    first.name = "Cambiado en una petición"

    second = lookup.company_for_host(alfa.hostname, lambda host: None)

    assert second.name == alfa.name and second is not first


def test_unknown_hostnames_are_not_remembered(alfa):
    client = Client(HTTP_HOST="nadie.localhost")

    for _ in range(3):
        assert client.get("/ingresar/").status_code == 404

    assert lookup._entries == {}


SUSPEND = ("import django; django.setup()\n"
           "from tenants.models import Company\n"
           "from tenants.services import portal_suspend\n"
           "portal_suspend(company=Company.objects.get(slug={slug!r}))\n")


def test_a_change_made_by_another_process_is_seen_on_the_next_request(committed_db):
    company = provisioning.portal_create(name="Otro Proceso", email="admin@otro.test", password=PASSWORD)
    client = host_client(company)
    assert _domain_reads(client) == (200, 1)
    assert _domain_reads(client) == (200, 0)

    subprocess.run([sys.executable, "-c", SUSPEND.format(slug=company.slug)], env=child_env(), check=True,
                   timeout=60)

    assert client.get("/ingresar/").status_code == 403


def test_with_redis_unreachable_an_entry_is_trusted_only_for_a_few_seconds(alfa):
    unreachable = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                               "OPTIONS": {"IGNORE_EXCEPTIONS": True}}}
    with override_settings(CACHES=unreachable, TENANT_CACHE_SECONDS=1):
        lookup.reset()
        client = host_client(alfa)
        assert _domain_reads(client) == (200, 1)
        # a change no signal of this process sees: as if another process made it with Redis down
        Company.objects.filter(pk=alfa.pk).update(status=Company.Status.SUSPENDED)

        kept = client.get("/ingresar/").status_code
        time.sleep(1.1)
        read_again = client.get("/ingresar/").status_code

    assert (kept, read_again) == (200, 403)
