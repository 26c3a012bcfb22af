"""Operator commands: create, list, suspend/reactivate, delete."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists, tenant_context

from portal_core.accounts.models import User
from tenants.models import Company, Domain


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_portal_create_command_uses_the_crear_portal_service(db):
    output = _run("portal_create", "--name", "Frigorífico Ñuble", "--email", "jefe@nuble.test",
                  "--password", "carne2024", "--erp-company-id", "88")

    company = Company.objects.get(slug="frigorifico-nuble")
    assert "http://frigorifico-nuble.localhost/" in output
    assert company.erp_company_id == "88"
    with tenant_context(company):
        assert User.objects.get().is_portal_admin


def test_portal_create_command_reports_every_error_and_creates_nothing(db):
    before = Company.objects.count()

    with pytest.raises(CommandError) as error:
        _run("portal_create", "--name", "www", "--email", "malo", "--password", "corta")

    message = str(error.value)
    assert "reservado" in message and "email válido" in message and "demasiado corta" in message
    assert Company.objects.count() == before


def test_portal_list_shows_portals_but_not_spares(db, alfa, beta):
    output = _run("portal_list")

    assert "alfa" in output and "beta" in output
    assert "Activo" in output
    spare = Company.objects.filter(status=Company.Status.SPARE).first()
    assert spare.schema_name not in output
    assert "esquemas de reserva listos" in output


def test_suspend_unknown_portal_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No existe el portal «nadie»"):
        _run("portal_suspend", "nadie")


def test_delete_requires_the_confirmation_to_match(db, alfa):
    with pytest.raises(CommandError, match="no se borró nada"):
        _run("portal_delete", "alfa", "--confirm", "beta")

    assert schema_exists(alfa.schema_name)
    assert Company.objects.filter(slug="alfa").exists()


def test_delete_drops_the_schema_and_the_rows(committed_db):
    call_command("portal_create", "--name", "Para Borrar", "--email", "x@borrar.test", "--password", "clave4321",
                 stdout=StringIO())
    company = Company.objects.get(slug="para-borrar")

    output = _run("portal_delete", "para-borrar", "--confirm", "para-borrar")

    assert "eliminado" in output
    assert not schema_exists(company.schema_name)
    assert not Company.objects.filter(slug="para-borrar").exists()
    assert not Domain.objects.filter(domain="para-borrar.localhost").exists()


def test_operators_admin_lists_companies_on_the_root_domain_only(db, alfa):
    from tests.conftest import host_client
    from tests.otp import operator_with_device, totp_code

    device = operator_with_device("operador@plataforma.test", "opera123")
    client = host_client()
    client.post("/admin/login/", {"username": "operador@plataforma.test", "password": "opera123",
                                  "otp_token": totp_code(device)})

    listing = client.get("/admin/tenants/company/")

    assert listing.status_code == 200
    assert "Alfa" in listing.content.decode()
    assert host_client(alfa).get("/admin/").status_code == 404
