"""Private pages and files are never stored by a cache (`Cache-Control: private, no-store`);
public pages stay cacheable."""

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.erp.services import api_key_create
from portal_core.models import PurchaseInvoice, SalesInvoice, SupplierPayment
from tenants.security import PrivateCacheMiddleware
from tests.billing_views import conftest as billing
from tests.billing_views.conftest import doc_id
from tests.conftest import host_client
from tests.otp import operator_with_device, totp_code

# The billing tests' book of documents and their login helper, for this file's fixtures.
book, login = billing.book, billing.login

PRIVATE = "private, no-store"


def private(response) -> bool:
    """Ours (`private, no-store`), or Django's never_cache header, which says as much and more."""
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives

CUSTOMER_PAGES = ["/", "/facturas/", "/facturas/?relacionado=on", "/cuenta-corriente/", "/pedidos/", "/mi-cuenta/",
                  "/cuenta-corriente/?formato=csv", "/cuenta-corriente/?formato=xlsx"]
SUPPLIER_PAGES = ["/", "/compras/", "/cuenta-corriente-proveedor/", "/retiro-de-pagos/", "/mi-cuenta/"]
ADMIN_PAGES = [
    "/", "/administrador/activaciones/", "/administrador/activaciones/cargar/", "/administrador/email/",
    "/administrador/empresa/", "/integracion-erp/", "/administrador/actividad/",
    "/administrador/actividad/?formato=csv", "/administrador/cuentas-corrientes/",
    "/administrador/cuentas-corrientes/proveedores/", "/administrador/cuentas-corrientes/?formato=csv",
    "/administrador/cuentas-corrientes/?formato=xlsx", "/administrador/ventas/",
    "/administrador/ventas/?formato=ranking", "/administrador/perfil/", "/mi-cuenta/",
]


@pytest.mark.parametrize(("email", "paths"), [
    ("cliente@alfa.test", CUSTOMER_PAGES), ("proveedor@alfa.test", SUPPLIER_PAGES), ("admin@alfa.test", ADMIN_PAGES),
])
def test_every_section_of_a_logged_in_account_is_private(book, login, email, paths):
    client = login(book, email)

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert private(response), (path, response.get("Cache-Control"))


def test_document_pdfs_are_private(book, login):
    customer = login(book, "cliente@alfa.test")
    supplier = login(book, "proveedor@alfa.test")
    payment_id = doc_id(book, SupplierPayment, "OP1")
    certificate_id = supplier.get("/retiro-de-pagos/").context["page"].object_list[0].certificates.get().id

    downloads = [
        customer.get(f"/facturas/{doc_id(book, SalesInvoice, 'F1')}/pdf/"),
        supplier.get(f"/compras/{doc_id(book, PurchaseInvoice, 'P1')}/pdf/"),
        supplier.get(f"/retiro-de-pagos/{payment_id}/certificados/{certificate_id}/pdf/"),
    ]

    for response in downloads:
        assert response["Content-Type"] == "application/pdf"
        assert private(response), response.get("Cache-Control")


def test_the_profile_image_is_private_to_a_logged_in_account_and_public_otherwise(book, login, tmp_path):
    picture = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (20, 160, 90)).save(picture)
    admin = login(book, "admin@alfa.test")
    with picture.open("rb") as upload:
        assert admin.post("/administrador/perfil/imagen/", {"imagen": upload}).status_code == 302

    signed_in = admin.get("/perfil/imagen/")
    anonymous = host_client(book).get("/perfil/imagen/")

    assert signed_in.status_code == anonymous.status_code == 200
    assert signed_in["Cache-Control"] == PRIVATE
    assert anonymous["Cache-Control"] == "public, max-age=300"


def test_an_api_call_with_a_key_is_private(alfa):
    with tenant_context(alfa):
        _, secret = api_key_create(name="ERP de prueba")

    with_key = host_client(alfa, HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/sync-status/")
    wrong_key = host_client(alfa, HTTP_AUTHORIZATION="Bearer otra").get("/api/v1/sync-status/")

    assert with_key.status_code == 200 and with_key["Cache-Control"] == PRIVATE
    assert wrong_key.status_code == 401 and wrong_key["Cache-Control"] == PRIVATE


def test_the_operators_admin_is_private(db):
    device = operator_with_device("operador@plataforma.test", "opera12345678")
    client = host_client()
    client.post("/admin/login/", {"username": "operador@plataforma.test", "password": "opera12345678",
                                  "otp_token": totp_code(device)})

    for path in ("/admin/", "/admin/tenants/company/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert private(response), (path, response.get("Cache-Control"))


def test_the_login_page_keeps_djangos_never_cache(alfa):
    response = host_client(alfa).get("/ingresar/")

    assert "max-age=0" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/docs/?script=", "/perfil/imagen/"])
def test_public_portal_responses_are_not_marked_no_store(alfa, path):
    response = host_client(alfa).get(path)

    assert response.status_code in (200, 404)
    assert "no-store" not in response.get("Cache-Control", "")


def test_crear_portal_and_static_files_stay_cacheable(public_client):
    page = public_client.get("/")
    stylesheet = public_client.get("/static/css/portal.css")

    assert page.status_code == 200 and "no-store" not in page.get("Cache-Control", "")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.get("Cache-Control", "")


def test_an_anonymous_request_never_loads_the_user_or_the_session(rf):
    def unreachable():
        raise AssertionError("the user was loaded")

    request = rf.get("/")
    request.session = SessionStore()
    request.user = SimpleLazyObject(unreachable)
    response = PrivateCacheMiddleware(lambda request: HttpResponse("hola"))(request)

    assert "Cache-Control" not in response
    assert not request.session.accessed


def test_an_attachment_is_private_even_without_a_login(rf):
    request = rf.get("/")
    request.session = SessionStore()

    def attachment(request):
        response = HttpResponse(b"a;b", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="saldos.csv"'
        response["Cache-Control"] = "public, max-age=600"
        return response

    assert PrivateCacheMiddleware(attachment)(request)["Cache-Control"] == "private, no-store"
