"""ERP_SYNC_MAX_BATCH_ROWS is the one batch limit: the API enforces it, its documentation states
it, and erp_import splits files by it."""

import json
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django_tenants.utils import tenant_context

from portal_core.erp.api.docs import batch_model
from portal_core.models import Branch


@override_settings(ERP_SYNC_MAX_BATCH_ROWS=2500)
def test_the_documented_batch_limit_is_the_setting_written_the_argentine_way():
    items = batch_model("branches").model_json_schema()["properties"]["items"]

    assert items["maxItems"] == 2500
    assert items["description"] == "Hasta 2.500 registros por lote."


@override_settings(ERP_SYNC_MAX_BATCH_ROWS=2)
def test_erp_import_splits_by_the_setting_by_default_and_never_past_it(alfa, tmp_path):
    # given a file of 5 rows and a limit of 2 rows per batch (the sync refuses a larger batch)
    path = tmp_path / "sucursales.json"
    path.write_text(json.dumps([{"external_id": f"S{i}", "name": f"Sucursal {i}"} for i in range(5)]),
                    encoding="utf-8")

    # when it is imported without --batch-size, and again asking for more than the limit
    first = StringIO()
    call_command("erp_import", "alfa", "branches", str(path), stdout=first, stderr=StringIO())
    second = StringIO()
    call_command("erp_import", "alfa", "branches", str(path), "--batch-size", "1000", stdout=second,
                 stderr=StringIO())

    # then both runs went through in batches the sync accepts
    assert "5 nuevos" in first.getvalue()
    assert "5 sin cambios" in second.getvalue()
    with tenant_context(alfa):
        assert Branch.objects.count() == 5
