"""portal_export / portal_import: one portal round-trips, row by row and byte by byte, into a
new schema under a new subdomain; a refused or failed import changes nothing."""

import io
import json
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.company.services import profile_image_update
from portal_core.demo.seed import DEMO_CUSTOMER
from portal_core.erp.services import document_pdf_attach
from portal_core.management.commands.seed_demo import DEMO_PASSWORD
from portal_core.models import SalesInvoice
from provisioning import services as provisioning
from provisioning.portability import PortabilityError, portal_export, portal_import
from provisioning.portability.archive import archive_read, archive_write
from provisioning.portability.files import storage_files
from provisioning.portability.tables import schema_tables
from tenants.models import Company, Domain, EmailSettings, PendingSchema
from tenants.services import company_logo_update, company_profile_update, email_settings_update, storage_folder_delete
from tests.billing_views.test_s3_storage import s3, s3_server  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, host_client

ERP_PDF = b"%PDF-1.4 factura del ERP\n%%EOF\n"


def _png(color) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _demo_invoice():
    return SalesInvoice.objects.filter(customer__external_id=DEMO_CUSTOMER).order_by("id").first()


@pytest.fixture(scope="module")
def source_portal(django_db_setup, django_db_blocker):
    """A portal with the demo data, profile, logo, profile image, an ERP PDF and SMTP settings,
    made once for the module (the demo data takes a while) and deleted with its files after."""
    with django_db_blocker.unblock():
        company = provisioning.portal_create(name="Origen", email="admin@origen.test", password=PASSWORD)
        company_profile_update(company=company, legal_name="Origen S.A.", trade_name="Origen",
                               tax_id="30712345671", address="Calle 1")
        company_logo_update(company=company, upload=_png("red"))
        email_settings_update(company=company, host="smtp.origen.test", port=587, security="starttls",
                              username="avisos", password="secreto-smtp", from_email="avisos@origen.test")
        call_command("seed_demo", "origen", with_accounts=True, stdout=StringIO())
        with tenant_context(company):
            profile_image_update(upload=_png("blue"))
            document_pdf_attach(document=_demo_invoice(), content=ERP_PDF)
        connection.set_schema_to_public()
        company.refresh_from_db()
        yield company
        connection.set_schema_to_public()
        company.delete(force_drop=True)
        storage_folder_delete(f"portals/{company.schema_name}/")


@pytest.fixture
def source(source_portal, committed_db):
    """The source portal; the portals a test imports are deleted (committed_db), files too."""
    before = set(Company.objects.values_list("schema_name", flat=True))
    yield source_portal
    connection.set_schema_to_public()
    for schema_name in set(Company.objects.values_list("schema_name", flat=True)) - before:
        storage_folder_delete(f"portals/{schema_name}/")


def _schema_rows(schema: str, replace: tuple[str, str] | None = None) -> dict[str, list]:
    """Every row of every table of `schema`, columns by name, sorted; with `replace`, text
    values start with the new folder instead of the old one (the documented difference)."""
    rows = {}
    with connection.cursor() as cursor:
        for table, columns in schema_tables(cursor, schema=schema).items():
            names = sorted(columns)
            cursor.execute(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in names)} FROM "{schema}"."{table}"')
            found = [tuple(_replaced(value, replace) for value in row) for row in cursor.fetchall()]
            rows[table] = (names, sorted(found, key=repr))
    return rows


def _replaced(value, replace):
    if replace and isinstance(value, str) and value.startswith(replace[0]):
        return replace[1] + value[len(replace[0]):]
    return value


def _files(schema: str) -> dict[str, bytes]:
    folder = f"portals/{schema}/"
    result = {}
    for name in storage_files(folder):
        with default_storage.open(folder + name, "rb") as stored:
            result[name] = stored.read()
    return result


