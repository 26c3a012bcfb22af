"""No input answers a 5xx: every form of a portal and of the root site gets generated hostile
values (odd Unicode, NUL bytes, surrogates that UTF-8 cannot encode, huge and negative
numbers, strings up to a million characters, repeated keys, missing fields, garbage files), as
the account allowed to use it. Every answer is a 2xx, 3xx or 4xx; an HTML page that is not a
redirect speaks Spanish; and a request that fails (4xx, or a form shown again with errors),
like any GET, changes no row of the portal.

FORMS lists the forms by URL name; `test_every_view_is_listed` walks both URLconfs so that a new
view cannot be left out without a reason in NOT_FORMS. The hostile values, and the request bodies
that carry them byte for byte, are in hostile.py.
"""

import itertools
import random
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, Phase, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal_core.access.models import token_hash
from portal_core.accounts import two_factor
from portal_core.accounts.services import party_account_create
from portal_core.accounts.tokens import password_reset_tokens
from portal_core.company.services import portal_settings_update
from portal_core.erp.services import api_key_create
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    AccountLink,
    Customer,
    Invitation,
    InvitationBatch,
    OwnerNotice,
    PickupWindow,
    PurchaseInvoice,
    RegistrationRequest,
    SalesInvoice,
    Supplier,
)
from portal_core.notifications.services import unsubscribe_token
from portal_core.questions.services import question_open
from tests.billing_views.conftest import BOOK
from tests.conftest import PASSWORD
from tests.otp import totp_code
from tests.security.hostile import BOUNDARY, FILES, GET_SCALAR, MISSING, POST_SCALAR, multipart, urlencoded

TENANT_URLCONF, PUBLIC_URLCONF = "config.urls_tenant", "config.urls_public"
INVITATION_TOKEN, NOTICE_TOKEN = "invitacion-de-prueba-" + "x" * 20, "aviso-de-prueba-" + "y" * 20


@dataclass(frozen=True)
class Form:
    """A form: its view's URL name, how it is sent, who may use it, and its fields with a few
    plausible values each (mixed with hostile ones, so that one bad field meets good others)."""

    url_name: str
    method: str
    who: str  # anonymous | customer | supplier | admin | two_factor | code_step | reset_step | public
    fields: dict = field(default_factory=dict)
    files: tuple = ()
    kwargs: str = ""  # which ids of the `site` fixture the URL takes
    examples: int = 12


DATES = ("01/02/2026", "2026-02-01", "31/12/2025")
FILTERS = {"desde": DATES, "hasta": DATES, "razon_social": ("Peñalolén",), "numero": ("0003-00001001", "1001"),
           "importe_min": ("1.234,56", "100"), "importe_max": ("1000",), "relacionado": ("on",),
           "asociado": ("on",), "orden": ("-fecha", "importe", "saldo"), "pagina": ("1", "2"),
           "formato": ("csv", "xlsx")}
PASSWORDS = {"password": (PASSWORD, "Nueva2024x"), "password_repeat": (PASSWORD, "Nueva2024x")}
EMAIL_SETTINGS = {"host": ("smtp.example.com",), "port": ("587", "465"), "security": ("starttls", "ssl", "none"),
                  "username": ("avisos",), "password": ("secreto",), "password_clear": ("on",),
                  "from_email": ("avisos@alfa.test",), "from_name": ("Alfa",), "reply_to": ("admin@alfa.test",)}
PERIOD = {"desde": DATES, "hasta": DATES}
PERMISSIONS = ("balances", "downloads", "orders", "payments")
WINDOW = {"weekdays": ("0", "6"), "starts_at": ("09:00",), "ends_at": ("13:00",), "place": ("Av. Corrientes 1234",),
          "slot_minutes": ("30",), "capacity": ("2",)}
QUESTION = {"texto": ("¿Por qué me cobraron el flete?",)}
ANY_FIELD = {"x": ("1",)}  # actions without fields still get junk keys
ACTIONS = 3  # examples for those
HASHING = 6  # forms that hash a password or start slow work (Argon2: a fraction of a second each)

