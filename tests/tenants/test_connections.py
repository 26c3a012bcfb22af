"""A connection pointed at more portals than DATABASE_SCHEMAS_PER_CONNECTION ends after its
request or task, so no backend keeps the catalogs of thousands of schemas."""

from celery.signals import task_postrun
from django.db import connection, connections
from django.test import override_settings
from django_tenants.utils import tenant_context

from tenants.models import Company
from tests.conftest import host_client


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _visit(slug: str) -> None:
    response = host_client(Company.objects.get(slug=slug)).get("/ingresar/")
    assert response.status_code == 200


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_request_past_the_limit_of_schemas_ends_its_connection(committed_db):
    # given: a connection that has served nothing yet
    connection.close()

    # when: a request to alfa (public + alfa: at the limit), then one to beta (past it)
    _visit("alfa")
    after_alfa = _backend()
    _visit("beta")
    after_beta = _backend()

    # then
    assert after_alfa != after_beta
    assert connections["default"].schemas_touched == {Company.objects.get(slug="beta").schema_name}


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=0)
def test_no_limit_keeps_the_connection(committed_db):
    connection.close()
    _visit("alfa")
    first = _backend()
    _visit("beta")

    assert _backend() == first


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_task_past_the_limit_ends_its_connection_but_not_inside_a_transaction(committed_db):
    # given: a connection pointed at three schemas, as a task walking portals leaves it
    connection.close()
    first = _backend()
    for slug in ("alfa", "beta"):
        with tenant_context(Company.objects.get(slug=slug)):
            _backend()

    # when: a task ends inside a transaction (an eager task in a request), then outside one
    from django.db import transaction

    with transaction.atomic():
        task_postrun.send(sender=None)
        assert _backend() == first
    task_postrun.send(sender=None)

    # then
    assert _backend() != first