def _state() -> dict:
    """What an import could leave behind: rows, schemas, markers, files folders."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY 1")
        schemas = [name for (name,) in cursor.fetchall()]
    folders = default_storage.listdir("portals/")[0] if default_storage.exists("portals") else []
    return {"companies": sorted(Company.objects.values_list("id", "slug")),
            "domains": Domain.objects.count(), "email": EmailSettings.objects.count(),
            "markers": PendingSchema.objects.count(), "schemas": schemas, "folders": sorted(folders)}


def test_a_portal_round_trips_under_a_new_subdomain_row_by_row_and_byte_by_byte(source, tmp_path):
    # given
    archive = tmp_path / "origen.tar.gz"
    export = portal_export(company=source, path=archive)

    # when
    imported = portal_import(path=archive, subdomain="copia").company

    # then
    assert export.size == archive.stat().st_size and export.rows > 500 and export.files == 3
    assert imported.schema_name != source.schema_name and imported.slug == "copia"
    old, new = f"portals/{source.schema_name}/", f"portals/{imported.schema_name}/"
    assert _schema_rows(imported.schema_name) == _schema_rows(source.schema_name, replace=(old, new))
    assert _files(imported.schema_name) == _files(source.schema_name)
    assert imported.logo == new + source.logo[len(old):]
    assert list(Domain.objects.filter(tenant=imported).values_list("domain", "is_primary")) == [
        ("copia.localhost", True)]
    kept = ("name", "status", "owner_email", "erp_company_id", "legal_name", "trade_name", "tax_id", "address",
            "created_at", "activated_at", "owner_email_confirmed_at", "suspended_reason")
    assert {name: getattr(imported, name) for name in kept} == {name: getattr(source, name) for name in kept}
    source_smtp, imported_smtp = EmailSettings.objects.get(company=source), EmailSettings.objects.get(company=imported)
    assert imported_smtp.password_encrypted == source_smtp.password_encrypted  # the ciphertext, as stored
    smtp_fields = ("host", "port", "security", "username", "from_email", "from_name", "reply_to", "updated_at")
    assert all(getattr(imported_smtp, name) == getattr(source_smtp, name) for name in smtp_fields)


def test_the_imported_portal_serves_its_pages_and_its_accounts_log_in_with_the_same_passwords(source, tmp_path):
    # given
    portal_export(company=source, path=tmp_path / "origen.tar.gz")
    imported = portal_import(path=tmp_path / "origen.tar.gz", subdomain="copia").company
    with tenant_context(source):
        invoice = _demo_invoice()
    admin, customer = host_client(imported), host_client(imported)

    # when
    admin_login = admin.post("/ingresar/", {"username": "admin@origen.test", "password": PASSWORD})
    sales = admin.get("/administrador/ventas/")
    customer_login = customer.post("/ingresar/", {"username": "cliente@demo.test", "password": DEMO_PASSWORD})
    invoices = customer.get("/facturas/")
    erp_pdf = customer.get(f"/facturas/{invoice.pk}/pdf/")

    # then
    assert admin_login.status_code == 302 and admin_login["Location"] == "/"
    assert sales.status_code == 200
    assert customer_login.status_code == 302
    assert invoices.status_code == 200
    assert erp_pdf.status_code == 200 and erp_pdf.content == ERP_PDF


def test_a_new_sequence_value_does_not_collide_with_restored_rows(source, tmp_path):
    portal_export(company=source, path=tmp_path / "a.tar.gz")
    imported = portal_import(path=tmp_path / "a.tar.gz", subdomain="copia").company

    with tenant_context(imported):
        highest = SalesInvoice.objects.order_by("-id").values_list("id", flat=True).first()
        document = SalesInvoice.objects.order_by("id").first()
        document.pk = None
        document.external_id = "NUEVO"
        document.save()

    assert document.pk > highest


def _rewritten(archive: Path, into: Path, change) -> Path:
    """The archive with `change(manifest, folder)` applied, re-packed with consistent checksums."""
    folder = into / "unpacked"
    manifest = archive_read(path=archive, into=folder)
    change(manifest, folder)
    manifest.pop("members")
    target = into / "changed.tar.gz"
    archive_write(source_dir=folder, manifest=manifest, path=target)
    return target


def _refused(path: Path, code: str, subdomain: str | None = "copia") -> None:
    before = _state()
    with pytest.raises(PortabilityError) as error:
        portal_import(path=path, subdomain=subdomain)
    assert error.value.code == code
    assert _state() == before


def test_a_damaged_archive_is_refused_and_changes_nothing(source, tmp_path):
    archive = tmp_path / "origen.tar.gz"
    portal_export(company=source, path=archive)
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(content))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(bytes(content[: len(content) // 3]))

    _refused(damaged, PortabilityError.ARCHIVE_DAMAGED)
    _refused(truncated, PortabilityError.ARCHIVE_DAMAGED)


def test_a_member_that_differs_from_its_checksum_is_refused_and_changes_nothing(source, tmp_path):
    archive = tmp_path / "origen.tar.gz"
    portal_export(company=source, path=archive)
    folder = tmp_path / "unpacked"
    manifest = archive_read(path=archive, into=folder)
    (folder / "data" / "portal_core_customer").write_bytes(b"")  # rows removed, checksum kept
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        content = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
        for name in manifest["members"]:
            tar.add(folder / name, arcname=name)

    _refused(tampered, PortabilityError.ARCHIVE_DAMAGED)


def test_an_archive_of_other_migrations_is_refused_and_changes_nothing(source, tmp_path):
    portal_export(company=source, path=tmp_path / "origen.tar.gz")
    other = _rewritten(tmp_path / "origen.tar.gz", tmp_path,
                       lambda manifest, _folder: manifest["migrations"].append("portal_core.9999_future"))

    _refused(other, PortabilityError.MIGRATIONS_MISMATCH)


def test_a_taken_or_invalid_subdomain_is_refused_and_changes_nothing(source, tmp_path):
    portal_export(company=source, path=tmp_path / "origen.tar.gz")

    _refused(tmp_path / "origen.tar.gz", PortabilityError.SUBDOMAIN_TAKEN, subdomain=None)  # the archive's: origen
    _refused(tmp_path / "origen.tar.gz", PortabilityError.SUBDOMAIN_TAKEN, subdomain="alfa")
    Domain.objects.create(domain=f"otro.{settings.PORTAL_BASE_DOMAIN}", tenant=Company.objects.get(slug="alfa"))
    _refused(tmp_path / "origen.tar.gz", PortabilityError.SUBDOMAIN_TAKEN, subdomain="otro")  # alfa's other domain
    _refused(tmp_path / "origen.tar.gz", PortabilityError.SUBDOMAIN_INVALID, subdomain="www")
    _refused(tmp_path / "origen.tar.gz", PortabilityError.SUBDOMAIN_INVALID, subdomain="Copia Nueva")


def test_a_failure_half_way_leaves_no_schema_no_rows_no_files(source, tmp_path):
    # given: consistent checksums, but a table whose rows the manifest miscounts, which is
    # found only while loading, after the schema is built and the files are saved
    portal_export(company=source, path=tmp_path / "origen.tar.gz")

    def miscount(manifest, _folder):
        next(table for table in manifest["tables"] if table["name"] == "portal_core_customer")["rows"] += 1

    broken = _rewritten(tmp_path / "origen.tar.gz", tmp_path, miscount)

    # then
    _refused(broken, PortabilityError.ARCHIVE_DAMAGED)


def test_the_commands_export_and_import_and_refuse_with_a_spanish_error(source, tmp_path):
    # given
    out = StringIO()
    archive = str(tmp_path / "origen.tar.gz")

    # when
    call_command("portal_export", "origen", archive, stdout=out)
    call_command("portal_import", archive, "--subdomain", "copia", stdout=out)
    with pytest.raises(CommandError) as taken:
        call_command("portal_import", archive, "--subdomain", "copia", stdout=out)

    # then
    text = out.getvalue()
    assert "Portal «origen» exportado" in text and "http://copia.localhost/" in text
    assert "FIELD_ENCRYPTION_KEYS" in text  # the SMTP password came encrypted
    assert "No se importó nada. Ya existe un portal con ese subdominio" in str(taken.value)
    assert Company.objects.filter(slug="copia").count() == 1


def test_files_round_trip_in_s3(committed_db, s3, tmp_path):  # noqa: F811 (the imported fixture)
    # given: a small portal whose files are in an S3-compatible server
    company = provisioning.portal_create(name="Nube", email="admin@nube.test", password=PASSWORD)
    company_logo_update(company=company, upload=_png("green"))
    with tenant_context(company):
        profile_image_update(upload=_png("white"))
    connection.set_schema_to_public()

    # when
    portal_export(company=company, path=tmp_path / "nube.tar.gz")
    imported = portal_import(path=tmp_path / "nube.tar.gz", subdomain="nube-copia").company

    # then
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    assert len(s3(f"portals/{imported.schema_name}/")) == 2
    assert _files(imported.schema_name) == _files(company.schema_name)
    for schema_name in (company.schema_name, imported.schema_name):
        storage_folder_delete(f"portals/{schema_name}/")
