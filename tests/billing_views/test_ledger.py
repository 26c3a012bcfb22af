"""The current account (cuenta corriente): one page, one summary and one export for a customer,
a supplier, and the portal admin's drill-down into either, against the book in conftest."""

import csv
import io
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from billing_views.admin_selectors import Period, party_balances
from billing_views.selectors import Filters, ledger_entries, ledger_summary
from portal_core.erp.selectors import sync_version
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import Customer, Supplier
from tests.billing_views.conftest import BOOK, TODAY, entry, streamed


@pytest.fixture
def admin(book, login):
    return login(book, "admin@alfa.test")


def _party_id(company, model, external_id) -> int:
    with tenant_context(company):
        return model.objects.get(external_id=external_id).id


def _rows(response) -> list[int]:
    return [row.id for row in response.context["page"].object_list]


# --- The customer's own --------------------------------------------------------------------


def test_ledger_summary_and_aging_are_exact(book, login):
    response = login(book, "cliente@alfa.test").get("/cuenta-corriente/")

    summary = response.context["summary"]
    assert summary["pending"] == Decimal("1900.00")
    assert summary["in_favour"] == Decimal("300.00")
    assert summary["overdue"] == Decimal("1400.00")
    assert (summary["not_due"], summary["days_0_30"], summary["days_31_60"], summary["days_61_90"],
            summary["days_90_plus"]) == (Decimal("500.00"), Decimal("1000.00"), 0, Decimal("400.00"), 0)
    html = response.content.decode()
    assert "$ 1.900,00" in html and "$ 300,00" in html
    assert html.count('class="overdue"') == 2


def test_ledger_checks_add_related_and_associated_movements(book, login):
    response = login(book, "cliente@alfa.test").get("/cuenta-corriente/", {"relacionado": "on", "asociado": "on"})

    assert response.context["summary"]["pending"] == Decimal("1900.00") + Decimal("5000.00") + Decimal("3333.00")
    assert response.context["page"].paginator.count == 6


def test_ledger_exports_csv_and_xlsx_of_the_filtered_rows(book, login):
    client = login(book, "cliente@alfa.test")

    csv_response = client.get("/cuenta-corriente/", {"formato": "csv", "vencidos": "on"})
    xlsx_response = client.get("/cuenta-corriente/", {"formato": "xlsx"})

    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Fecha", "Razón social", "CUIT", "Comprobante", "Vencimiento", "Importe", "Saldo"]
    assert sorted(row[6] for row in rows[1:]) == ["1000,00", "400,00"]
    assert rows[1][2] == "30-71234567-1"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.values)
    assert len(values) == 5
    assert {row[6] for row in values[1:]} == {1000, 500, 400, -300}


def test_a_voided_invoices_movements_are_hidden_with_it_and_come_back_if_unvoided(book, login):
    client = login(book, "cliente@alfa.test")
    before = client.get("/cuenta-corriente/").context["summary"]["pending"]
    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E9", "customer", "C1", amount="9999.00", balance="9999.00", due=5, invoice="F6", number=1006)])

    hidden = client.get("/cuenta-corriente/")

    assert hidden.context["summary"]["pending"] == before
    assert "A 0003-00001006" not in hidden.content.decode()
    with tenant_context(book):
        f6 = {**next(r for r in BOOK["sales-invoices"] if r["external_id"] == "F6"), "voided": False}
        batch_upsert(resource="sales-invoices", items=[f6])
    assert client.get("/cuenta-corriente/").context["summary"]["pending"] == before + Decimal("9999.00")


# --- The supplier's own --------------------------------------------------------------------


def test_supplier_ledger(book, login):
    response = login(book, "proveedor@alfa.test").get("/cuenta-corriente-proveedor/")

    summary = response.context["summary"]
    assert (summary["pending"], summary["overdue"], summary["days_90_plus"]) == (
        Decimal("605.00"), Decimal("605.00"), Decimal("605.00"))
    assert response.context["page"].paginator.count == 1


def test_a_suppliers_current_account_has_no_relacionado_or_asociado_checks(book, login):
    response = login(book, "proveedor@alfa.test").get("/cuenta-corriente-proveedor/")

    assert set(response.context["form"].fields) == {"desde", "hasta", "razon_social", "numero", "importe_min",
                                                    "importe_max", "orden", "vencidos"}
    html = response.content.decode()
    assert 'name="relacionado"' not in html and 'name="asociado"' not in html


# --- The admin's drill-down ----------------------------------------------------------------


def test_a_partys_row_opens_its_current_account(admin, book):
    with tenant_context(book):
        c1 = Customer.objects.get(external_id="C1").id
    response = admin.get(f"/administrador/cuentas-corrientes/clientes/{c1}/")

    assert response.status_code == 200
    assert response.context["summary"]["pending"] == Decimal("1900.00")
    assert admin.get("/administrador/cuentas-corrientes/clientes/999999/").status_code == 404
    assert admin.get("/administrador/cuentas-corrientes/otros/").status_code == 404


