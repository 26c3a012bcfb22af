"""Fixtures: portals, accounts and clients on their hosts, against real PostgreSQL and Redis.

Two portals, `alfa` and `beta`, are created once per session through the real "Crear Portal"
service. Ordinary tests run inside a transaction that is rolled back (`db`). Tests that need
committed data seen by other threads (races, a live server, a Celery worker) use
`committed_db`, which deletes the portals and schemas they created when they end.
"""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert
from provisioning import services as provisioning
from tenants.models import Company

pytest_plugins = ["tests.mail"]

PASSWORD = "clave123"


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database, always (pytest-django would skip it when the only tests collected
    use `committed_db`), with the session's portals."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        for name in ("Alfa", "Beta"):
            provisioning.portal_create(name=name, email=f"admin@{name.lower()}.test", password=PASSWORD)
        provisioning.spare_pool_refill(size=1)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:  # connections left by server or worker threads
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=0)


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _no_companies_remembered_from_other_tests():
    """Each process remembers the company a hostname routes to (tenants.lookup); a test's rows
    are rolled back without the signals that would make it forget them."""
    from tenants import lookup

    lookup.reset()


@pytest.fixture(autouse=True)
def _no_rate_counts_from_other_tests():
    """Each test starts with no rate-limit counts in Redis, as it starts with no rows of others:
    many tests post from the same loopback client within a minute."""
    import redis
    from django.core.cache import cache

    # Straight on Redis: the cache's own delete_pattern puts the active schema (public) in
    # front of the pattern, and a portal's counts are under its schema.
    try:
        client = cache.client.get_client(write=True)
        stale = list(client.scan_iter(match="*:rate:*", count=1000))
        if stale:
            client.delete(*stale)
    except redis.RedisError:
        pass


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Real commits; portals created by the test are deleted, schemas dropped, afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = set(Company.objects.values_list("id", "status", "slug"))
        yield
        connection.set_schema_to_public()
        # New rows, and spares the test claimed (same id, new status and slug).
        for company in Company.objects.all():
            if (company.id, company.status, company.slug) not in before:
                company.delete(force_drop=True)
        _one_spare()


def _one_spare() -> None:
    """A spare waiting, as every test expects. Not only through the refill: a worker a test
    killed (or a stray refill task a test's worker ran) may hold the refill's Redis lock, and
    the refill then creates nothing."""
    if provisioning.spare_pool_refill(size=1) == 0 and not Company.objects.filter(
            status=Company.Status.SPARE).exists():
        provisioning.spare_portal_create()


@pytest.fixture
def alfa(db):
    return Company.objects.get(slug="alfa")


@pytest.fixture
def beta(db):
    return Company.objects.get(slug="beta")


def host_client(company=None, **defaults) -> Client:
    """A test client whose requests go to a portal's host (or to the root domain)."""
    host = company.hostname if company is not None else "localhost"
    return Client(HTTP_HOST=host, **defaults)


@pytest.fixture
def public_client(db):
    return host_client()


@pytest.fixture
def make_account():
    """Create an account inside a portal's schema."""

    def make(company, email, password=PASSWORD, **fields):
        from portal_core.accounts.models import User

        with tenant_context(company):
            return User.objects.create_user(email, password, **fields)

    return make


@pytest.fixture
def parties(alfa):
    """Alfa with a few customers and suppliers loaded through the sync: shared and missing
    emails, a CUIT, one party that is both customer and supplier."""
    with tenant_context(alfa):
        batch_upsert(resource="customers", items=[
            {"external_id": "C1", "business_name": "Distribuidora Peñalolén S.A.", "tax_id": "30712345671",
             "email": "compras@penalolen.test"},
            {"external_id": "C2", "business_name": "Almacén Güemes", "email": "repetido@x.test"},
            {"external_id": "C3", "business_name": "Almacén Güemes II", "email": "Repetido@x.test"},
            {"external_id": "C4", "business_name": "Mixto S.A.", "email": "mixto@x.test"},
            {"external_id": "C5", "business_name": "Sin Email S.A."},
        ])
        batch_upsert(resource="suppliers", items=[
            {"external_id": "S1", "business_name": "Mixto S.A.", "email": "mixto@x.test"},
            {"external_id": "S2", "business_name": "Molinos S.A.", "email": "molinos@x.test"},
        ])
        batch_upsert(resource="sales-invoices", items=[{
            "external_id": "F1", "customer": "C1", "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": 4321, "issue_date": "2026-11-01", "due_date": "2026-12-01", "net": "100.00", "vat": "21.00",
            "total": "121.00", "lines": []}])
    return alfa
