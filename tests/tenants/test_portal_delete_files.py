"""Deleting a portal (`manage.py portal_delete`, and the sweep through the same service) also
deletes its stored files, every one under `portals/<schema>/`: generated PDFs and ZIPs, the
profile image, the logo; on the filesystem and on a real S3-compatible server. Another
portal's files stay."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_tenants.utils import schema_exists

from provisioning import services as provisioning
from tenants.models import Company
from tenants.services import storage_folder_delete
from tests.billing_views.test_s3_storage import s3, s3_server  # noqa: F401 (fixtures)

FILES = ("pdf/sales/1-abc.pdf", "pdf/erp/sales/2-def.pdf", "zips/token.zip", "perfil/a1.png", "logo/b2.png")


def _portal_with_files(alfa) -> tuple[Company, list[str], str, str]:
    company = provisioning.portal_create(name="Para Borrar", email="x@borrar.test", password="clave4321")
    mine = [default_storage.save(f"portals/{company.schema_name}/{name}", ContentFile(b"x")) for name in FILES]
    theirs = default_storage.save(f"portals/{alfa.schema_name}/pdf/sales/1-abc.pdf", ContentFile(b"x"))
    # A folder whose name starts with this portal's schema name: a prefix, not the same folder.
    sibling = default_storage.save(f"portals/{company.schema_name}x/perfil/a1.png", ContentFile(b"x"))
    return company, mine, theirs, sibling


def test_portal_delete_removes_its_files_from_the_filesystem(db, alfa):
    # given
    company, mine, theirs, sibling = _portal_with_files(alfa)

    # when
    call_command("portal_delete", "para-borrar", "--confirm", "para-borrar", stdout=StringIO())

    # then
    assert type(default_storage._wrapped).__name__ == "FileSystemStorage"
    assert not schema_exists(company.schema_name)
    assert not any(default_storage.exists(path) for path in mine)
    assert not default_storage.exists(f"portals/{company.schema_name}")
    assert default_storage.exists(theirs) and default_storage.exists(sibling)
    default_storage.delete(theirs)
    default_storage.delete(sibling)


def test_portal_delete_removes_its_objects_from_s3(db, alfa, s3):  # noqa: F811
    # given
    company, _mine, theirs, sibling = _portal_with_files(alfa)
    assert len(s3(f"portals/{company.schema_name}/")) == len(FILES)

    # when
    call_command("portal_delete", "para-borrar", "--confirm", "para-borrar", stdout=StringIO())

    # then
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    assert s3(f"portals/{company.schema_name}/") == set()
    assert s3(f"portals/{alfa.schema_name}/") == {theirs}
    assert s3(f"portals/{company.schema_name}x/") == {sibling}
    default_storage.delete(theirs)
    default_storage.delete(sibling)


@pytest.mark.parametrize("folder", ["", "/", "portals/", "portals/../", "pdf/sales/"])
def test_only_a_portals_folder_can_be_deleted(folder):
    with pytest.raises(ValueError):
        storage_folder_delete(folder)
