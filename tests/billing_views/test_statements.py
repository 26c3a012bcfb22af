"""*Descargar resumen*: a current account's statement of a period, as PDF and XLSX, against a
hand-made ledger whose every figure is worked out below."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context
from openpyxl import load_workbook
from pypdf import PdfReader

from billing_views import statements
from billing_views.errors import BillingError
from portal_core.accounts.services import party_account_create
from portal_core.company.services import portal_settings_update
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import AuditEvent, Customer, CustomerAccountEntry, Supplier
from tests.conftest import PASSWORD, host_client

from .conftest import TODAY, document

END = TODAY - timedelta(days=10)  # the period's last day
START = END - timedelta(days=50)
PERIOD = {"desde": START.isoformat(), "hasta": END.isoformat()}


def on(offset: int) -> str:
    return (END + timedelta(days=offset)).isoformat()


def movement(external_id, *, amount, date_offset, due_offset=None, number=None, invoice=None):
    return {"external_id": external_id, "customer": "C9", "invoice": invoice, "doc_type": "FA" if number else "",
            "letter": "A" if number else "", "point_of_sale": 3 if number else None, "number": number,
            "description": "" if number else "Recibo", "date": on(date_offset),
            "due_date": on(due_offset) if due_offset is not None else None, "amount": amount,
            "open_balance": "0.00"}  # the ERP's open balance today: the statement rebuilds its own


# Before the period: A 1.000 (due 150 days before its end), receipt B -300 -> opening 700.
# In it, by date: H 300 (due 75 days before the end), C 400 (35 days), D 250 (5 days), receipt
# E -200, F 600 (due after the end); V 5.000 belongs to a voided invoice and counts nowhere;
# I 999 is after the period. Closing 700 + 300 + 400 + 250 - 200 + 600 = 2.050, the newest debits
# making it up: F 600 not due, D 250 1-30, C 400 31-60, H 300 61-90, and 500 of A, over 90.
LEDGER = [
    movement("A", amount="1000.00", date_offset=-200, due_offset=-150, number=901),
    movement("B", amount="-300.00", date_offset=-100),
    movement("H", amount="300.00", date_offset=-48, due_offset=-75, number=902),
    movement("C", amount="400.00", date_offset=-45, due_offset=-35, number=903),
    movement("V", amount="5000.00", date_offset=-40, due_offset=-30, number=999, invoice="FV"),
    movement("D", amount="250.00", date_offset=-20, due_offset=-5, number=904),
    movement("E", amount="-200.00", date_offset=-15),
    movement("F", amount="600.00", date_offset=-5, due_offset=10, number=905),
    movement("I", amount="999.00", date_offset=3, due_offset=30, number=906),
]
RUNNING = [Decimal(value) for value in ("1000.00", "1400.00", "1650.00", "1450.00", "2050.00")]
AGING = {"not_due": Decimal("600.00"), "days_1_30": Decimal("250.00"), "days_31_60": Decimal("400.00"),
         "days_61_90": Decimal("300.00"), "days_90_plus": Decimal("500.00"), "in_favour": Decimal(0)}


@pytest.fixture
def ledger(book):
    with tenant_context(book):
        batch_upsert(resource="customers", items=[{"external_id": "C9", "business_name": "Cliente Resumen S.A.",
                                                   "tax_id": "30712345671"}])
        batch_upsert(resource="sales-invoices", items=[
            document("FV", "customer", "C9", 999, total="5000.00", issued=-50, voided=True)])
        batch_upsert(resource="customer-account-entries", items=LEDGER)
        party_account_create(email="resumen@alfa.test", password=PASSWORD,
                             customer=Customer.objects.get(external_id="C9"))
    return book


def _customer(company, external_id="C9"):
    with tenant_context(company):
        return Customer.objects.get(external_id=external_id)


def _exports(company) -> list:
    with tenant_context(company):
        return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).values_list("target", "detail"))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The figures ---------------------------------------------------------------------------


def test_statement_figures_opening_running_closing_and_aging(ledger):
    with tenant_context(ledger):
        request = statements.StatementRequest(party=Customer.objects.get(external_id="C9"), date_from=START,
                                              date_to=END)
        statement = statements.statement_read(request)
        lines = list(statements.statement_lines(statement))

    assert statement.opening == Decimal("700.00")
    assert statement.closing == Decimal("2050.00")
    assert (statement.debits, statement.credits, statement.count) == (Decimal("1550.00"), Decimal("200.00"), 5)
    assert [line.entry.external_id for line in lines] == ["H", "C", "D", "E", "F"]
    assert [line.balance for line in lines] == RUNNING
    assert [(line.debit, line.credit) for line in lines][3] == (None, Decimal("200.00"))
    assert statement.aging == AGING
    assert sum(statement.aging[bucket] for bucket in statements.BUCKETS) == statement.closing


def test_a_balance_in_the_partys_favour_has_no_aging(ledger):
    with tenant_context(ledger):
        batch_upsert(resource="customer-account-entries", items=[
            movement("Z", amount="-3000.00", date_offset=-1)])
        request = statements.StatementRequest(party=Customer.objects.get(external_id="C9"), date_from=START,
                                              date_to=END)
        statement = statements.statement_read(request)

    assert statement.closing == Decimal("-950.00")
    assert statement.aging == {**dict.fromkeys(statements.BUCKETS, Decimal(0)), "in_favour": Decimal("950.00")}


def test_a_suppliers_amounts_owed_to_it_are_credits(book):
    with tenant_context(book):
        supplier = Supplier.objects.get(external_id="S1")
        statement = statements.statement_read(statements.StatementRequest(
            party=supplier, date_from=TODAY - timedelta(days=30), date_to=TODAY))
        lines = list(statements.statement_lines(statement))

    assert (statement.opening, statement.closing) == (0, Decimal("605.00"))
    assert [(line.debit, line.credit, line.balance) for line in lines] == [(None, Decimal("605.00"),
                                                                            Decimal("605.00"))]
    assert statement.aging["days_90_plus"] == Decimal("605.00")  # due 100 days ago


def test_the_customers_checks_add_related_and_associated_movements(book):
    with tenant_context(book):
        customer = Customer.objects.get(external_id="C1")
        period = {"party": customer, "date_from": TODAY - timedelta(days=200), "date_to": TODAY}
        own = statements.statement_read(statements.StatementRequest(**period))
        group = statements.statement_read(statements.StatementRequest(**period, related=True, associated=True))

    assert own.closing == Decimal("1210.00") + Decimal("500.00") + Decimal("400.00") - Decimal("800.00")
    assert group.closing == own.closing + Decimal("5000.00") + Decimal("3333.00")  # C2's, and F5's on C4


# --- The files -----------------------------------------------------------------------------


def test_customer_downloads_the_pdf_of_the_period(ledger, login):
    client = login(ledger, "resumen@alfa.test")

    response = client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "RESUMEN DE CUENTA" in text and "Cliente Resumen S.A." in text
    assert f"{START:%d/%m/%Y} al {END:%d/%m/%Y}" in text
    assert "Saldo anterior" in text and "$ 700,00" in text and "$ 2.050,00" in text
    for amount in ("$ 1.400,00", "$ 1.650,00", "$ 1.450,00", "$ 1.550,00", "$ 500,00", "$ 250,00"):
        assert amount in text
    assert "A 0003-00000903" in text and "0003-00000999" not in text and "0003-00000906" not in text
    assert "5.000,00" not in text and "999,00" not in text
    assert "Más de 90 días vencido" in text
    assert _exports(ledger) == [("Cliente Resumen S.A.", {"what": "customer_statement", "format": "pdf",
                                                          "desde": START.isoformat(), "hasta": END.isoformat()})]


def test_customer_downloads_the_xlsx_with_real_dates_and_numbers(ledger, login):
    response = login(ledger, "resumen@alfa.test").get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    header = rows.index(["Fecha", "Comprobante", "Vencimiento", "Debe", "Haber", "Saldo"])
    opening, *movements = rows[header + 1:header + 7]
    assert opening[1] == "Saldo anterior" and opening[5] == 700
    assert movements[0][0] == datetime.combine(END - timedelta(days=48), datetime.min.time())
    assert movements[0][1] == "Factura A 0003-00000902"
    assert [row[5] for row in movements] == [float(value) for value in RUNNING]
    assert movements[3][3:5] == [None, 200]
    assert rows[header + 7][0] == "Totales del período" and rows[header + 7][3:6] == [1550, 200, 2050]
    assert [600, 250, 400, 300, 500, None] in rows  # rows read back as wide as the widest
    assert _exports(ledger)[0][1]["format"] == "xlsx"


def test_statement_file_makes_the_bytes_without_a_request(ledger):
    with tenant_context(ledger):
        customer = Customer.objects.get(external_id="C9")
        made = statements.statement_file(party=customer, date_from=START, date_to=END, file_format="pdf",
                                         company=ledger)
        sheet = statements.statement_file(party=customer, date_from=START, date_to=END, file_format="xlsx",
                                          company=ledger)

    assert made.content_type == "application/pdf" and made.filename.endswith(".pdf")
    assert "$ 2.050,00" in _pdf_text(made.content)
    assert load_workbook(io.BytesIO(sheet.content)).active["A1"].value == "Resumen de cuenta"


def test_the_form_starts_with_the_current_month_and_the_ledger_links_to_it(ledger, login):
    client = login(ledger, "resumen@alfa.test")

    page = client.get("/cuenta-corriente/resumen/")
    ledger_page = client.get("/cuenta-corriente/").content.decode()

    assert page.status_code == 200
    assert page.context["form"]["desde"].value() == TODAY.replace(day=1)
    assert page.context["form"]["hasta"].value() == TODAY
    assert "Incluir cuentas relacionadas" in page.content.decode()
    assert 'href="/cuenta-corriente/resumen/"' in ledger_page
    assert _exports(ledger) == []


def test_supplier_downloads_its_statement_without_the_customer_checks(book, login):
    client = login(book, "proveedor@alfa.test")

    form = client.get("/cuenta-corriente-proveedor/resumen/").content.decode()
    response = client.get("/cuenta-corriente-proveedor/resumen/", {
        "desde": (TODAY - timedelta(days=30)).isoformat(), "hasta": TODAY.isoformat(), "formato": "pdf",
        "relacionado": "on"})

    assert "Incluir cuentas relacionadas" not in form
    text = _pdf_text(response.content)
    assert "Molinos Güemes S.A." in text and "Cuenta corriente proveedores" in text and "$ 605,00" in text
    assert "Otro Proveedor" not in text and "888,00" not in text
    assert _exports(book)[0] == ("Molinos Güemes S.A.", {"what": "supplier_statement", "format": "pdf",
                                                         "desde": (TODAY - timedelta(days=30)).isoformat(),
                                                         "hasta": TODAY.isoformat()})


# --- Bad periods ---------------------------------------------------------------------------

BAD = [
    ({"desde": END.isoformat(), "hasta": START.isoformat()}, "«Hasta» debe ser posterior a «Desde»."),
    ({"desde": "2019-01-01", "hasta": TODAY.isoformat()}, "El período no puede superar los 5 años."),
    ({"desde": START.isoformat(), "hasta": (TODAY + timedelta(days=1)).isoformat()},
     "«Hasta» no puede ser posterior a hoy."),
    ({"desde": "31/02/2026", "hasta": END.isoformat()}, "Fecha inválida: use dd/mm/aaaa."),
    ({"desde": "", "hasta": END.isoformat()}, "Ingrese la fecha desde."),
]


@pytest.mark.parametrize(("period", "message"), BAD)
def test_a_bad_period_says_why_in_spanish_and_makes_nothing(ledger, login, period, message):
    response = login(ledger, "resumen@alfa.test").get("/cuenta-corriente/resumen/", {**period, "formato": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert _exports(ledger) == []


def test_an_unknown_format_is_refused_in_spanish(ledger, login):
    response = login(ledger, "resumen@alfa.test").get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "docx"})

    assert "Elija PDF o Excel." in response.content.decode()
    assert _exports(ledger) == []


def test_five_years_exactly_is_allowed():
    statements.period_check(date_from=date(2021, 1, 1), date_to=date(2025, 12, 31), today=date(2026, 1, 1))
    with pytest.raises(BillingError) as refused:
        statements.period_check(date_from=date(2020, 12, 31), date_to=date(2026, 1, 1), today=date(2026, 1, 1))
    assert refused.value.code == BillingError.STATEMENT_PERIOD_TOO_LONG


# --- Large accounts ------------------------------------------------------------------------


@override_settings(STATEMENT_PDF_MAX_MOVEMENTS=4)
def test_a_pdf_over_the_limit_is_refused_and_the_xlsx_still_works(ledger, login):
    client = login(ledger, "resumen@alfa.test")

    refused = client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"})
    sheet = client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "xlsx"})

    assert refused["Content-Type"].startswith("text/html")
    assert ("El período tiene 5 movimientos y el PDF admite hasta 4. Elija un período más corto o descargue el "
            "resumen en Excel.") in refused.content.decode()
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [detail["format"] for _, detail in _exports(ledger)] == ["xlsx"]


def test_ten_thousand_movements_come_out_as_xlsx(ledger):
    with tenant_context(ledger):
        customer = Customer.objects.get(external_id="C9")
        CustomerAccountEntry.objects.bulk_create(
            CustomerAccountEntry(external_id=f"BIG{n}", content_hash="", customer=customer, number=10_000 + n,
                                 doc_type="FA", letter="A", point_of_sale=7, date=START + timedelta(days=n % 50),
                                 due_date=END + timedelta(days=5), amount=Decimal("1.00"), open_balance=0)
            for n in range(10_000))
        made = statements.statement_file(party=customer, date_from=START, date_to=END, file_format="xlsx",
                                         company=ledger)
        with pytest.raises(BillingError) as refused:
            statements.statement_file(party=customer, date_from=START, date_to=END, file_format="pdf",
                                      company=ledger)

    rows = list(load_workbook(io.BytesIO(made.content), read_only=True).active.iter_rows(values_only=True))
    totals = next(row for row in rows if row and row[0] == "Totales del período")
    assert totals[3:6] == (11_550, 200, 12_050)
    assert sum(1 for row in rows if len(row) > 1 and row[1] and str(row[1]).startswith("Factura A 0007-")) == 10_000
    assert "10.005 movimientos" in refused.value.message


# --- Who may ---------------------------------------------------------------------------------


def test_another_customer_gets_its_own_statement_whatever_it_sends(ledger, login):
    client = login(ledger, "ajeno@alfa.test")
    c9 = _customer(ledger).id

    response = client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf", "customer": c9, "party": c9,
                                                         "cliente": c9, "relacionado": "on", "asociado": "on"})

    text = _pdf_text(response.content)
    assert "Ajeno S.A." in text and "Cliente Resumen" not in text and "2.050,00" not in text
    assert client.get(f"/cuenta-corriente/resumen/{c9}/").status_code == 404


def test_the_other_roles_and_strangers_get_nothing(ledger, beta, login):
    supplier = login(ledger, "proveedor@alfa.test")
    customer = login(ledger, "resumen@alfa.test")

    assert supplier.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"}).status_code == 404
    assert customer.get("/cuenta-corriente-proveedor/resumen/", {**PERIOD, "formato": "pdf"}).status_code == 404
    anonymous = host_client(ledger).get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"})
    assert anonymous.status_code == 302 and "/ingresar/" in anonymous["Location"]
    # The session belongs to alfa's host: on beta's it is nobody's.
    customer.defaults["HTTP_HOST"] = beta.hostname
    elsewhere = customer.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"})
    assert elsewhere.status_code == 302 and "/ingresar/" in elsewhere["Location"]
    assert _exports(ledger) == []


def test_the_ledger_switched_off_hides_the_statement(ledger, login):
    client = login(ledger, "resumen@alfa.test")
    with tenant_context(ledger):
        portal_settings_update(changes={"customer_ledger": False})

    assert client.get("/cuenta-corriente/resumen/").status_code == 404
    assert client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "xlsx"}).status_code == 404
    assert _exports(ledger) == []


def test_without_balances_the_statement_lists_movements_only(ledger, login):
    client = login(ledger, "resumen@alfa.test")
    with tenant_context(ledger):
        portal_settings_update(changes={"customer_balances": False})

    text = _pdf_text(client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"}).content)
    sheet = client.get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "xlsx"}).content
    rows = [list(row) for row in load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True)]

    assert "A 0003-00000903" in text and "$ 400,00" in text
    for hidden in ("Saldo anterior", "$ 700,00", "$ 2.050,00", "Antigüedad", "vencido"):
        assert hidden not in text
    assert ["Fecha", "Comprobante", "Vencimiento", "Debe", "Haber", None] in rows  # as wide as the widest row
    assert not any(cell in (700, 2050, "Saldo anterior", "Saldo") for row in rows for cell in row)


def test_erp_text_is_text_in_the_pdf(ledger, login):
    with tenant_context(ledger):
        Customer.objects.filter(external_id="C9").update(
            business_name='<img src="http://127.0.0.1:9/x.png"> Pérez & Cía <b>S.A.</b>')

    response = login(ledger, "resumen@alfa.test").get("/cuenta-corriente/resumen/", {**PERIOD, "formato": "pdf"})

    assert '<img src="http://127.0.0.1:9/x.png"> Pérez & Cía <b>S.A.</b>' in _pdf_text(response.content)


def test_a_period_ending_today_ages_the_erps_open_balances_as_the_ledger_page(book, login):
    client = login(book, "cliente@alfa.test")
    summary = client.get("/cuenta-corriente/").context["summary"]

    with tenant_context(book):
        statement = statements.statement_read(statements.StatementRequest(
            party=Customer.objects.get(external_id="C1"), date_from=TODAY.replace(day=1), date_to=TODAY))
    text = _pdf_text(client.get("/cuenta-corriente/resumen/", {
        "desde": (TODAY - timedelta(days=200)).isoformat(), "hasta": TODAY.isoformat(), "formato": "pdf"}).content)

    assert statement.aging_from_erp
    assert statement.aging == {"not_due": summary["not_due"], "days_1_30": summary["days_0_30"],
                               "days_31_60": summary["days_31_60"], "days_61_90": summary["days_61_90"],
                               "days_90_plus": summary["days_90_plus"], "in_favour": summary["in_favour"]}
    assert statement.aging["days_1_30"] == Decimal("1000.00") and statement.aging["in_favour"] == Decimal("300.00")
    assert "Según el saldo pendiente de cada comprobante" in text


def test_a_past_period_says_its_aging_is_rebuilt(ledger, login):
    text = _pdf_text(login(ledger, "resumen@alfa.test").get("/cuenta-corriente/resumen/",
                                                            {**PERIOD, "formato": "pdf"}).content)

    assert "Estimada imputando los pagos" in text


# --- The portal admin ------------------------------------------------------------------------


def test_the_admin_downloads_any_partys_statement_from_its_ledger(ledger, login):
    admin = login(ledger, "admin@alfa.test")
    c9 = _customer(ledger).id
    with tenant_context(ledger):
        portal_settings_update(changes={"customer_balances": False})  # hidden from customers, not from the admin

    page = admin.get(f"/administrador/cuentas-corrientes/clientes/{c9}/").content.decode()
    response = admin.get(f"/administrador/cuentas-corrientes/clientes/{c9}/resumen/", {**PERIOD, "formato": "pdf"})

    assert f'href="/administrador/cuentas-corrientes/clientes/{c9}/resumen/"' in page
    assert "Cliente Resumen S.A." in _pdf_text(response.content) and "$ 2.050,00" in _pdf_text(response.content)
    assert _exports(ledger) == [("Cliente Resumen S.A.", {"what": "admin_party_statement", "format": "pdf",
                                                          "desde": START.isoformat(), "hasta": END.isoformat()})]


def test_the_admin_statement_refuses_parties_and_tabs_that_do_not_exist_and_non_admins(ledger, login):
    admin = login(ledger, "admin@alfa.test")
    c9 = _customer(ledger).id

    assert admin.get(f"/administrador/cuentas-corrientes/clientes/{c9 + 1000}/resumen/").status_code == 404
    assert admin.get(f"/administrador/cuentas-corrientes/otros/{c9}/resumen/").status_code == 404
    assert login(ledger, "resumen@alfa.test").get(
        f"/administrador/cuentas-corrientes/clientes/{c9}/resumen/", {**PERIOD, "formato": "pdf"}).status_code == 404
    assert _exports(ledger) == []
