"""Files on a real S3-compatible server (SeaweedFS's `weed mini`), as production keeps them
with S3_BUCKET set: cached PDFs, "Descargar todas" ZIPs and their clean-up, the company logo."""

import io
import random
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context
from PIL import Image

from billing_views import downloads
from config.settings.base import s3_storage
from portal_core.accounts.models import User
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import SalesInvoice
from tests.billing_views.conftest import BOOK, doc_id
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email

BUCKET = "portal-test"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


def _free_port_pair() -> int:
    """A port free together with port + 10000 (weed's gRPC port for it)."""
    for _ in range(200):
        port = random.randint(20000, 50000)
        try:
            with socket.socket() as first, socket.socket() as second:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue
    raise RuntimeError("no free ports")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    weed = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    directory = tmp_path_factory.mktemp("weed")
    ports = {name: _free_port_pair() for name in ("master", "volume", "filer", "s3", "admin")}
    process = subprocess.Popen(
        [weed, "mini", f"-dir={directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-admin.ui=false",
         "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0", f"-master.port={ports['master']}",
         f"-volume.port={ports['volume']}", f"-filer.port={ports['filer']}", f"-s3.port={ports['s3']}",
         f"-admin.port={ports['admin']}"],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    deadline = time.monotonic() + 60
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError("weed mini did not start") from None
            time.sleep(0.3)
    yield endpoint, client
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def s3(s3_server, settings):
    endpoint, client = s3_server
    storage = s3_storage(BUCKET, endpoint)
    storage["OPTIONS"].update(access_key="test", secret_key="test")
    settings.STORAGES = {**settings.STORAGES, "default": storage}  # default_storage is made anew from it

    def keys(prefix: str) -> set[str]:
        found = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
        return {item["Key"] for item in found}

    return keys


def test_a_pdf_is_rendered_once_into_s3_and_served_from_there(book, login, s3):
    client = login(book, "cliente@alfa.test")
    url = f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"
    prefix = f"portals/{book.schema_name}/pdf/"
    before = s3(prefix)

    first = client.get(url).content
    stored = s3(prefix) - before
    second = client.get(url).content

    assert type(default_storage._wrapped).__name__ == "S3Storage"
    assert len(stored) == 1 and first.startswith(b"%PDF-") and first == second
    # the document changes: its new PDF replaces the old one in the bucket
    with tenant_context(book):
        changed = {**next(row for row in BOOK["sales-invoices"] if row["external_id"] == "F1"), "total": "1300.00"}
        batch_upsert(resource="sales-invoices", items=[changed])
    third = client.get(url).content
    replaced = s3(prefix) - before
    assert third != first and len(replaced) == 1 and replaced != stored


def test_a_zip_is_built_into_s3_downloaded_and_deleted_once_expired(book, login, s3):
    client = login(book, "cliente@alfa.test")
    with tenant_context(book):
        user = User.objects.get(email="cliente@alfa.test")
        token = downloads.sales_zip_request(user=user, query="")
        downloads.sales_zip_build(token=token, user=user, query="")
    prefix = f"portals/{book.schema_name}/zips/"

    archive = client.get(f"/descargas/{token}/archivo/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()

    assert s3(prefix) == {f"{prefix}{token}.zip"}
    assert "FA-A-0003-00001001.pdf" in names
    with tenant_context(book):
        assert downloads.expired_zips_delete(older_than_seconds=3600) == 0
        assert downloads.expired_zips_delete(older_than_seconds=-60) == 1
    assert s3(prefix) == set()


def test_the_company_logo_is_kept_in_s3_and_goes_into_emails(alfa, smtp, s3):
    configure_email(alfa, smtp)
    admin = host_client(alfa)
    admin.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 90, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "logo.png"

    admin.post("/administrador/empresa/", {"trade_name": "Alfa", "logo": buffer})
    admin.post("/administrador/email/prueba/", {"to": "yo@alfa.test"})

    assert len(s3(f"portals/{alfa.schema_name}/logo/")) == 1
    [email] = smtp.wait_for(1)
    [logo] = [part for part in email.walk() if part.get("Content-ID") == "<logo>"]
    assert Image.open(io.BytesIO(logo.get_content())).size == (30, 30)