def test_the_admins_supplier_drill_down_has_no_relacionado_or_asociado_checks(admin, book):
    # given
    s1 = _party_id(book, Supplier, "S1")

    # when
    response = admin.get(f"/administrador/cuentas-corrientes/proveedores/{s1}/")

    # then
    assert response.status_code == 200
    assert "relacionado" not in response.context["form"].fields
    assert "asociado" not in response.context["form"].fields
    html = response.content.decode()
    assert 'name="relacionado"' not in html and 'name="asociado"' not in html
    assert 'name="vencidos"' in html


def test_the_admins_customer_drill_down_keeps_the_checks(admin, book):
    c1 = _party_id(book, Customer, "C1")

    response = admin.get(f"/administrador/cuentas-corrientes/clientes/{c1}/", {"relacionado": "on"})

    html = response.content.decode()
    assert 'name="relacionado"' in html and 'name="asociado"' in html
    assert response.context["summary"]["pending"] == Decimal("1900.00") + Decimal("5000.00")


@pytest.mark.parametrize(("email", "own_path", "tab", "model", "external_id"), [
    ("cliente@alfa.test", "/cuenta-corriente/", "clientes", Customer, "C1"),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/", "proveedores", Supplier, "S1"),
])
@pytest.mark.parametrize("query", [{}, {"vencidos": "on", "orden": "importe"}])
def test_the_admin_sees_the_same_current_account_as_its_party(book, login, admin, email, own_path, tab, model,
                                                              external_id, query):
    # given
    party_id = _party_id(book, model, external_id)
    admin_path = f"/administrador/cuentas-corrientes/{tab}/{party_id}/"

    # when
    own = login(book, email).get(own_path, query)
    drill_down = admin.get(admin_path, query)

    # then
    assert drill_down.context["summary"] == own.context["summary"]
    assert _rows(drill_down) == _rows(own)
    assert drill_down.context["filters"] == own.context["filters"]


@pytest.mark.parametrize(("email", "own_path", "tab", "model", "external_id"), [
    ("cliente@alfa.test", "/cuenta-corriente/", "clientes", Customer, "C1"),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/", "proveedores", Supplier, "S1"),
])
def test_the_admin_exports_the_same_current_account_as_its_party(book, login, admin, email, own_path, tab, model,
                                                                 external_id):
    party_id = _party_id(book, model, external_id)

    own = login(book, email).get(own_path, {"formato": "csv"})
    drill_down = admin.get(f"/administrador/cuentas-corrientes/{tab}/{party_id}/", {"formato": "csv"})

    assert streamed(drill_down) == streamed(own)
    assert drill_down["Content-Disposition"] == own["Content-Disposition"]


def test_the_admins_supplier_drill_down_ignores_a_relacionado_in_the_url(admin, book):
    s1 = _party_id(book, Supplier, "S1")

    response = admin.get(f"/administrador/cuentas-corrientes/proveedores/{s1}/", {"relacionado": "on",
                                                                                   "asociado": "on"})

    assert (response.context["filters"].related, response.context["filters"].associated) == (False, False)
    assert response.context["page"].paginator.count == 1


# --- Overdue: one definition for the rows, the filter, the summary and the admin's balances --


@pytest.fixture
def edges(book):
    """C1's book plus a movement due today and one overdue but settled."""
    with tenant_context(book):
        batch_upsert(resource="customer-account-entries", items=[
            entry("E8", "customer", "C1", amount="50.00", balance="50.00", due=0, number=1020),
            entry("E9", "customer", "C1", amount="70.00", balance="0.00", due=-5, number=1021)])
    return book


def test_a_movement_is_overdue_when_still_owed_and_due_before_today(edges):
    with tenant_context(edges):
        c1 = Customer.objects.get(external_id="C1")

        rows = ledger_entries(party=c1, filters=Filters(), today=TODAY)

        assert {row.external_id: row.is_overdue for row in rows} == {
            "E1": True, "E2": False, "E3": True, "E4": False, "E8": False, "E9": False}


def test_rows_filter_summary_and_balances_agree_on_what_is_overdue(edges):
    with tenant_context(edges):
        c1 = Customer.objects.get(external_id="C1")

        flagged = [row for row in ledger_entries(party=c1, filters=Filters(), today=TODAY) if row.is_overdue]
        filtered = list(ledger_entries(party=c1, filters=Filters(extra={"overdue": True}), today=TODAY))
        summary = ledger_summary(party=c1, filters=Filters(), today=TODAY, version=sync_version())
        balances = party_balances(kind="customers", period=Period(None, None), search="", today=TODAY, sort="-saldo")

        assert sorted(row.external_id for row in filtered) == sorted(row.external_id for row in flagged) == ["E1", "E3"]
        assert summary["overdue"] == sum(row.open_balance for row in flagged) == Decimal("1400.00")
        assert balances.get(external_id="C1").overdue == Decimal("1400.00")


def test_the_page_marks_the_overdue_rows_it_computed(edges, login):
    response = login(edges, "cliente@alfa.test").get("/cuenta-corriente/")

    html = response.content.decode()
    assert [row.external_id for row in response.context["page"].object_list if row.is_overdue] == ["E1", "E3"]
    assert html.count('class="overdue"') == 2
    assert html.count('<span class="badge danger">vencido</span>') == 2