FORMS = [
    # Root domain: Crear Portal, its address preview, the ERP widget, the operators' login.
    Form("portal_create", "POST", "public", {"name": ("Empresa Nueva",), "email": ("nueva@empresa.test",),
                                             **PASSWORDS, "erp_token": ("abc",)}),
    Form("portal_address_preview", "GET", "public", {"nombre": ("Empresa Nueva", "Alfa")}),
    Form("erp_widget", "GET", "public", {"empresa": ("1",), "ts": ("1700000000",), "firma": ("00",)}),
    Form("erp_widget_json", "GET", "public", {"empresa": ("1",), "ts": ("1700000000",), "firma": ("00",)}),
    Form("admin:login", "POST", "public", {"username": ("op@root.test",), "password": (PASSWORD,),
                                           "otp_token": ("123456",), "otp_device": ("otp_totp.totpdevice/1",)},
         examples=HASHING),
    Form("set_language", "POST", "public", {"language": ("es-ar", "en"), "next": ("/", "//evil.test/")},
         examples=8),
    # A portal, anonymous: ways in.
    Form("login", "POST", "anonymous", {"username": ("cliente@alfa.test",), "password": (PASSWORD,)},
         examples=HASHING),
    Form("register", "POST", "anonymous", {"email": ("nuevo@cliente.test",), **PASSWORDS,
                                           "full_name": ("Ana Pérez",), "tax_id": ("30-71234567-1",),
                                           "message": ("Hola",)}, examples=HASHING),
    Form("password_forgot", "POST", "anonymous", {"email": ("cliente@alfa.test",)}),
    Form("owner_notice", "POST", "anonymous", {"message": ("No lo conozco",)}, kwargs="notice"),
    Form("invitation_accept", "POST", "anonymous", PASSWORDS, kwargs="invitation"),
    Form("password_reset", "POST", "reset_step", PASSWORDS, kwargs="reset"),
    Form("login_code", "POST", "code_step", {"code": ("123456", "abcd-efgh")}),
    Form("owner_confirm_resend", "POST", "admin", ANY_FIELD, examples=ACTIONS),
    Form("set_language", "POST", "anonymous", {"language": ("es-ar", "en"), "next": ("/", "//evil.test/")},
         examples=8),
    # Customers and suppliers: the filter bars (GET) and "Descargar todas".
    Form("sales_invoices", "GET", "customer", FILTERS),
    Form("customer_ledger", "GET", "customer", {**FILTERS, "vencidos": ("on",)}),
    Form("customer_statement", "GET", "customer", {**PERIOD, "relacionado": ("on",), "asociado": ("on",),
                                                   "formato": ("pdf", "xlsx")}),
    Form("orders", "GET", "customer", {"pagina": ("1", "2")}, examples=8),
    Form("sales_invoices_zip", "POST", "customer", {"query": ("desde=01/01/2026", "numero=1001")}),
    Form("purchase_invoices", "GET", "supplier", FILTERS),
    Form("supplier_ledger", "GET", "supplier", {**FILTERS, "vencidos": ("on",)}),
    Form("supplier_statement", "GET", "supplier", {**PERIOD, "formato": ("pdf", "xlsx")}),
    Form("supplier_payments", "GET", "supplier", {"pagina": ("1", "2")}, examples=8),
    Form("pickup_schedule", "POST", "supplier", {"slot": ("1-209901011000", "x"), "person_name": ("Ana Pérez",),
                                                 "person_dni": ("30123456", "30.123.456"), "replacing": ("1",)},
         kwargs="payment"),
    Form("pickup_cancel", "POST", "supplier", ANY_FIELD, kwargs="payment", examples=ACTIONS),
    Form("logout", "POST", "customer", ANY_FIELD, examples=ACTIONS),
    # Usuarios de la empresa: the customer's titular invites and manages its colleague.
    Form("colleague_invite", "POST", "customer", {"email": ("colega2@alfa.test", "proveedor@alfa.test"),
                                                  "permissions": PERMISSIONS}, examples=HASHING),
    Form("colleague_permissions", "POST", "customer", {"permissions": PERMISSIONS}, kwargs="colleague"),
    Form("colleague_deactivate", "POST", "customer", ANY_FIELD, kwargs="colleague", examples=ACTIONS),
    Form("colleague_reactivate", "POST", "customer", ANY_FIELD, kwargs="colleague", examples=ACTIONS),
    # Consultas: a new thread on a document, a message on one, closing it; the admin's the same.
    Form("my_questions", "GET", "customer", {"pagina": ("1", "2")}, examples=8),
    Form("customer_question_new", "POST", "customer", QUESTION, files=("adjunto",), kwargs="customer_subject"),
    Form("customer_question", "POST", "customer", QUESTION, files=("adjunto",), kwargs="customer_question"),
    Form("customer_question_close", "POST", "customer", ANY_FIELD, kwargs="customer_question", examples=ACTIONS),
    Form("supplier_question_new", "POST", "supplier", QUESTION, files=("adjunto",), kwargs="supplier_subject"),
    Form("supplier_question", "POST", "supplier", QUESTION, files=("adjunto",), kwargs="supplier_question"),
    Form("supplier_question_close", "POST", "supplier", ANY_FIELD, kwargs="supplier_question", examples=ACTIONS),
    Form("admin_questions", "GET", "admin", {"estado": ("abierta", "cerrada"), "parte": ("clientes",),
                                            "texto": ("flete", "30712345671"), "pagina": ("1", "2")}),
    Form("admin_question", "POST", "admin", QUESTION, files=("adjunto",), kwargs="question"),
    Form("admin_question_close", "POST", "admin", ANY_FIELD, kwargs="question", examples=ACTIONS),
    # Mi cuenta: turning two-factor on, and (with it on) new recovery codes or turning it off.
    Form("two_factor_setup", "POST", "customer", {"code": ("123456",)}),
    Form("recovery_codes_regenerate", "POST", "two_factor", {"codigos-confirmation": (PASSWORD, "123456")},
         examples=HASHING),
    Form("two_factor_disable", "POST", "two_factor", {"desactivar-confirmation": (PASSWORD, "123456")},
         examples=HASHING),
    Form("notification_preferences", "POST", "customer", {kind: ("immediate", "digest", "off") for kind in (
        "new_document", "due_soon", "overdue", "payment_ready")}),
    # The one-click unsubscribe of notification emails (RFC 8058's body; any body unsubscribes).
    Form("notification_unsubscribe", "POST", "anonymous", {"List-Unsubscribe": ("One-Click",)},
         kwargs="unsubscribe"),
    # The portal admin.
    Form("activations", "GET", "admin", {"tipo": ("P", "I", "C"), "estado": ("pending",), "q": ("Peña",),
                                         "pagina": ("1", "2")}),
    Form("activation_parties", "GET", "admin", {"q": ("Peña", "30712345671")}),
    Form("registration_approve", "POST", "admin", {"party": ("c:1", "s:1"), "verificado": ("1",)},
         kwargs="registration"),
    Form("registration_reject", "POST", "admin", ANY_FIELD, kwargs="registration", examples=ACTIONS),
    Form("objection_revoke", "POST", "admin", ANY_FIELD, kwargs="notice_id", examples=ACTIONS),
    Form("objection_dismiss", "POST", "admin", ANY_FIELD, kwargs="notice_id", examples=ACTIONS),
    Form("invitation_resend", "POST", "admin", ANY_FIELD, kwargs="invitation_id", examples=ACTIONS),
    Form("account_activate", "POST", "admin", ANY_FIELD, kwargs="user", examples=ACTIONS),
    Form("account_deactivate", "POST", "admin", ANY_FIELD, kwargs="user", examples=ACTIONS),
    Form("invitations_load", "GET", "admin", {"tipo": ("clientes", "proveedores", "ambos")}, examples=8),
    Form("invitations_send", "POST", "admin", {"tipo": ("clientes", "ambos"), "modo": ("excluir",),
                                               "email": ("cliente@alfa.test",), "excluir": ("x@x.test",)},
         examples=HASHING),
    Form("invitation_batch", "GET", "admin", {"formato": ("json",)}, kwargs="batch", examples=8),
    Form("colleagues_admin", "GET", "admin", {"q": ("colega", "Peña")}, examples=8),
    Form("colleague_revoke", "POST", "admin", ANY_FIELD, kwargs="colleague", examples=ACTIONS),
    Form("email_settings", "POST", "admin", EMAIL_SETTINGS),
    Form("email_test", "POST", "admin", {"to": ("admin@alfa.test",)}),
    Form("outbox_retry", "POST", "admin", ANY_FIELD, kwargs="message", examples=ACTIONS),
    Form("outbox_retry_all", "POST", "admin", ANY_FIELD, examples=ACTIONS),
    Form("company_settings", "POST", "admin", {"trade_name": ("Alfa",), "legal_name": ("Alfa S.A.",),
                                               "tax_id": ("30-71234567-1",), "address": ("Calle 1",)},
         files=("logo",)),
    Form("activity_log", "GET", "admin", {"desde": DATES, "hasta": DATES, "persona": ("admin@alfa.test",),
                                          "tipo": ("login", "export"), "pagina": ("1",), "formato": ("csv",)}),
    Form("api_key_create", "POST", "admin", {"name": ("ERP casa central",)}),
    Form("api_key_revoke", "POST", "admin", ANY_FIELD, kwargs="api_key", examples=ACTIONS),
    Form("admin_balances", "GET", "admin", {**PERIOD, "buscar": ("Peña",), "orden": ("saldo", "-saldo"),
                                            "pagina": ("1",), "formato": ("csv", "xlsx")}),
    Form("admin_balances_tab", "GET", "admin", {**PERIOD, "buscar": ("Molinos",), "formato": ("csv",)},
         kwargs="tab"),
    Form("admin_party_ledger", "GET", "admin", {**FILTERS, "vencidos": ("on",)}, kwargs="party"),
    Form("admin_party_statement", "GET", "admin", {**PERIOD, "relacionado": ("on",), "formato": ("pdf", "xlsx")},
         kwargs="party"),
    Form("admin_sales", "GET", "admin", {"r-desde": DATES, "r-hasta": DATES, "r-sucursal": ("1",),
                                         "a-desde": DATES, "a-proveedor": ("1",), "a-por": ("importe",),
                                         "formato": ("ranking", "articulos")}),
    Form("profile", "POST", "admin", {"section": ("two_factor",), "two_factor_policy": ("none", "admins", "all"),
                                      "customer_balances": ("on",), "supplier_payments": ("on",)},
         examples=HASHING),
    Form("profile_image", "POST", "admin", {"next": ("/", "//evil.test/")}, files=("imagen",)),
    Form("profile_notifications", "POST", "admin", {"kinds": ("new_document", "overdue", "payment_ready"),
                                                    "due_soon_days": ("3", "30")}),
    Form("pickup_windows", "POST", "admin", WINDOW),
    Form("pickup_window_edit", "POST", "admin", WINDOW, kwargs="window"),
    Form("pickup_window_delete", "POST", "admin", ANY_FIELD, kwargs="window", examples=ACTIONS),
    Form("pickup_deliveries", "POST", "admin", {"code": ("ABCDEFGH", "abcd-efgh")}),
]

