"""*Descargar todas*: a real Celery worker on real Redis builds the ZIP; the page polls progress."""

import io
import time
import zipfile
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing_views import downloads
from billing_views.models import ZipJob
from config.celery import app
from tenants.tasks import each_portal
from tests.billing_views.conftest import committed_book
from tests.conftest import PASSWORD, host_client


@pytest.fixture
def portal_with_book(committed_db):
    return committed_book("Zeta", "zeta", {"cliente@zeta.test": ("customer", "C1"),
                                           "otro@zeta.test": ("customer", "C3")})


def _login(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


def wait_until_ready(client, status_url) -> dict:
    deadline = time.monotonic() + 30
    while (state := client.get(status_url).json())["status"] != "ready" and time.monotonic() < deadline:
        time.sleep(0.2)
    return state


def zip_names(client, url) -> list[str]:
    archive = client.get(url)
    return sorted(zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist())


def test_download_all_builds_a_zip_of_the_filtered_documents(portal_with_book):
    client = _login(portal_with_book, "cliente@zeta.test")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when
        response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
        page = client.get(response["Location"])
        status_url = response["Location"] + "estado/"
        deadline = time.monotonic() + 30
        while (state := client.get(status_url).json())["status"] != "ready" and time.monotonic() < deadline:
            time.sleep(0.2)

    # then
    assert response.status_code == 302 and response["Location"].startswith("/descargas/")
    assert page.status_code == 200 and 'role="progressbar"' in page.content.decode()
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("ready", 3, 3, 100)
    archive = client.get(state["download_url"])
    names = sorted(zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist())
    assert names == ["FA-A-0003-00001001.pdf", "FA-A-0003-00001003.pdf", "NC-A-0003-00001002.pdf"]

    # and another customer of the same portal cannot see it
    other = _login(portal_with_book, "otro@zeta.test")
    assert other.get(response["Location"]).status_code == 404
    assert other.get(status_url).status_code == 404
    assert other.get(state["download_url"]).status_code == 404


def test_an_unknown_or_expired_link_says_so(portal_with_book):
    client = _login(portal_with_book, "cliente@zeta.test")

    response = client.get("/descargas/no-existe/")

    assert response.status_code == 404
    assert "El enlace no existe o venció." in response.content.decode()
    assert client.get("/descargas/no-existe/archivo/").status_code == 404


def test_a_job_survives_a_cache_flush_and_the_sweep_builds_it(portal_with_book):
    # given a ZIP asked for while no worker runs
    client = _login(portal_with_book, "cliente@zeta.test")
    response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
    status_url = response["Location"] + "estado/"

    # when Redis loses everything (cache and queued task: they share the server) ...
    cache.clear()
    waiting = client.get(status_url)
    # ... and a minute later beat runs the sweep with a worker up
    with tenant_context(portal_with_book):
        ZipJob.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("billing_views.zip_jobs_requeue")
        state = wait_until_ready(client, status_url)

    # then the job was still there, and its ZIP was built once
    assert waiting.status_code == 200 and waiting.json()["status"] == "pending"
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("ready", 3, 3, 100)
    assert zip_names(client, state["download_url"]) == [
        "FA-A-0003-00001001.pdf", "FA-A-0003-00001003.pdf", "NC-A-0003-00001002.pdf"]
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", "attempts")) == [("ready", 1)]


def test_a_job_whose_worker_died_mid_way_is_built_again_by_the_sweep(portal_with_book):
    # given a job a worker had started (1 PDF done) before dying, and a cache flushed since
    client = _login(portal_with_book, "cliente@zeta.test")
    response = client.post("/facturas/descargar-todas/", {"query": "relacionado=on"})
    status_url = response["Location"] + "estado/"
    with tenant_context(portal_with_book):
        ZipJob.objects.update(status="running", attempts=1, total=3, done=1,
                              updated_at=timezone.now() - timedelta(minutes=15))
    cache.clear()
    midway = client.get(status_url).json()

    # when beat runs the sweep with a worker up
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        each_portal.delay("billing_views.zip_jobs_requeue")
        state = wait_until_ready(client, status_url)

    # then the page kept the progress through the flush, and a second run built the ZIP
    assert (midway["status"], midway["done"], midway["total"], midway["percent"]) == ("running", 1, 3, 33)
    assert (state["status"], state["done"], state["total"]) == ("ready", 3, 3)
    assert len(zip_names(client, state["download_url"])) == 3
    with tenant_context(portal_with_book):
        assert list(ZipJob.objects.values_list("status", "attempts")) == [("ready", 2)]


def test_a_job_that_keeps_failing_is_given_up_and_the_page_says_so(portal_with_book):
    # given a job that already started as many runs as it may, the last one lost
    client = _login(portal_with_book, "cliente@zeta.test")
    response = client.post("/facturas/descargar-todas/", {"query": ""})
    with tenant_context(portal_with_book):
        ZipJob.objects.update(status="running", attempts=downloads.MAX_ATTEMPTS,
                              updated_at=timezone.now() - timedelta(minutes=15))

        # when the sweep runs
        queued = downloads.zip_jobs_requeue()

    # then nothing is queued, the status says it failed, and asking again starts a new job
    state = client.get(response["Location"] + "estado/").json()
    assert queued == 0
    assert state["status"] == "error" and state["error"]["code"] == "failed"
    assert "No se pudo preparar el archivo" in client.get(response["Location"]).content.decode()
    again = client.post("/facturas/descargar-todas/", {"query": ""})
    assert again["Location"] != response["Location"]
