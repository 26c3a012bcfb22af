"""The spare-schema pool, the concurrent-create race and failures midway, with real commits."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections
from django_tenants.utils import schema_exists, tenant_context

from portal_core.accounts.models import User
from provisioning import errors, services
from provisioning.errors import PortalCreateError
from tenants.models import Company, Domain


def _portal_schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def test_spare_is_a_migrated_schema_without_domain(committed_db):
    # when
    spare = services.spare_portal_create()

    # then
    assert spare.status == Company.Status.SPARE
    assert schema_exists(spare.schema_name)
    assert not spare.domains.exists()
    with tenant_context(spare):
        assert User.objects.count() == 0  # the accounts table exists and is empty


def test_portal_create_claims_a_spare_instead_of_migrating(committed_db):
    # given
    services.spare_pool_refill(size=1)
    spare = Company.objects.filter(status=Company.Status.SPARE).order_by("id").first()

    # when
    company = services.portal_create(name="Molinos del Plata", email="a@molinos.test", password="harina99")

    # then
    assert company.pk == spare.pk
    assert company.schema_name == spare.schema_name
    assert company.slug == "molinos-del-plata"


def test_portal_create_falls_back_to_a_synchronous_spare_when_the_pool_is_empty(committed_db):
    # given
    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)

    # when
    company = services.portal_create(name="Vacío", email="a@vacio.test", password="estante44")

    # then
    assert company.status == Company.Status.ACTIVE
    with tenant_context(company):
        assert User.objects.get().email == "a@vacio.test"


def test_pool_refill_tops_up_to_the_requested_size(committed_db):
    # given
    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)

    # when
    created = services.spare_pool_refill(size=2)
    again = services.spare_pool_refill(size=2)

    # then
    assert (created, again) == (2, 0)
    assert Company.objects.filter(status=Company.Status.SPARE).count() == 2


REFILL_LOCK = "provisioning:spare-pool-refill"


def test_a_refill_whose_worker_was_killed_stops_blocking_the_pool_after_the_lock_time(committed_db, monkeypatch):
    # given: the refill's lock left behind by a worker killed mid-refill (never released)
    from django.core.cache import cache

    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)
    assert cache.lock(REFILL_LOCK, timeout=1).acquire(blocking=False)

    # when / then: refills wait while it lasts, and go on once it expired
    assert services.spare_pool_refill(size=1) == 0
    time.sleep(1.5)
    assert services.spare_pool_refill(size=1) == 1


def test_a_refill_of_several_spares_renews_its_lock_after_each(committed_db, monkeypatch):
    from django.core.cache import cache

    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)
    create = services.spare_portal_create
    lock_left_ms = []  # the lock's time left as each spare starts and ends

    def create_watched():
        lock_left_ms.append(cache.pttl(REFILL_LOCK))
        create()
        lock_left_ms.append(cache.pttl(REFILL_LOCK))

    monkeypatch.setattr(services, "spare_portal_create", create_watched)

    # when
    created = services.spare_pool_refill(size=2)

    # then: the time left went down while the first spare was made, and was back up (renewed)
    # when the second began; the lock is gone at the end
    first_start, first_end, second_start, _ = lock_left_ms
    assert created == 2
    assert first_end < first_start and second_start > first_end
    assert not cache.has_key(REFILL_LOCK)


def test_two_simultaneous_requests_for_one_name_create_one_portal(committed_db, monkeypatch):
    # given: both requests pass validation (the name is free) before either claims a spare,
    # so the database's unique constraint is what decides.
    services.spare_pool_refill(size=2)
    barrier = threading.Barrier(2)
    outcomes = []
    validate = services.portal_create_validate

    def validate_then_wait(**kwargs):
        subdomain = validate(**kwargs)
        barrier.wait(timeout=10)
        return subdomain

    monkeypatch.setattr(services, "portal_create_validate", validate_then_wait)

    def create(email):
        try:
            services.portal_create(name="Carrera Única", email=email, password="rapido12")
            outcomes.append("created")
        except PortalCreateError as error:
            outcomes.append(error.codes["name"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(f"p{i}@carrera.test",)) for i in range(2)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then
    assert sorted(outcomes) == ["created", errors.NAME_TAKEN]
    company = Company.objects.get(slug="carrera-unica")
    assert Domain.objects.filter(domain="carrera-unica.localhost").count() == 1
    with tenant_context(company):
        assert User.objects.count() == 1


def test_a_failure_midway_leaves_no_portal_rows_and_the_spare_unclaimed(committed_db, monkeypatch):
    # given: a stray domain row for the hostname the new portal needs, made after the name was
    # checked (a race: the check is told it is free), makes the claim fail after the company
    # row was already updated inside the transaction.
    monkeypatch.setattr(services, "subdomain_taken", lambda slug: False)
    services.spare_pool_refill(size=1)
    alfa = Company.objects.get(slug="alfa")
    Domain.objects.create(domain="huerfano.localhost", tenant=alfa, is_primary=False)
    spares = set(Company.objects.filter(status=Company.Status.SPARE).values_list("id", flat=True))
    schemas = _portal_schemas()

    # when
    with pytest.raises(IntegrityError):
        services.portal_create(name="Huérfano", email="a@huerfano.test", password="mostrador5")

    # then
    assert not Company.objects.filter(slug="huerfano").exists()
    assert set(Company.objects.filter(status=Company.Status.SPARE).values_list("id", flat=True)) == spares
    assert _portal_schemas() == schemas
    for spare in Company.objects.filter(id__in=spares):
        with tenant_context(spare):
            assert User.objects.count() == 0
    Domain.objects.filter(domain="huerfano.localhost").delete()


def test_a_failed_spare_creation_drops_its_schema(committed_db, monkeypatch):
    # given: a migration that fails, as a broken deploy would
    schemas = _portal_schemas()
    companies = Company.objects.count()

    def failing_schema_build(company):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{company.schema_name}"')
        raise RuntimeError("migration failed")

    monkeypatch.setattr(services, "schema_build", failing_schema_build)

    # when
    with pytest.raises(RuntimeError):
        services.spare_portal_create()

    # then
    assert _portal_schemas() == schemas
    assert Company.objects.count() == companies


def test_erp_company_id_gets_only_one_portal(committed_db):
    services.portal_create(name="Con ERP", email="a@erp.test", password="erp12345", erp_company_id="E-77")

    with pytest.raises(PortalCreateError) as error:
        services.portal_create(name="Otro ERP", email="b@erp.test", password="erp12345", erp_company_id="E-77")

    assert error.value.codes == {"erp_company_id": [errors.ERP_COMPANY_HAS_PORTAL]}
    assert not Company.objects.filter(slug="otro-erp").exists()


def test_only_one_refill_runs_at_a_time(committed_db):
    # given: another worker holds the refill lock
    from django.core.cache import cache

    for spare in Company.objects.filter(status=Company.Status.SPARE):
        spare.delete(force_drop=True)
    lock = cache.lock("provisioning:spare-pool-refill", timeout=60)
    assert lock.acquire(blocking=False)

    # when
    try:
        created_while_locked = services.spare_pool_refill(size=1)
    finally:
        lock.release()
    created_after = services.spare_pool_refill(size=1)

    # then
    assert (created_while_locked, created_after) == (0, 1)
