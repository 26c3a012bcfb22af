"""The portal admin's view: balances, sales ranking, best-selling articles, switches and the
profile image, every figure against a hand computation of the book in conftest."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import CustomerAccountEntry, PortalSettings, SalesInvoice
from tests.billing_views.conftest import TODAY, document, streamed

ADMIN_PAGES = [
    ("get", "/administrador/cuentas-corrientes/"), ("get", "/administrador/cuentas-corrientes/proveedores/"),
    ("get", "/administrador/cuentas-corrientes/clientes/1/"), ("get", "/administrador/ventas/"),
    ("get", "/administrador/perfil/"), ("post", "/administrador/perfil/"), ("post", "/administrador/perfil/imagen/"),
]


@pytest.fixture
def admin(book, login):
    return login(book, "admin@alfa.test")


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
@pytest.mark.parametrize("email", ["cliente@alfa.test", "proveedor@alfa.test"])
def test_customers_and_suppliers_get_404_on_admin_pages_and_change_nothing(book, login, method, path, email):
    client = login(book, email)

    response = getattr(client, method)(path, {"customer_invoices": ""})

    assert response.status_code == 404
    with tenant_context(book):
        assert not PortalSettings.objects.exists()


def test_the_admin_menu(admin):
    html = admin.get("/").content.decode()

    for entry in ("Cuentas corrientes", "Ventas", "Integración ERP", "Perfil", "Editar"):
        assert entry in html
    assert "Facturas de venta" not in html


def _balances(response):
    return {party.external_id: (party.balance, party.movements, party.overdue) for party in response.context["page"]}


def test_customer_balances_at_the_end_date_with_movements_in_the_period(admin):
    # E1..E4 of C1: 1210 (-10 days), 500 (-10), 400 (-100), -800 (-10); overdue today: 1000 + 400
    all_time = _balances(admin.get("/administrador/cuentas-corrientes/"))
    until_50_days_ago = _balances(admin.get("/administrador/cuentas-corrientes/", {
        "hasta": (TODAY.fromordinal(TODAY.toordinal() - 50)).strftime("%d/%m/%Y")}))
    last_30_days = _balances(admin.get("/administrador/cuentas-corrientes/", {
        "desde": (TODAY.fromordinal(TODAY.toordinal() - 30)).strftime("%d/%m/%Y")}))

    assert all_time["C1"] == (Decimal("1310.00"), Decimal("1310.00"), Decimal("1400.00"))
    assert until_50_days_ago["C1"][:2] == (Decimal("400.00"), Decimal("400.00"))
    assert last_30_days["C1"][:2] == (Decimal("1310.00"), Decimal("910.00"))
    assert all_time["C3"] == (Decimal("7777.00"), Decimal("7777.00"), Decimal("7777.00"))


def test_balances_totals_search_sort_and_export(admin):
    response = admin.get("/administrador/cuentas-corrientes/", {"orden": "-saldo"})
    searched = admin.get("/administrador/cuentas-corrientes/", {"buscar": "peñalolén"})
    exported = admin.get("/administrador/cuentas-corrientes/", {"formato": "csv"})

    assert response.context["totals"]["balance"] == Decimal("1310.00") + 5000 + 7777 + 3333
    assert [p.external_id for p in response.context["page"]][:2] == ["C3", "C2"]
    assert {p.external_id for p in searched.context["page"]} == {"C1", "C2"}
    rows = list(csv.reader(io.StringIO(streamed(exported).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Razón social", "CUIT", "Saldo", "Movimientos del período", "Vencido"]
    assert ["Distribuidora Peñalolén S.A.", "30-71234567-1", "1310,00", "1310,00", "1400,00"] in rows


def _ranking(response):
    return [(row["customer__business_name"], row["amount"]) for row in response.context["ranking"]]


@pytest.fixture
def sales_book(book):
    with tenant_context(book):
        batch_upsert(resource="branches", items=[{"external_id": "B1", "name": "Rosario"}])
        batch_upsert(resource="articles", items=[
            {"external_id": "A1", "code": "001", "description": "Harina", "supplier": "S1"},
            {"external_id": "A2", "code": "002", "description": "Yerba", "supplier": "S2"}])
        line = {"description": "x", "unit_price": "1", "amount": "100.00"}
        batch_upsert(resource="sales-invoices", items=[
            document("U1", "customer", "C2", 9001, total="10.00", currency="USD", exchange_rate="1000", issued=-1,
                     branch="B1", lines=[{**line, "article": "A1", "quantity": "5", "amount": "10.00"}]),
            document("U2", "customer", "C1", 9002, total="500.00", issued=-1, branch="B1",
                     lines=[{**line, "article": "A2", "quantity": "7"}]),
            document("U3", "customer", "C1", 9003, total="200.00", issued=-1, doc_type="NC", branch="B1",
                     lines=[{**line, "article": "A2", "quantity": "2"}]),
            document("U4", "customer", "C3", 9004, total="999.00", issued=-1, branch="B1", voided=True,
                     lines=[{**line, "article": "A1", "quantity": "50"}]),
        ])
    return book


def test_ranking_subtracts_credit_notes_ignores_voided_and_converts_dollars(admin, sales_book):
    response = admin.get("/administrador/ventas/")

    # C2: 5000 + 10 USD x 1000; C3: 7777 (its 999 is voided); C4: 3333; C1: 1210 - 242 + 500 - 200
    assert _ranking(response) == [
        ("Peñalolén Logística S.R.L.", Decimal("15000.00")), ("Ajeno S.A.", Decimal("7777.00")),
        ("Titular Asociante S.A.", Decimal("3333.00")), ("Distribuidora Peñalolén S.A.", Decimal("1268.00")),
    ]
    assert '<ol class="bar-chart" aria-label="Ranking de clientes">' in response.content.decode()


def test_ranking_filters_by_branch_and_inclusive_dates(admin, sales_book, book):
    from portal_core.models import Branch

    with tenant_context(book):
        branch = Branch.objects.get(external_id="B1").id
    yesterday = TODAY.fromordinal(TODAY.toordinal() - 1).strftime("%d/%m/%Y")

    by_branch = admin.get("/administrador/ventas/", {"r-sucursal": branch})
    one_day = admin.get("/administrador/ventas/", {"r-desde": yesterday, "r-hasta": yesterday})

    assert _ranking(by_branch) == [("Peñalolén Logística S.R.L.", Decimal("10000.00")),
                                   ("Distribuidora Peñalolén S.A.", Decimal("300.00"))]
    assert _ranking(one_day) == [("Peñalolén Logística S.R.L.", Decimal("10000.00")),
                                 ("Titular Asociante S.A.", Decimal("3333.00")),
                                 ("Distribuidora Peñalolén S.A.", Decimal("300.00"))]


def test_best_selling_articles_by_quantity_amount_and_supplier(admin, sales_book, book):
    from portal_core.models import Supplier

    with tenant_context(book):
        s2 = Supplier.objects.get(external_id="S2").id
    by_quantity = admin.get("/administrador/ventas/").context["articles"]
    by_amount = admin.get("/administrador/ventas/", {"a-por": "importe"}).context["articles"]
    of_s2 = admin.get("/administrador/ventas/", {"a-proveedor": s2}).context["articles"]

    assert [(a["article__code"], a["quantity"], a["amount"]) for a in by_quantity] == [
        ("001", Decimal("5.000"), Decimal("10000.00")), ("002", Decimal("5.000"), Decimal("0.00"))]
    assert [a["article__code"] for a in by_amount] == ["001", "002"]
    assert [a["article__code"] for a in of_s2] == ["002"]


def test_a_rebuild_of_the_daily_sales_shows_in_best_selling_articles_at_once(admin, sales_book):
    from django.core.management import call_command
    from django.db import connection

    assert [a["quantity"] for a in admin.get("/administrador/ventas/").context["articles"]] == [
        Decimal("5.000"), Decimal("5.000")]
    # lines loaded outside the sync (a bulk import): the daily sales know nothing of them
    with tenant_context(sales_book), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_core_salesinvoiceline SET quantity = quantity * 10")

    call_command("sales_aggregates_rebuild", sales_book.slug, stdout=io.StringIO())

    assert [a["quantity"] for a in admin.get("/administrador/ventas/").context["articles"]] == [
        Decimal("50.000"), Decimal("50.000")]


def test_sales_exports(admin, sales_book):
    ranking = streamed(admin.get("/administrador/ventas/", {"formato": "ranking"})).decode("utf-8-sig")
    articles = streamed(admin.get("/administrador/ventas/", {"formato": "articulos"})).decode("utf-8-sig")

    assert ranking.splitlines()[1] == "1;Peñalolén Logística S.R.L.;15000,00"
    assert articles.splitlines()[0] == "Puesto;Código;Artículo;Cantidad;Importe"


def test_switching_a_section_off_hides_it_and_its_urls_404(admin, book, login):
    admin.post("/administrador/perfil/", {name: "on" for name in PortalSettings.SECTIONS
                                          if name != "customer_invoices"} | {"customer_balances": "on"})
    customer = login(book, "cliente@alfa.test")

    assert "Facturas de venta" not in customer.get("/").content.decode()
    assert customer.get("/facturas/").status_code == 404
    assert customer.get("/facturas/1/pdf/").status_code == 404
    assert customer.get("/cuenta-corriente/").status_code == 200


def test_switching_balances_off_hides_them_from_customers(admin, book, login):
    admin.post("/administrador/perfil/", {name: "on" for name in PortalSettings.SECTIONS} | {"supplier_balances": "on"})
    customer = login(book, "cliente@alfa.test")

    html = customer.get("/cuenta-corriente/").content.decode()
    exported = customer.get("/cuenta-corriente/", {"formato": "csv"})

    assert "Saldo pendiente" not in html and "Antigüedad" not in html
    header = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == "Fecha;Razón social;CUIT;Comprobante;Vencimiento;Importe"
    assert "Pendiente" not in customer.get("/facturas/").content.decode()
    supplier_html = login(book, "proveedor@alfa.test").get("/cuenta-corriente-proveedor/").content.decode()
    assert "Saldo pendiente" in supplier_html


def _image(format_name: str, size=(40, 30), **save_args) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=format_name, **save_args)
    buffer.seek(0)
    buffer.name = f"logo.{format_name.lower()}"
    return buffer


@pytest.mark.parametrize("format_name", ["PNG", "JPEG", "WEBP"])
def test_a_png_jpeg_or_webp_becomes_the_portal_image_re_encoded(admin, book, format_name):
    exif = Image.Exif()
    exif[0x010E] = "secreto"
    upload = _image(format_name, exif=exif) if format_name == "JPEG" else _image(format_name)

    response = admin.post("/administrador/perfil/imagen/", {"imagen": upload})

    assert response.status_code == 302
    with tenant_context(book):
        path = PortalSettings.objects.get().profile_image
    with default_storage.open(path, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"\x89PNG") and b"secreto" not in content
    served = admin.get("/perfil/imagen/")
    assert b"".join(served.streaming_content) == content
    assert "/perfil/imagen/?v=" in admin.get("/").content.decode()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "no es una imagen"),
    ("logo.png", b"esto no es una imagen", "no es una imagen"),
    ("logo.gif", None, "no es una imagen"),
    ("grande.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1), "supera los 2 MB"),
])
def test_anything_else_is_refused_with_a_clear_message_and_changes_nothing(admin, book, name, content, message):
    if content is None:
        upload = _image("GIF")
        upload.name = name
    else:
        upload = io.BytesIO(content)
        upload.name = name

    response = admin.post("/administrador/perfil/imagen/", {"imagen": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_context(book):
        assert not PortalSettings.objects.filter(profile_image__gt="").exists()


def test_after_an_upload_only_a_local_next_is_followed(admin):
    outside = admin.post("/administrador/perfil/imagen/", {"imagen": _image("PNG"), "next": "https://malo.example/"})
    inside = admin.post("/administrador/perfil/imagen/", {"imagen": _image("PNG"), "next": "/administrador/ventas/"})

    assert outside["Location"] == "/administrador/perfil/"
    assert inside["Location"] == "/administrador/ventas/"


def test_without_balances_neither_overdue_filter_nor_balance_sort_reveal_them(admin, book, login):
    admin.post("/administrador/perfil/", {name: "on" for name in PortalSettings.SECTIONS} | {"supplier_balances": "on"})
    customer = login(book, "cliente@alfa.test")

    filtered = customer.get("/cuenta-corriente/", {"vencidos": "on", "orden": "-saldo"})

    assert filtered.context["page"].paginator.count == 4  # the overdue filter is ignored
    assert filtered.context["filters"].sort == "-fecha"
    assert "badge danger" not in filtered.content.decode()


def test_balances_export_to_xlsx(admin):
    from openpyxl import load_workbook

    response = admin.get("/administrador/cuentas-corrientes/", {"formato": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("Razón social", "CUIT", "Saldo", "Movimientos del período", "Vencido")
    assert ("Distribuidora Peñalolén S.A.", "30-71234567-1", 1310, 1310, 1400) in rows


def test_exported_text_cannot_run_as_a_formula(admin, book, login):
    with tenant_context(book):
        batch_upsert(resource="customers", items=[{"external_id": "C1", "business_name": '=HYPERLINK("x")',
                                                   "tax_id": "30712345671", "related": ["C2"]}])
    ledger = login(book, "cliente@alfa.test").get("/cuenta-corriente/", {"formato": "csv"})
    balances = admin.get("/administrador/cuentas-corrientes/", {"formato": "csv"})

    assert "'=HYPERLINK" in streamed(ledger).decode("utf-8-sig")
    assert "'=HYPERLINK" in streamed(balances).decode("utf-8-sig")


def test_best_selling_articles_date_edges_are_inclusive(admin, sales_book):
    yesterday = TODAY.fromordinal(TODAY.toordinal() - 1).strftime("%d/%m/%Y")
    today = TODAY.strftime("%d/%m/%Y")

    on_the_day = admin.get("/administrador/ventas/", {"a-desde": yesterday, "a-hasta": yesterday}).context["articles"]
    after_it = admin.get("/administrador/ventas/", {"a-desde": today}).context["articles"]

    assert [a["article__code"] for a in on_the_day] == ["001", "002"]
    assert after_it == []


def test_the_reports_are_kept_until_the_erp_next_syncs_anything(admin, book):
    """Cuentas corrientes and Ventas add up the whole portal: a movement written without a
    batch (as no sync would) stays unseen, and any batch shows it."""
    first = admin.get("/administrador/cuentas-corrientes/")
    first_ranking = _ranking(admin.get("/administrador/ventas/"))
    with tenant_context(book):
        CustomerAccountEntry.objects.filter(external_id="E1").update(amount=Decimal("99999.00"))
        SalesInvoice.objects.filter(voided=False, doc_type="FA").update(total=Decimal("88888.00"))

    kept = admin.get("/administrador/cuentas-corrientes/")
    kept_ranking = _ranking(admin.get("/administrador/ventas/"))
    with tenant_context(book):
        batch_upsert(resource="branches", items=[{"external_id": "B9", "name": "Otra sucursal"}])
    fresh = admin.get("/administrador/cuentas-corrientes/")

    assert kept.context["totals"] == first.context["totals"] and kept_ranking == first_ranking
    assert "99.999,00" not in kept.content.decode() and "1.310,00" in kept.content.decode()
    assert fresh.context["totals"]["balance"] == first.context["totals"]["balance"] - Decimal("1210.00") + 99999
    assert _balances(fresh)["C1"][0] == Decimal("1310.00") - Decimal("1210.00") + 99999
    assert _ranking(admin.get("/administrador/ventas/")) != first_ranking
