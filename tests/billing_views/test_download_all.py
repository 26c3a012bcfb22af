"""*Descargar todas*: a real Celery worker on real Redis builds the ZIP; the page polls progress."""

import io
import time
import zipfile

import pytest
from celery.contrib.testing.worker import start_worker
from django_tenants.utils import tenant_context

from config.celery import app
from portal_core.models import Customer
from portal_core.services import party_account_create
from portal_core.sync.engine import batch_upsert
from provisioning.services import portal_create
from tests.billing_views.conftest import BOOK
from tests.conftest import PASSWORD, host_client


@pytest.fixture
def portal_with_book(committed_db):
    company = portal_create(name="Zeta", email="admin@zeta.test", password=PASSWORD)
    with tenant_context(company):
        for resource, rows in BOOK.items():
            batch_upsert(resource=resource, items=rows)
        for email, external_id in (("cliente@zeta.test", "C1"), ("otro@zeta.test", "C3")):
            party_account_create(email=email, password=PASSWORD,
                                 customer=Customer.objects.get(external_id=external_id))
    return company


def _login(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


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
