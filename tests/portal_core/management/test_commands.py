"""Operator commands of a portal's data: seed_demo, erp_import and API keys."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from portal_core.accounts.models import User
from portal_core.erp.sync.errors import SyncError
from portal_core.models import ApiKey, Branch, Customer, Order, SalesInvoice, SupplierPayment


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_demo_builds_a_plausible_company_and_a_replay_changes_nothing(alfa):
    # when
    _run("seed_demo", "alfa", "--with-accounts")

    # then
    with tenant_context(alfa):
        demo = Customer.objects.get(external_id="CLI-00000")
        assert demo.business_name == "Distribuidora Peñalolén S.A."
        assert demo.related.count() == 2
        assert SalesInvoice.objects.filter(customer__in=demo.related.all()).exists()
        assert SalesInvoice.objects.filter(associated_customer=demo).exclude(customer=demo).exists()
        assert SalesInvoice.objects.filter(doc_type="NC").exists()
        assert SalesInvoice.objects.filter(voided=True).exists()
        assert SalesInvoice.objects.filter(currency="USD").exists()
        assert set(SalesInvoice.objects.values_list("letter", flat=True)) >= {"A", "B"}
        assert SalesInvoice.objects.exclude(cae="").count() == SalesInvoice.objects.count()
        assert Order.objects.filter(pending=True).exists() and Order.objects.filter(pending=False).exists()
        assert SupplierPayment.objects.filter(supplier__external_id="PRO-00000", status="ready").count() >= 3
        assert SupplierPayment.objects.filter(certificates__isnull=False).exists()
        assert Branch.objects.count() == 3
        cliente = User.objects.get(email="cliente@demo.test")
        assert cliente.check_password("demo1234") and cliente.link.customer == demo
        assert User.objects.get(email="proveedor@demo.test").link.supplier.external_id == "PRO-00000"
        hashes = dict(SalesInvoice.objects.values_list("external_id", "content_hash"))

    _run("seed_demo", "alfa", "--with-accounts")

    with tenant_context(alfa):
        assert dict(SalesInvoice.objects.values_list("external_id", "content_hash")) == hashes
        assert User.objects.filter(email__endswith="@demo.test").count() == 2


def test_seed_demo_with_pickups_sets_the_pickup_windows_once(alfa):
    from portal_core.models import PickupWindow

    _run("seed_demo", "alfa", "--with-pickups")
    _run("seed_demo", "alfa", "--with-pickups")

    with tenant_context(alfa):
        [window] = PickupWindow.objects.all()
        assert window.weekdays == [0, 1, 2, 3, 4] and window.capacity == 3


def test_erp_import_loads_a_json_file_through_the_sync(alfa, tmp_path):
    path = tmp_path / "clientes.json"
    path.write_text(json.dumps({"items": [
        {"external_id": "C1", "business_name": "Ñandú S.A.", "related": ["C2"]},
        {"external_id": "C2", "business_name": "Güemes S.R.L."},
    ]}), encoding="utf-8")

    out, err = _run("erp_import", "alfa", "customers", str(path))

    assert "2 registros: 2 nuevos, 0 actualizados, 0 sin cambios." in out
    assert "customers" in err  # the progress bar
    with tenant_context(alfa):
        assert Customer.objects.get(external_id="C1").related.get().business_name == "Güemes S.R.L."
        assert Customer.objects.get(external_id="C2").group_ids() == [Customer.objects.get(external_id="C1").id]


def test_erp_import_loads_a_csv_file(alfa, tmp_path):
    path = tmp_path / "clientes.csv"
    path.write_text("external_id,business_name,tax_id,related\nC1,Uno S.A.,30-71234567-1,C2\nC2,Dos S.A.,,\n",
                    encoding="utf-8")

    out, _ = _run("erp_import", "alfa", "customers", str(path))

    assert "2 nuevos" in out
    with tenant_context(alfa):
        assert Customer.objects.get(external_id="C1").tax_id == "30712345671"


def test_erp_import_with_errors_reports_each_row_and_imports_nothing(alfa, tmp_path):
    rows = [{"external_id": f"S{i}", "name": f"Sucursal {i}"} for i in range(5)]
    rows[3] = {"external_id": "S3", "name": ""}
    path = tmp_path / "sucursales.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError, match="no se importó ningún registro"):
        call_command("erp_import", "alfa", "branches", str(path), "--batch-size", "2", stdout=StringIO(), stderr=err)

    assert re.search(r"registro 3\.name: .+ \[string_too_short\]", err.getvalue())
    with tenant_context(alfa):
        assert Branch.objects.count() == 0


def test_erp_import_refuses_csv_for_documents_with_lines(alfa, tmp_path):
    path = tmp_path / "facturas.csv"
    path.write_text("external_id\nF1\n", encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        _run("erp_import", "alfa", "sales-invoices", str(path))

    assert refused.value.__cause__.code == SyncError.CSV_WITH_LINES


def test_api_key_commands_create_list_and_revoke(alfa):
    out, _ = _run("api_key_create", "alfa", "--name", "ERP nocturno")
    secret = out.strip().splitlines()[-1]
    with tenant_context(alfa):
        api_key = ApiKey.objects.get(name="ERP nocturno")
    assert secret.startswith(f"pcp_{api_key.prefix}_")

    listing, _ = _run("api_key_list", "alfa")
    assert api_key.prefix in listing and "activa" in listing and secret not in listing

    _run("api_key_revoke", "alfa", api_key.prefix)
    with tenant_context(alfa):
        assert not ApiKey.objects.get(pk=api_key.pk).is_active

    with pytest.raises(CommandError, match="No existe una clave"):
        _run("api_key_revoke", "alfa", "zzzz")


def test_portal_commands_refuse_an_unknown_portal(db):
    with pytest.raises(CommandError, match="No existe el portal «nadie»"):
        _run("seed_demo", "nadie")
