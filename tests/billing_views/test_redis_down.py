"""With Redis (the cache, and the broker) down, pages still answer: cached reads are
recomputed, and queued work waits in its table for the sweep."""

import copy
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing_views.models import ZipJob
from config.celery import app
from tenants.tasks import each_portal
from tests.billing_views import test_downloads as download_all
from tests.brokers import broker_use
from tests.mail import free_port

portal_with_book = download_all.portal_with_book


@pytest.fixture
def redis_down(settings):
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = caches


@pytest.fixture
def broker_down():
    """Celery's broker moved to a port nothing listens on; `back()` returns it to the real Redis."""
    previous = app.conf.broker_url
    broker_use(f"redis://127.0.0.1:{free_port()}/0")

    class Broker:
        back = staticmethod(lambda: broker_use(previous))

    yield Broker
    broker_use(previous)


def test_customer_pages_answer_with_the_cache_down(book, login, redis_down):
    client = login(book, "cliente@alfa.test")

    invoices = client.get("/facturas/")
    ledger = client.get("/cuenta-corriente/")

    assert invoices.status_code == ledger.status_code == 200
    assert "0003-00001001" in invoices.content.decode()
    assert "$ 1.900,00" in ledger.content.decode()  # 1000 + 500 + 400 pending


def test_download_all_with_redis_down_answers_and_the_sweep_builds_the_zip_later(
        portal_with_book, redis_down, broker_down, settings):
    # given Redis (cache and broker) is down
    client = download_all._login(portal_with_book, "cliente@zeta.test")

    # when the customer asks for every invoice's PDF
    response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
    page = client.get(response["Location"])

    # then the page answers and the job waits, recorded
    assert response.status_code == 302 and response["Location"].startswith("/descargas/")
    assert page.status_code == 200 and 'role="progressbar"' in page.content.decode()
    assert "En cola: la preparación del archivo comenzará en breve." in page.content.decode()
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", "attempts")) == [("pending", 0)]

    # when Redis is back and, a minute later, beat runs the sweep
    broker_down.back()
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = settings.REDIS_URL
    settings.CACHES = caches
    with tenant_context(portal_with_book):
        ZipJob.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("billing_views.zip_jobs_requeue")
        state = download_all.wait_until_ready(client, response["Location"] + "estado/")

    # then the ZIP is built
    assert (state["status"], state["done"], state["total"]) == ("ready", 3, 3)
    assert download_all.zip_names(client, state["download_url"]) == [
        "FA-A-0003-00001001.pdf", "FA-A-0003-00001003.pdf", "NC-A-0003-00001002.pdf"]


def test_inviting_with_redis_down_says_the_sending_starts_shortly_and_keeps_the_batch(
        parties, smtp, redis_down, broker_down):
    from portal_core.models import InvitationBatch
    from tests.mail import configure_email
    from tests.portal_core.access.test_registrations import admin_client

    # given the company's email is set up, and Redis (cache and broker) is down
    configure_email(parties, smtp)
    admin = admin_client(parties)

    # when the admin invites two loaded customers
    response = admin.post("/administrador/activaciones/cargar/invitar/",
                          {"tipo": "ambos", "email": ["mixto@x.test", "compras@penalolen.test"]})
    page = admin.get(response["Location"])

    # then the page says it will start shortly, and the batch waits in PostgreSQL for the sweep
    assert response.status_code == 302 and page.status_code == 200
    assert "En cola: el envío comenzará en breve." in page.content.decode()
    with tenant_context(parties):
        assert list(InvitationBatch.objects.values_list("status", "total")) == [("pending", 2)]
