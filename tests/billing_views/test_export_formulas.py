"""CSV and XLSX exports never hand a spreadsheet a formula: names and descriptions the ERP syncs
(and emails typed into the login) that start with =, +, -, @, tab or CR come out as text
(OWASP "CSV injection": the cell starts with an apostrophe; in XLSX the cell is a string)."""

import csv
import io
import json

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from portal_core.accounts.services import party_account_create
from portal_core.erp.services import api_key_create
from portal_core.exports import FORMULA_STARTS
from portal_core.models import Customer, Supplier
from tests.conftest import PASSWORD, host_client

from .conftest import day, document, entry

MARK = "INYECTADO"
STARTS = ["=", "+", "-", "@", "\t=", "\r="]  # the sync strips leading whitespace: tab and CR lead a formula


def formula(start: str, n: int) -> str:
    return f'{start}HYPERLINK("http://evil.test/?{MARK}{n}";"{MARK}")'


def _batches():
    customers = [{"external_id": f"C{n}", "business_name": formula(start, n)} for n, start in enumerate(STARTS)]
    suppliers = [{"external_id": f"S{n}", "business_name": formula(start, n)} for n, start in enumerate(STARTS)]
    articles = [{"external_id": f"A{n}", "code": f"{start}{MARK}{n}", "description": formula(start, n)}
                for n, start in enumerate(STARTS)]
    invoices = [document(f"F{n}", "customer", f"C{n}", 100 + n, lines=[
        {"article": f"A{n}", "description": formula(start, n), "quantity": "1", "unit_price": "100",
         "amount": "100.00"}]) for n, start in enumerate(STARTS)]
    customer_entries = [entry(f"E{n}", "customer", "C0", amount="10.00", balance="10.00", due=5) | {
        "description": formula(start, n)} for n, start in enumerate(STARTS)]
    supplier_entries = [entry(f"Q{n}", "supplier", "S0", amount="10.00", balance="10.00", due=5) | {
        "description": formula(start, n)} for n, start in enumerate(STARTS)]
    return [("customers", customers), ("suppliers", suppliers), ("articles", articles),
            ("sales-invoices", invoices), ("customer-account-entries", customer_entries),
            ("supplier-account-entries", supplier_entries)]


@pytest.fixture
def hostile_book(alfa):
    """The rows sent as the ERP sends them: through the sync API with a key."""
    with tenant_context(alfa):
        _, secret = api_key_create(name="ERP")
    erp = host_client(alfa, HTTP_AUTHORIZATION=f"Bearer {secret}")
    for resource, items in _batches():
        response = erp.post(f"/api/v1/{resource}/", data=json.dumps({"items": items}),
                            content_type="application/json")
        assert response.status_code == 200, response.json()
    with tenant_context(alfa):
        party_account_create(email="cliente@alfa.test", password=PASSWORD,
                             customer=Customer.objects.get(external_id="C0"))
        party_account_create(email="proveedor@alfa.test", password=PASSWORD,
                             supplier=Supplier.objects.get(external_id="S0"))
        party_id = Customer.objects.get(external_id="C0").pk
    return party_id


def _login(company, email):
    client = host_client(company)
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(response) -> list[str]:
    assert response["Content-Type"].startswith("text/csv")
    text = _body(response).decode("utf-8").removeprefix("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def xlsx_cells(response) -> list[str]:
    workbook = load_workbook(io.BytesIO(_body(response)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def assert_neutralised(cells: list[str], expected: int) -> None:
    hostile = [cell for cell in cells if MARK.lower() in cell.lower()]  # typed emails are lower-cased
    assert len(hostile) >= expected
    assert [cell for cell in hostile if cell.startswith(FORMULA_STARTS)] == []
    assert all(cell.startswith("'") for cell in hostile)


EXPORTS = [
    # (who, path, format, hostile cells expected at least)
    ("cliente@alfa.test", "/cuenta-corriente/?formato=csv", "csv", 1 + len(STARTS)),
    ("cliente@alfa.test", "/cuenta-corriente/?formato=xlsx", "xlsx", 1 + len(STARTS)),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/?formato=csv", "csv", 1 + len(STARTS)),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/?formato=xlsx", "xlsx", 1 + len(STARTS)),
    ("cliente@alfa.test", f"/cuenta-corriente/resumen/?formato=xlsx&desde={day(-30)}&hasta={day(0)}", "xlsx",
     1 + len(STARTS)),
    ("proveedor@alfa.test", f"/cuenta-corriente-proveedor/resumen/?formato=xlsx&desde={day(-30)}&hasta={day(0)}",
     "xlsx", 1 + len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/?formato=csv", "csv", len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/?formato=xlsx", "xlsx", len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/proveedores/?formato=csv", "csv", len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/proveedores/?formato=xlsx", "xlsx", len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/clientes/{party}/?formato=csv", "csv", len(STARTS)),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/clientes/{party}/?formato=xlsx", "xlsx", len(STARTS)),
    ("admin@alfa.test", f"/administrador/ventas/?formato=ranking&r-desde={day(-60)}", "csv", len(STARTS)),
    ("admin@alfa.test", f"/administrador/ventas/?formato=articulos&a-desde={day(-60)}", "csv", 2 * len(STARTS)),
]


@pytest.mark.parametrize(("who", "path", "export_format", "expected"), EXPORTS)
def test_every_export_writes_erp_text_as_text(alfa, hostile_book, who, path, export_format, expected):
    response = _login(alfa, who).get(path.format(party=hostile_book))

    cells = csv_cells(response) if export_format == "csv" else xlsx_cells(response)

    assert_neutralised(cells, expected)


def test_the_activity_log_csv_writes_names_and_typed_emails_as_text(alfa, hostile_book):
    # given exports of hostile parties and failed logins with formulas for an email, in the log
    for email in ("cliente@alfa.test", "proveedor@alfa.test"):
        _login(alfa, email).get("/cuenta-corriente/?formato=csv" if email.startswith("cliente")
                                else "/cuenta-corriente-proveedor/?formato=csv")
    for n, start in enumerate(STARTS):
        host_client(alfa).post("/ingresar/", {"username": f"{start}{MARK}{n}@x.test", "password": "mala"})

    # when
    response = _login(alfa, "admin@alfa.test").get("/administrador/actividad/?formato=csv")

    # then: the two party names, and each typed email (as who and as about whom)
    assert_neutralised(csv_cells(response), 2 + len(STARTS))


def test_only_text_is_touched(alfa, hostile_book):
    """Plain names and amounts come out as they are."""
    with tenant_context(alfa):
        Customer.objects.filter(external_id="C0").update(business_name="Plain S.A.")

    cells = csv_cells(_login(alfa, "cliente@alfa.test").get("/cuenta-corriente/?formato=csv"))

    assert "Plain S.A." in cells
    assert "'Plain S.A." not in cells
    assert "10,00" in cells