# Views with nothing a visitor types (pages, downloads by id or token) and what covers them instead.
NOT_FORMS = {
    "home": "a page without input",
    "my_account": "a page without input (its forms post to two_factor_setup and the ones below)",
    "colleagues": "a page without input (its forms post to colleague_invite and the ones beside it)",
    "registration_verify": "a token in the path only (tests/portal_core/access/test_registrations.py)",
    "owner_email_confirm": "a token in the path only (tests/provisioning/test_confirmation.py)",
    "integration": "a page without input (its form posts to api_key_create)",
    "registration_link": "JSON of one request by id (tests/portal_core/access/test_registrations.py)",
    "company_logo": "an image by the current portal",
    "profile_image_file": "an image by the current portal",
    "sales_invoice_pdf": "a PDF by id (tests/billing_views/test_pdf.py)",
    "purchase_invoice_pdf": "a PDF by id (tests/billing_views/test_pdf.py)",
    "certificate_pdf": "a PDF by ids (tests/billing_views/test_pdf.py)",
    "pickup_detail": "a page by id (tests/billing_views/test_pickups.py)",
    "download": "a token in the path only (tests/billing_views/test_downloads.py)",
    "download_status": "a token in the path only (tests/billing_views/test_downloads.py)",
    "download_file": "a token in the path only (tests/billing_views/test_downloads.py)",
    "customer_question_attachment": "a file by ids (tests/billing_views/test_questions.py)",
    "supplier_question_attachment": "a file by ids (tests/billing_views/test_questions.py)",
    "admin_question_attachment": "a file by ids (tests/billing_views/test_questions.py)",
    "operator_portal_activity": "the operators' admin, behind its two-factor login (admin:login above)",
    "health": "the probe, without input",
    "health_live": "the liveness probe, without input",
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace
                             else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _covered_elsewhere(name: str) -> bool:
    # The ERP API: schemathesis in tests/portal_core/erp/api/test_openapi_conformance.py. The
    # operators' Django admin: only its login is reachable without a verified operator.
    return name.startswith("api-") or (name.startswith("admin:") and name != "admin:login")


def test_every_view_is_listed():
    names = {name for urlconf in (TENANT_URLCONF, PUBLIC_URLCONF) for name in _walk(get_resolver(urlconf).url_patterns)}
    listed = {form.url_name for form in FORMS} | set(NOT_FORMS)

    assert {name for name in names if not _covered_elsewhere(name)} - listed == set()
    assert listed - names == set()


# --- Hostile values ------------------------------------------------------------------------

def values_for(form: Form):
    hostile = GET_SCALAR if form.method == "GET" else POST_SCALAR

    def one(good):
        scalar = st.one_of(st.sampled_from(good), hostile) if good else hostile
        return st.one_of(st.just(MISSING), scalar, st.lists(scalar, min_size=2, max_size=3))

    data = st.fixed_dictionaries({name: one(good) for name, good in form.fields.items()})
    files = st.fixed_dictionaries({name: st.one_of(st.just(MISSING), FILES) for name in form.files})
    return st.tuples(data, files)


# --- The portal and its accounts -----------------------------------------------------------

EXCLUDED_TABLES = (
    "portal_core_auditevent",  # failures are logged on purpose (failed logins, lockouts)
    "axes_",                   # django-axes counts failed attempts
    "django_session",          # the cached_db sessions
    "otp_",                    # django-otp's throttling counts wrong codes on the device
)


def table_hashes(schema: str) -> dict:
    """A hash of each table of the portal's schema, and of its row in the public tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
                       " AND table_type = 'BASE TABLE' ORDER BY 1", [schema])
        tables = [(schema, name) for (name,) in cursor.fetchall() if not name.startswith(EXCLUDED_TABLES)]
        tables += [("public", "tenants_company"), ("public", "tenants_emailsettings")]
        cursor.execute(" UNION ALL ".join(
            f"SELECT '{owner}.{name}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            f' FROM "{owner}"."{name}" t' for owner, name in tables))
        return dict(cursor.fetchall())


@dataclass
class Site:
    company: object
    ids: dict
    sessions: dict


_ips = itertools.count(random.Random().randrange(1 << 20) << 4)


def fresh_ip() -> str:
    """Rate limits and lockouts count per IP (in Redis, across runs): each request its own."""
    n = next(_ips) % (1 << 24)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255 or 1}"


def client_for(site: Site, who: str) -> Client:
    host = "localhost" if who == "public" else site.company.hostname
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="es-AR", REMOTE_ADDR=fresh_ip())
    if who in site.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = site.sessions[who]
    return client


def _session(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _logged_in(company, email) -> str:
    client = Client(HTTP_HOST=company.hostname, REMOTE_ADDR=fresh_ip())
    assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def site(alfa):
    with tenant_context(alfa):
        for resource, rows in BOOK.items():
            batch_upsert(resource=resource, items=rows)
        c1, c2 = Customer.objects.get(external_id="C1"), Customer.objects.get(external_id="C2")
        s1 = Supplier.objects.get(external_id="S1")
        customer = party_account_create(email="cliente@alfa.test", password=PASSWORD, customer=c1)
        supplier = party_account_create(email="proveedor@alfa.test", password=PASSWORD, supplier=s1)
        with_code = party_account_create(email="dos@alfa.test", password=PASSWORD, customer=c2)
        forgetful = party_account_create(email="olvido@alfa.test", password=PASSWORD, supplier=s1)
        two_factor.device_pending(user=with_code)
        device = two_factor.device_confirm(user=with_code, code=totp_code(
            two_factor.device_pending(user=with_code))).device
        registration = RegistrationRequest.objects.create(
            email="pide@cliente.test", password=make_password(PASSWORD), status=RegistrationRequest.Status.PENDING,
            verified_at=timezone.now())
        invitation = Invitation.objects.create(email="invitado@cliente.test", customer=c1,
                                               token_hash=token_hash(INVITATION_TOKEN),
                                               expires_at=timezone.now() + timedelta(days=7))
        notice = OwnerNotice.objects.create(user=customer, customer=c1, sent_to="titular@alfa.test",
                                            token_hash=token_hash(NOTICE_TOKEN))
        batch = InvitationBatch.objects.create(parties=[], total=0)
        portal_settings_update(changes={"colleagues_allowed": True})
        colleague = party_account_create(email="colega@alfa.test", password=PASSWORD, customer=c1)
        AccountLink.objects.filter(user=colleague).update(role=AccountLink.Role.COLLEAGUE, invited_by=customer,
                                                          permissions=["orders"])
        key, _secret = api_key_create(name="ERP")
        window = PickupWindow.objects.create(weekdays=[0, 6], starts_at=time(8), ends_at=time(18), place="Caja 1",
                                             slot_minutes=30, capacity=2)
        op1 = s1.payments.get(external_id="OP1").pk
        subjects = {"customer": SalesInvoice.objects.get(external_id="F1"),
                    "supplier": PurchaseInvoice.objects.get(external_id="P1")}
        threads = {who: question_open(kind=kind, subject=subjects[who], party=party, by=by, text="¿Y esto?",
                                      base_url="http://x/")
                   for who, kind, party, by in (("customer", "sales_invoice", c1, customer),
                                                ("supplier", "purchase_invoice", s1, supplier))}
        uid = urlsafe_base64_encode(force_bytes(forgetful.pk))
        reset_token = password_reset_tokens.make_token(forgetful)
        unsubscribe = unsubscribe_token(user=customer, kinds=["new_document", "overdue"])
    ids = {
        "notice": {"token": NOTICE_TOKEN}, "invitation": {"token": INVITATION_TOKEN},
        "reset": {"uidb64": uid, "token": "nueva"}, "registration": {"registration_id": registration.pk},
        "notice_id": {"notice_id": notice.pk}, "invitation_id": {"invitation_id": invitation.pk},
        "user": {"user_id": customer.pk}, "batch": {"batch_id": batch.pk}, "message": {"message_id": 999_999},
        "api_key": {"key_id": key.pk}, "unsubscribe": {"token": unsubscribe},
        "tab": {"tab": "proveedores"}, "party": {"tab": "clientes", "party_id": c1.pk},
        "colleague": {"user_id": colleague.pk},
        "payment": {"payment_id": op1},
        "window": {"window_id": window.pk},
        "customer_subject": {"subject": "factura", "object_id": subjects["customer"].pk},
        "supplier_subject": {"subject": "compra", "object_id": subjects["supplier"].pk},
        "customer_question": {"question_id": threads["customer"].pk},
        "supplier_question": {"question_id": threads["supplier"].pk},
        "question": {"question_id": threads["customer"].pk},
    }
    sessions = {who: _session(_logged_in(alfa, email)) for who, email in
                [("customer", "cliente@alfa.test"), ("supplier", "proveedor@alfa.test"), ("admin", "admin@alfa.test")]}
    # Two-factor on: the password step, then the code (one period ahead: the setup used this one).
    code_step = Client(HTTP_HOST=alfa.hostname, REMOTE_ADDR=fresh_ip())
    assert code_step.post("/ingresar/", {"username": "dos@alfa.test", "password": PASSWORD}).status_code == 302
    sessions["code_step"] = _session(code_step)
    verified = _logged_in(alfa, "dos@alfa.test")
    response = verified.post("/ingresar/codigo/", {"code": totp_code(device, steps_ahead=1)})
    assert response.status_code == 302, response.content
    sessions["two_factor"] = _session(verified)
    # The reset link puts its token in the session and moves to …/nueva/.
    reset = Client(HTTP_HOST=alfa.hostname, REMOTE_ADDR=fresh_ip())
    assert reset.get(f"/restablecer/{uid}/{reset_token}/").status_code == 302
    sessions["reset_step"] = _session(reset)
    return Site(company=alfa, ids=ids, sessions=sessions)


# --- The check -----------------------------------------------------------------------------

ENGLISH = ("This field is required", "Enter a valid", "Ensure this value", "Select a valid choice",
           "Null characters are not allowed", "Bad Request", "Not Found", "Server Error", "Forbidden",
           "The submitted file", "No file was submitted", "CSRF verification failed")


def send(site: Site, form: Form, data: dict, files: dict):
    urlconf = PUBLIC_URLCONF if form.who == "public" else TENANT_URLCONF
    path = reverse(form.url_name, urlconf=urlconf, kwargs=site.ids[form.kwargs] if form.kwargs else None)
    client = client_for(site, form.who)
    if form.method == "GET":
        return client.generic("GET", path, QUERY_STRING=urlencoded(data))
    if form.files:
        return client.generic("POST", path, multipart(data, files),
                              content_type=f"multipart/form-data; boundary={BOUNDARY.decode()}")
    return client.generic("POST", path, urlencoded(data), content_type="application/x-www-form-urlencoded")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def check(site: Site, form: Form, baseline: dict, data: dict, files: dict) -> None:
    response = send(site, form, data, files)
    body = body_of(response)
    note(f"{form.method} {form.url_name} -> {response.status_code}")

    assert response.status_code < 500
    html = response.get("Content-Type", "").startswith("text/html")
    if html and not 300 <= response.status_code < 400:
        text = body.decode("utf-8", "replace")
        assert response["Content-Language"] == "es-ar"
        assert '<html lang="es' in text
        assert [phrase for phrase in ENGLISH if phrase in text] == []
    failed = response.status_code >= 400 or (html and b"has-error" in body)
    if form.method == "GET" or failed:
        assert table_hashes(site.company.schema_name) == baseline


def fuzzer(site: Site, form: Form, baseline: dict):
    # No shrinking: a failure reports the first example that failed (shrinking megabyte
    # strings through whole requests takes minutes).
    @given(values=values_for(form))
    @hypothesis_settings(max_examples=form.examples, deadline=None, derandomize=True, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def fuzz(values):
        # Each example starts from the same portal: what it changes is rolled back.
        with transaction.atomic():
            check(site, form, baseline, *values)
            transaction.set_rollback(True)

    return fuzz


def test_no_form_answers_5xx_english_or_changes_on_bad_input(site):
    baseline = table_hashes(site.company.schema_name)
    failures = []
    for form in FORMS:
        try:
            fuzzer(site, form, baseline)()
        except Exception as error:  # every form is tried; all failures are reported together
            failures.append(f"{form.method} {form.url_name} ({form.who}): {error!r}"[:2000])
    assert failures == []
