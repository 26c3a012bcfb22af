"""portal_core.exports, the one writer of every CSV and XLSX: formula-safe text, streamed CSV,
XLSX, and one answer to the `formato` a request asks for on every export URL."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import RequestFactory
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from billing_views.sheets import csv_cell
from portal_core.exports import (
    FORMULA_STARTS,
    csv_response,
    export_response,
    requested_format,
    safe_text,
    xlsx_response,
)
from portal_core.models import AuditEvent, Customer, Supplier
from tests.billing_views import conftest as billing
from tests.billing_views.conftest import streamed

# The billing tests' book of documents and their login helper, for the export URLs below.
book, login = billing.book, billing.login

# --- safe_text -----------------------------------------------------------------------------


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_safe_text_makes_a_formula_start_text(start):
    assert safe_text(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


@pytest.mark.parametrize("value", ["", "Plain S.A.", "30-71234567-1", "'=already text"])
def test_safe_text_leaves_anything_else_as_it_is(value):
    assert safe_text(value) == value


# --- requested_format ----------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [({}, None), ({"formato": ""}, None), ({"formato": "csv"}, "csv"),
                                                 ({"formato": "xlsx"}, "xlsx")])
def test_requested_format_is_none_for_the_page_or_an_offered_format(query, expected):
    assert requested_format(RequestFactory().get("/", query)) == expected


@pytest.mark.parametrize("value", ["pdf", "CSV", "ranking", " csv"])
def test_requested_format_is_404_for_anything_not_offered(value):
    with pytest.raises(Http404):
        requested_format(RequestFactory().get("/", {"formato": value}))


def test_requested_format_offers_what_the_page_says():
    request = RequestFactory().get("/", {"formato": "ranking"})

    assert requested_format(request, offered=("ranking", "articulos")) == "ranking"
    with pytest.raises(Http404):
        requested_format(RequestFactory().get("/", {"formato": "csv"}), offered=("ranking", "articulos"))


# --- csv_response --------------------------------------------------------------------------


def test_csv_is_streamed_with_a_bom_semicolons_and_its_filename():
    # given
    read = []

    def rows():
        for n in (1, 2):
            read.append(n)
            yield [n, f"fila {n}", "1,50"]

    # when
    response = csv_response(rows(), header=["N", "Texto", "Importe"], filename="prueba")

    # then: nothing is read until the response is sent
    assert read == []
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="prueba.csv"'
    assert streamed(response).decode() == "\ufeffN;Texto;Importe\r\n1;fila 1;1,50\r\n2;fila 2;1,50\r\n"
    assert read == [1, 2]


def test_csv_quotes_cells_with_the_separator_or_quotes():
    response = csv_response([['Uno; "dos"']], header=["Texto"], filename="prueba")

    text = streamed(response).decode().removeprefix("\ufeff")

    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [["Texto"], ['Uno; "dos"']]


# --- xlsx_response -------------------------------------------------------------------------


def test_xlsx_keeps_numbers_and_dates_and_writes_safe_text_as_text():
    response = xlsx_response([[date(2026, 3, 1), Decimal("-300.50"), safe_text("=HYPERLINK(1)")]],
                             header=["Fecha", "Importe", "Nombre"], filename="prueba", sheet="Hoja")

    workbook = load_workbook(io.BytesIO(response.content))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="prueba.xlsx"'
    assert workbook.sheetnames == ["Hoja"]
    cells = [list(row) for row in workbook["Hoja"].iter_rows()]
    assert [cell.value for cell in cells[0]] == ["Fecha", "Importe", "Nombre"]
    assert cells[1][0].value.date() == date(2026, 3, 1)
    assert cells[1][1].value == -300.5
    assert (cells[1][2].value, cells[1][2].data_type) == ("'=HYPERLINK(1)", "s")


# --- export_response -----------------------------------------------------------------------


def test_export_response_writes_the_same_rows_as_csv_text_or_typed_xlsx():
    rows = [[date(2026, 3, 1), "Plain S.A.", Decimal("-300.5"), None]]
    header = ["Fecha", "Razón social", "Importe", "Vencimiento"]

    as_csv = export_response("csv", rows, header=header, filename="f", sheet="Hoja", csv_cell=csv_cell)
    as_xlsx = export_response("xlsx", rows, header=header, filename="f", sheet="Hoja", csv_cell=csv_cell)

    assert streamed(as_csv).decode().splitlines()[1] == "01/03/2026;Plain S.A.;-300,50;"
    values = list(load_workbook(io.BytesIO(as_xlsx.content))["Hoja"].values)
    assert values[1][1:] == ("Plain S.A.", -300.5, None)


# --- Every export URL answers an unknown format the same ------------------------------------


def _ids(company) -> dict:
    with tenant_context(company):
        return {"customer": Customer.objects.get(external_id="C1").pk,
                "supplier": Supplier.objects.get(external_id="S1").pk}


EXPORT_URLS = [
    ("cliente@alfa.test", "/cuenta-corriente/"),
    ("proveedor@alfa.test", "/cuenta-corriente-proveedor/"),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/"),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/proveedores/"),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/clientes/{customer}/"),
    ("admin@alfa.test", "/administrador/cuentas-corrientes/proveedores/{supplier}/"),
    ("admin@alfa.test", "/administrador/ventas/"),
]


@pytest.mark.parametrize(("who", "path"), EXPORT_URLS)
@pytest.mark.parametrize("value", ["pdf", "json", "CSV"])
def test_an_unknown_format_is_404_on_every_export_url_and_logs_nothing(book, login, who, path, value):
    # given
    client = login(book, who)
    url = path.format(**_ids(book))

    # when
    response = client.get(url, {"formato": value})

    # then
    assert response.status_code == 404
    with tenant_context(book):
        assert not AuditEvent.objects.filter(kind="export").exists()


@pytest.mark.parametrize(("who", "path"), EXPORT_URLS)
def test_an_empty_format_is_the_page_itself(book, login, who, path):
    response = login(book, who).get(path.format(**_ids(book)), {"formato": ""})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
