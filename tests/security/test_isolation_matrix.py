"""The isolation matrix, generated from the URL configuration.

Every pattern of the portal URLconf (config.urls_tenant) and of the root URLconf
(config.urls_public) must be classified below — public, any account, customer, supplier,
portal admin, API key or operator — with the methods its view accepts and how to fill its
arguments with ids (or tokens). Then each URL is called, with ids of ANOTHER portal (beta)
and of ANOTHER party of the same portal, by everyone who must be refused:

    anonymous                          → the login (redirect), the API's 401, an invalid link
    beta's admin session sent to alfa  → exactly what anonymous gets (host-only cookies,
                                         sessions per schema)
    alfa's admin with beta's ids, and
    beta's admin on beta with alfa's   → 404 ("not yours" answers as "does not exist")
    a customer, a supplier             → 404 on another party's document, on the other
                                         role's sections and on the admin's pages
    a deactivated account, a
    deactivated admin (live sessions)  → the login
    an account of an inactive party    → "Acceso suspendido" (403); the admin's pages 404
    the API without a key, with beta's
    key, a revoked key, a bad header,
    a portal session                   → 401 {"error": {"code", "message"}}
    the API with alfa's key and beta's
    documents                          → 404 {"error": ...}
    the root domain's admin: anonymous,
    a portal admin's session, an
    operator without a verified code   → the admin's login (the code step)

Every actor's batch of calls must change nothing: the rows of every table of both portals'
schemas and of the public schema (count and a hash of their contents) and the stored files
are compared before and after. Failures are collected and reported together.

Controls (the owner with its own ids is served) make sure the 404s above are about the
stranger, not about a malformed URL.
"""

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context

from billing_views.models import ZipJob
from portal_core.access import services as access
from portal_core.access.models import token_hash
from portal_core.accounts.models import User
from portal_core.accounts.services import party_account_create
from portal_core.accounts.tokens import password_reset_tokens
from portal_core.erp import services
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    ApiKey,
    Customer,
    Invitation,
    InvitationBatch,
    OutboxMessage,
    OwnerNotice,
    PurchaseInvoice,
    RegistrationRequest,
    SalesInvoice,
    Supplier,
    SupplierPayment,
)
from provisioning import confirmation
from tests.conftest import PASSWORD, host_client
from tests.otp import operator_with_device, totp_code
from tests.security.isolation import (
    ACCOUNT,
    ADMIN,
    API,
    CLASSES,
    CUSTOMER,
    DELETE,
    GET_POST,
    OPERATOR,
    POST,
    PUBLIC,
    PUT,
    SUPPLIER,
    Call,
    DatabaseSnapshot,
    Rule,
    admin_login,
    api_not_found,
    api_unauthorized,
    database_changes,
    invalid_link,
    login_redirect,
    media_changes,
    media_snapshot,
    not_found,
    other_portal_confirmation,
    path_for,
    resend_refused,
    route_arguments,
    send,
    succeeded,
    suspended,
    url_patterns,
)

NEW_PASSWORD = {"password": "nueva2024", "password_repeat": "nueva2024"}

# --- The table: every URL of a portal's host ------------------------------------------------
# ids: the kind of object (or token) its arguments take, filled by `Seed.kwargs`; data: a POST
# body that the view would accept from the right person (so a refusal is about who sends it).

TENANT_URLS: dict[str, Rule] = {
    # Public: the ways in and the links of emails (another portal's valid token is an invalid link here).
    "login": Rule(PUBLIC, GET_POST),
    "login_code": Rule(PUBLIC, GET_POST),
    "logout": Rule(PUBLIC, POST),
    "register": Rule(PUBLIC, GET_POST),
    "password_forgot": Rule(PUBLIC, GET_POST),
    "registration_verify": Rule(PUBLIC, GET_POST, ids="registration_token", refusal=invalid_link),
    "owner_notice": Rule(PUBLIC, GET_POST, ids="notice_token", data={"message": "No reconozco este acceso."},
                         refusal=invalid_link),
    "password_reset": Rule(PUBLIC, GET_POST, ids="reset_token", data=NEW_PASSWORD, refusal=invalid_link),
    "invitation_accept": Rule(PUBLIC, GET_POST, ids="invitation_token", data=NEW_PASSWORD, refusal=invalid_link),
    "owner_email_confirm": Rule(PUBLIC, ids="owner_confirm_token", refusal=other_portal_confirmation),
    "owner_confirm_resend": Rule(PUBLIC, POST, refusal=resend_refused),
    "profile_image_file": Rule(PUBLIC),  # the portal's own branding
    "set_language": Rule(PUBLIC, GET_POST, data={"language": "en"}),
    "api-schema": Rule(PUBLIC),  # the API's documentation
    "api-docs": Rule(PUBLIC),
    # Any logged-in account.
    "home": Rule(ACCOUNT),
    "my_account": Rule(ACCOUNT),
    "two_factor_setup": Rule(ACCOUNT, GET_POST, data={"code": "123456"}),
    "recovery_codes_regenerate": Rule(ACCOUNT, POST, data={"codigos-confirmation": PASSWORD}),
    "two_factor_disable": Rule(ACCOUNT, POST, data={"desactivar-confirmation": PASSWORD}),
    # Customers.
    "sales_invoices": Rule(CUSTOMER),
    "sales_invoice_pdf": Rule(CUSTOMER, ids="sales_invoice"),
    "sales_invoices_zip": Rule(CUSTOMER, POST, data={"query": ""}),
    "download": Rule(CUSTOMER, ids="download"),
    "download_status": Rule(CUSTOMER, ids="download"),
    "download_file": Rule(CUSTOMER, ids="download", control=False),  # the owner's needs a built ZIP
    "customer_ledger": Rule(CUSTOMER),
    "orders": Rule(CUSTOMER),
    # Suppliers.
    "purchase_invoices": Rule(SUPPLIER),
    "purchase_invoice_pdf": Rule(SUPPLIER, ids="purchase_invoice"),
    "supplier_ledger": Rule(SUPPLIER),
    "supplier_payments": Rule(SUPPLIER),
    "certificate_pdf": Rule(SUPPLIER, ids="certificate"),
    # The portal's admins.
    "integration": Rule(ADMIN),
    "api_key_create": Rule(ADMIN, POST, data={"name": "ERP intruso"}),
    "api_key_revoke": Rule(ADMIN, POST, ids="api_key"),
    "activations": Rule(ADMIN),
    "activation_parties": Rule(ADMIN, data={"q": "Cliente"}),
    "registration_link": Rule(ADMIN, ids="registration"),
    "registration_approve": Rule(ADMIN, POST, ids="registration", data={"verificado": "1"}),
    "registration_reject": Rule(ADMIN, POST, ids="registration"),
    "objection_revoke": Rule(ADMIN, POST, ids="notice"),
    "objection_dismiss": Rule(ADMIN, POST, ids="notice"),
    "activity_log": Rule(ADMIN),
    "invitation_resend": Rule(ADMIN, POST, ids="invitation"),
    "account_activate": Rule(ADMIN, POST, ids="account"),
    "account_deactivate": Rule(ADMIN, POST, ids="account"),
    "invitations_load": Rule(ADMIN),
    "invitations_send": Rule(ADMIN, POST, data={"tipo": "ambos", "modo": "excluir"}),
    "invitation_batch": Rule(ADMIN, ids="batch"),
    "email_settings": Rule(ADMIN, GET_POST, data={
        "host": "smtp.intruso.test", "port": "587", "security": "starttls", "username": "intruso",
        "password": "clave123", "from_email": "intruso@intruso.test", "from_name": "Intruso"}),
    "email_test": Rule(ADMIN, POST, data={"to": "intruso@intruso.test"}),
    "outbox_retry": Rule(ADMIN, POST, ids="message"),
    "outbox_retry_all": Rule(ADMIN, POST),
    "company_settings": Rule(ADMIN, GET_POST, data={"trade_name": "Intruso S.A."}),
    "company_logo": Rule(ADMIN),
    "admin_balances": Rule(ADMIN),
    "admin_balances_tab": Rule(ADMIN, args={"tab": "clientes"}),
    "admin_party_ledger": Rule(ADMIN, ids="party"),
    "admin_sales": Rule(ADMIN),
    "profile": Rule(ADMIN, GET_POST),  # an empty POST would switch every section off
    "profile_image": Rule(ADMIN, POST),
    # The ERP's API (Authorization: Bearer <key>).
    "api-sync-customers": Rule(API, POST),
    "api-sync-suppliers": Rule(API, POST),
    "api-sync-branches": Rule(API, POST),
    "api-sync-articles": Rule(API, POST),
    "api-sync-sales-invoices": Rule(API, POST),
    "api-sync-purchase-invoices": Rule(API, POST),
    "api-sync-customer-account-entries": Rule(API, POST),
    "api-sync-supplier-account-entries": Rule(API, POST),
    "api-sync-orders": Rule(API, POST),
    "api-sync-supplier-payments": Rule(API, POST),
    "api-sync-status": Rule(API),
    "api-sales-invoice-pdf": Rule(API, PUT + DELETE, ids="erp_sales_invoice"),
    "api-purchase-invoice-pdf": Rule(API, PUT + DELETE, ids="erp_purchase_invoice"),
    "api-not-found": Rule(API, GET_POST),  # any other path under /api/v1/
}

# --- The table: every URL of the root domain ------------------------------------------------

ROOT_URLS: dict[str, Rule] = {
    "portal_create": Rule(PUBLIC, GET_POST, data={"name": "", "email": "intruso@intruso.test"}),
    "portal_address_preview": Rule(PUBLIC, data={"nombre": "Gamma"}),
    "erp_widget": Rule(PUBLIC),
    "erp_widget_json": Rule(PUBLIC),
    "health": Rule(PUBLIC),
    "set_language": Rule(PUBLIC, GET_POST, data={"language": "en"}),
    "admin:login": Rule(PUBLIC, GET_POST),
    "admin:logout": Rule(PUBLIC, POST),
    "operator_portal_activity": Rule(OPERATOR, ids="company"),
}
# The Django admin generates dozens of patterns: everything else under admin/ is the operators'.
ROOT_PREFIXES: dict[str, Rule] = {
    "admin/": Rule(OPERATOR, GET_POST, ids="admin_object"),
}


def rule_for(pattern, table, prefixes=None):
    if pattern.key in table:
        return table[pattern.key]
    for prefix, rule in (prefixes or {}).items():
        if pattern.route.startswith(prefix):
            return rule
    return None


def test_every_url_is_classified_and_no_entry_is_stale():
    problems = []
    for urlconf, table, prefixes in (("config.urls_tenant", TENANT_URLS, {}),
                                     ("config.urls_public", ROOT_URLS, ROOT_PREFIXES)):
        patterns = url_patterns(urlconf)
        for pattern in patterns:
            rule = rule_for(pattern, table, prefixes)
            if rule is None:
                problems.append(f"Clasifique esta URL en tests/security/test_isolation_matrix.py: {pattern} "
                                f"de {urlconf}")
                continue
            assert rule.cls in CLASSES, rule
            needed = set(route_arguments(pattern.route)) - set(rule.args) - set(pattern.default_kwargs)
            if needed and rule.ids is None:
                problems.append(f"{pattern} toma {sorted(needed)}: diga con qué ids llenarlos (ids=...)")
        keys = {pattern.key for pattern in patterns}
        for key in table:
            if key not in keys:
                problems.append(f"Entrada vieja en tests/security/test_isolation_matrix.py: {key!r} "
                                f"ya no es una URL de {urlconf}")
        for prefix in prefixes:
            if not any(pattern.route.startswith(prefix) for pattern in patterns):
                problems.append(f"Prefijo viejo en tests/security/test_isolation_matrix.py: {prefix!r} ({urlconf})")
    assert not problems, "\n".join(problems)


# --- The world: two portals with the same kinds of objects --------------------------------

ID_FLOOR = 1_000_000  # beta's ids start here, so no id of one portal exists in the other


def day(offset):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def _document(external_id, party_field, party, number):
    return {"external_id": external_id, party_field: party, "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": number, "issue_date": day(-5), "due_date": day(25), "net": "100.00", "vat": "21.00",
            "total": "121.00", "cae": "74123456789012", "cae_due_date": day(5),
            "lines": [{"description": "Harina 000 x 25 kg", "quantity": "1", "unit_price": "100", "amount": "100.00"}]}


def _payment(external_id, supplier, number, certificate):
    return {"external_id": external_id, "supplier": supplier, "number": number, "date": day(-1), "amount": "1000.00",
            "method": "Transferencia", "status": "ready",
            "certificates": [{"tax": "ganancias", "number": certificate, "amount": "20.00"}]}


@dataclass
class Seed:
    """One portal's objects: `own` are those of its main customer (cliente), supplier (proveedor)
    and admin; `other` those of another customer (ajeno) and supplier (otroprov)."""

    company: object
    accounts: dict = field(default_factory=dict)
    own: dict = field(default_factory=dict)  # kind -> [kwargs, ...]
    other: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)  # "valid", "revoked" -> secret

    def every(self, kind):
        return self.own.get(kind, []) + self.other.get(kind, [])


def seed_portal(company, p: str) -> Seed:
    seed = Seed(company)
    slug = company.slug
    with tenant_context(company):
        batch_upsert(resource="customers", items=[
            {"external_id": f"{p}C1", "business_name": f"Cliente Uno {p}", "email": f"titular@{slug}.test"},
            {"external_id": f"{p}C2", "business_name": f"Cliente Ajeno {p}"},
            {"external_id": f"{p}C9", "business_name": f"Cliente Inactivo {p}", "active": False}])
        batch_upsert(resource="suppliers", items=[
            {"external_id": f"{p}S1", "business_name": f"Proveedor Uno {p}"},
            {"external_id": f"{p}S2", "business_name": f"Proveedor Ajeno {p}"},
            {"external_id": f"{p}S9", "business_name": f"Proveedor Inactivo {p}", "active": False}])
        batch_upsert(resource="sales-invoices", items=[_document(f"{p}F1", "customer", f"{p}C1", 101),
                                                       _document(f"{p}F2", "customer", f"{p}C2", 102)])
        batch_upsert(resource="purchase-invoices", items=[_document(f"{p}P1", "supplier", f"{p}S1", 201),
                                                          _document(f"{p}P2", "supplier", f"{p}S2", 202)])
        batch_upsert(resource="supplier-payments", items=[_payment(f"{p}OP1", f"{p}S1", "0001-1", "GAN-1"),
                                                          _payment(f"{p}OP2", f"{p}S2", "0001-2", "GAN-2")])
        customer = {n: Customer.objects.get(external_id=f"{p}C{n}") for n in (1, 2, 9)}
        supplier = {n: Supplier.objects.get(external_id=f"{p}S{n}") for n in (1, 2, 9)}
        party = party_account_create
        seed.accounts = {
            "admin": User.objects.get(email=f"admin@{slug}.test"),
            "cliente": party(email=f"cliente@{slug}.test", password=PASSWORD, customer=customer[1]),
            "ajeno": party(email=f"ajeno@{slug}.test", password=PASSWORD, customer=customer[2]),
            "proveedor": party(email=f"proveedor@{slug}.test", password=PASSWORD, supplier=supplier[1]),
            "otroprov": party(email=f"otroprov@{slug}.test", password=PASSWORD, supplier=supplier[2]),
            "baja": party(email=f"baja@{slug}.test", password=PASSWORD, customer=customer[1], supplier=supplier[1]),
            "suspendido": party(email=f"suspendido@{slug}.test", password=PASSWORD, customer=customer[9],
                                supplier=supplier[9]),
            "admin_baja": User.objects.create_user(f"admin2@{slug}.test", PASSWORD, is_portal_admin=True),
        }
        _, seed.keys["valid"] = services.api_key_create(name="ERP")
        revoked, seed.keys["revoked"] = services.api_key_create(name="ERP viejo")
        services.api_key_revoke(api_key=revoked)

        now = timezone.now()
        tokens = {kind: secrets.token_urlsafe(32) for kind in ("registration", "invitation", "notice")}
        pending = RegistrationRequest.objects.create(
            email=f"pendiente@{slug}.test", password="!", status=RegistrationRequest.Status.PENDING, verified_at=now)
        RegistrationRequest.objects.create(
            email=f"sinverificar@{slug}.test", password="!", verify_token_hash=token_hash(tokens["registration"]),
            verify_expires_at=now + timedelta(days=1))
        invitation = Invitation.objects.create(email=f"invitado@{slug}.test", customer=customer[2],
                                               token_hash=token_hash(tokens["invitation"]),
                                               expires_at=now + timedelta(days=7))
        notice = OwnerNotice.objects.create(user=seed.accounts["cliente"], customer=customer[1],
                                            sent_to=f"titular@{slug}.test", token_hash=token_hash(tokens["notice"]))
        batch = InvitationBatch.objects.create(parties={"base_url": "http://x/", "rows": []}, total=0,
                                               created_by=seed.accounts["admin"])
        message = OutboxMessage.objects.create(
            kind="invitation", to=f"invitado@{slug}.test", subject="Invitación", body_text="-", body_html="-",
            message_id=f"<{secrets.token_hex(8)}@{slug}.test>", status=OutboxMessage.Status.ERROR)
        downloads_of = {}
        for name, status in (("cliente", "pending"), ("ajeno", "ready")):
            downloads_of[name] = secrets.token_urlsafe(16)
            ZipJob.objects.create(token=downloads_of[name], user=seed.accounts[name], status=status, total=0,
                                  expires_at=now + timedelta(hours=1))
        # The links of emails really work in their own portal.
        assert access.invitation_for_token(tokens["invitation"]) and access.owner_notice_for_token(tokens["notice"])
        resets = [{"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                   "token": password_reset_tokens.make_token(user)}
                  for user in (seed.accounts["cliente"], seed.accounts["admin"])]
        assert all(password_reset_tokens.check_token(user, reset["token"]) for user, reset in
                   zip((seed.accounts["cliente"], seed.accounts["admin"]), resets, strict=True))

        def doc(model, ext):
            return model.objects.get(external_id=f"{p}{ext}").pk

        def certificate(payment):
            payment = SupplierPayment.objects.get(external_id=f"{p}{payment}")
            return payment.pk, payment.certificates.get().pk

        (op1, cert1), (op2, cert2) = certificate("OP1"), certificate("OP2")
        seed.own = {
            "registration_token": [{"token": tokens["registration"]}],
            "invitation_token": [{"token": tokens["invitation"]}],
            "notice_token": [{"token": tokens["notice"]}],
            "owner_confirm_token": [{"token": confirmation.owner_confirm_token(company=company)}],
            "reset_token": resets,
            "sales_invoice": [{"document_id": doc(SalesInvoice, "F1")}],
            "purchase_invoice": [{"document_id": doc(PurchaseInvoice, "P1")}],
            "certificate": [{"payment_id": op1, "certificate_id": cert1}],
            "download": [{"token": downloads_of["cliente"]}],
            "api_key": [{"key_id": ApiKey.objects.get(name="ERP").pk}],
            "registration": [{"registration_id": pending.pk}],
            "notice": [{"notice_id": notice.pk}],
            "invitation": [{"invitation_id": invitation.pk}],
            "account": [{"user_id": seed.accounts["ajeno"].pk}],
            "batch": [{"batch_id": batch.pk}],
            "message": [{"message_id": message.pk}],
            "party": [{"tab": "clientes", "party_id": customer[1].pk},
                      {"tab": "proveedores", "party_id": supplier[1].pk}],
            "erp_sales_invoice": [{"external_id": f"{p}F1"}],
            "erp_purchase_invoice": [{"external_id": f"{p}P1"}],
        }
        seed.other = {
            "sales_invoice": [{"document_id": doc(SalesInvoice, "F2")}],
            "purchase_invoice": [{"document_id": doc(PurchaseInvoice, "P2")}],
            # the other supplier's payment and certificate, and one's own payment with the other's certificate
            "certificate": [{"payment_id": op2, "certificate_id": cert2}, {"payment_id": op1, "certificate_id": cert2}],
            "download": [{"token": downloads_of["ajeno"]}],
        }
    return seed


def log_in(company, email) -> str:
    client = host_client(company)
    response = client.post("/ingresar/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, (company.slug, email, response.status_code)
    return client.cookies["sessionid"].value


@dataclass
class World:
    alfa: Seed
    beta: Seed
    sessions: dict  # "<slug>:<account>" -> sessionid


def fast_passwords(settings, *companies):
    """Argon2 costs most of a second per hash on a busy machine, and the matrix logs in many
    accounts: inside this test, passwords are hashed with a fast hasher (the admins' too)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for company in companies:
        with tenant_context(company):
            admin = User.objects.get(email=f"admin@{company.slug}.test")
            admin.set_password(PASSWORD)
            admin.save(update_fields=["password"])
    connection.set_schema_to_public()


@pytest.fixture
def world(alfa, beta, settings, tmp_path):
    started = time.monotonic()
    settings.MEDIA_ROOT = str(tmp_path / "media")  # this test's stored files only
    fast_passwords(settings, alfa, beta)
    seeds = {"alfa": seed_portal(alfa, "A")}
    with connection.cursor() as cursor:  # beta's ids above every id of alfa
        cursor.execute("SELECT setval(format('%%I.%%I', schemaname, sequencename),"
                       " GREATEST(COALESCE(last_value, 1), %s)) FROM pg_sequences WHERE schemaname = %s",
                       [ID_FLOOR, beta.schema_name])
    seeds["beta"] = seed_portal(beta, "B")
    connection.set_schema_to_public()
    # No id of one portal exists in the other.
    for kind, values in seeds["beta"].own.items():
        for kwargs in values:
            assert all(v >= ID_FLOOR for v in kwargs.values() if isinstance(v, int)), (kind, kwargs)
    with tenant_context(beta):
        assert not User.objects.filter(pk=seeds["alfa"].own["account"][0]["user_id"]).exists()
    # A ready download of beta: its job is a row of beta's schema, which alfa's host never reads.
    with tenant_context(beta):
        token = secrets.token_urlsafe(16)
        ZipJob.objects.create(token=token, user=seeds["beta"].accounts["cliente"], status="ready", total=0,
                              expires_at=timezone.now() + timedelta(hours=1))
        seeds["beta"].other["download"].append({"token": token})

    sessions = {}
    for slug in ("alfa", "beta"):
        seed = seeds[slug]
        for name in ("admin", "cliente", "ajeno", "proveedor", "otroprov", "baja", "suspendido", "admin_baja"):
            sessions[f"{slug}:{name}"] = log_in(seed.company, seed.accounts[name].email)
    # Deactivated while their sessions are live: the account through the admin's service, the
    # second admin (whom the service protects) directly; the inactive parties came from the ERP.
    with tenant_context(alfa):
        access.account_set_active(user_id=seeds["alfa"].accounts["baja"].pk, active=False,
                                  by=seeds["alfa"].accounts["admin"])
        User.objects.filter(pk=seeds["alfa"].accounts["admin_baja"].pk).update(is_active=False)
    connection.set_schema_to_public()
    print(f"\nlos dos portales y sus sesiones: {time.monotonic() - started:.1f} s")
    return World(alfa=seeds["alfa"], beta=seeds["beta"], sessions=sessions)


# --- Running the matrix --------------------------------------------------------------------

def no_server_error(call: Call) -> str | None:
    return None if call.status < 500 else "error del servidor"


SAME_AS_ANONYMOUS = "same as anonymous"


@dataclass
class Plan:
    """What an actor must get on one class of URLs, and with whose ids."""

    expect: object  # an expectation of tests.security.isolation, or SAME_AS_ANONYMOUS
    ids: tuple = ()  # sources of ids: lists of Seed dicts (kind -> [kwargs])
    only_with_ids: bool = False  # the actor may use the class's other URLs (not a refusal)


@dataclass
class Actor:
    name: str
    host: str
    plans: dict  # class -> Plan
    cookies: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


class Matrix:
    def __init__(self, schemas):
        self.snapshot = DatabaseSnapshot(schemas)
        self.failures: list[str] = []
        self.calls = 0
        self.per_class: dict[str, int] = {}

    def request(self, actor, method, path, key, rule, anonymous_host=None):
        data = None
        body = content_type = None
        if rule.cls == API and method == "POST":
            body, content_type = json.dumps({"items": []}).encode(), "application/json"
        elif rule.cls == API and method == "PUT":
            body, content_type = b"%PDF-1.4 intruso", "application/pdf"
        elif rule.data and method in ("GET", "POST"):
            data = rule.data
        call = send(actor=actor.name, host=actor.host, method=method, path=path, key=key, cookies=actor.cookies,
                    headers=actor.headers, data=data, body=body, content_type=content_type)
        self.calls += 1
        if (rule.cls == OPERATOR and call.status in (301, 302) and call.location.startswith("/admin/")
                and not call.location.startswith("/admin/login/")):  # the admin's own redirects (.../<id>/)
            call = send(actor=actor.name, host=actor.host, method="GET", path=call.location, key=key,
                        cookies=actor.cookies, headers=actor.headers)
            self.calls += 1
        return call

    def run(self, actor: Actor, patterns, table, prefixes=None, anonymous: Actor | None = None):
        """One actor's batch: every URL of the classes in its plans, then the no-change check."""
        db_before, media_before = self.snapshot.take(), media_snapshot()
        done = []
        for pattern in patterns:
            rule = rule_for(pattern, table, prefixes)
            plan = actor.plans.get(rule.cls)
            if plan is None:
                continue
            if rule.ids is None and plan.only_with_ids:
                continue
            for kwargs in self.fillings(rule, plan):
                path = path_for(pattern.route, {**rule.args, **kwargs})
                for method in rule.methods:
                    call = self.request(actor, method, path, pattern.key, rule)
                    done.append(call)
                    self.per_class[rule.cls] = self.per_class.get(rule.cls, 0) + 1
                    if plan.expect is SAME_AS_ANONYMOUS:
                        reference = self.request(anonymous, method, path, pattern.key, rule)
                        same = (call.status, call.location) == (reference.status, reference.location)
                        problem = None if same else (
                            f"la sesión ajena no es anónima: anónimo recibe {reference.status} {reference.location}")
                    elif rule.cls == PUBLIC and rule.refusal is not None:
                        problem = rule.refusal(call)
                    else:
                        problem = plan.expect(call)
                    if problem:
                        self.failures.append(f"{call}: {problem}")
        changes = database_changes(db_before, self.snapshot.take()) + media_changes(media_before, media_snapshot())
        if changes:
            calls = "\n      ".join(f"{c.method} {c.path} → {c.status}" for c in done)
            self.failures.append(f"[{actor.name}] sus llamadas cambiaron datos: {'; '.join(changes)}\n"
                                 f"    llamadas del lote:\n      {calls}")

    @staticmethod
    def fillings(rule, plan):
        if rule.ids is None:
            return [{}]
        filled = [kwargs for source in plan.ids for kwargs in source.get(rule.ids, [])]
        assert filled, f"nadie llena {rule.ids!r} para este actor"
        return filled

    def control(self, actor, patterns, table, cls, ids, prefixes=None, first_only=False):
        """The owner with its own ids (GET): must be served. Outside the no-change batches."""
        for pattern in patterns:
            rule = rule_for(pattern, table, prefixes)
            if rule.cls != cls or rule.ids is None or "GET" not in rule.methods or not rule.control:
                continue
            fillings = ids.get(rule.ids, [])[:1] if first_only else ids.get(rule.ids, [])
            for kwargs in fillings:
                call = self.request(actor, "GET", path_for(pattern.route, {**rule.args, **kwargs}), pattern.key, rule)
                if problem := succeeded(call):
                    self.failures.append(f"{call}: {problem}")

    def verdict(self):
        assert not self.failures, f"{len(self.failures)} problema(s) en la matriz de aislamiento:\n" + "\n".join(
            self.failures)


def test_portal_urls_refuse_everyone_they_must(world, alfa, beta):
    a, b, s = world.alfa, world.beta, world.sessions
    patterns = url_patterns("config.urls_tenant")
    matrix = Matrix(["public", alfa.schema_name, beta.schema_name])
    host = alfa.hostname
    pages = (ACCOUNT, CUSTOMER, SUPPLIER, ADMIN)

    anonymous = Actor("anónimo", host, {
        **{cls: Plan(login_redirect, (b.own, b.other)) for cls in pages},
        API: Plan(api_unauthorized, (b.own,)),
        PUBLIC: Plan(no_server_error, (b.own,)),  # with beta's valid tokens: an invalid link
    })
    actors = [
        anonymous,
        Actor("sesión del admin de beta enviada a alfa", host, {
            cls: Plan(SAME_AS_ANONYMOUS, (b.own,)) for cls in (*pages, API, PUBLIC)},
            cookies={"sessionid": s["beta:admin"]}),
        Actor("admin de alfa con ids de beta", host, {ADMIN: Plan(not_found, (b.own,), only_with_ids=True)},
              cookies={"sessionid": s["alfa:admin"]}),
        Actor("admin de beta, en beta, con ids de alfa", beta.hostname,
              {ADMIN: Plan(not_found, (a.own,), only_with_ids=True)}, cookies={"sessionid": s["beta:admin"]}),
        Actor("cliente de alfa", host, {
            CUSTOMER: Plan(not_found, (a.other, b.own, b.other), only_with_ids=True),
            SUPPLIER: Plan(not_found, (a.own,)),
            ADMIN: Plan(not_found, (a.own,)),
        }, cookies={"sessionid": s["alfa:cliente"]}),
        Actor("proveedor de alfa", host, {
            SUPPLIER: Plan(not_found, (a.other, b.own, b.other), only_with_ids=True),
            CUSTOMER: Plan(not_found, (a.own,)),
            ADMIN: Plan(not_found, (a.own,)),
        }, cookies={"sessionid": s["alfa:proveedor"]}),
        Actor("cuenta desactivada (cliente y proveedor)", host,
              {cls: Plan(login_redirect, (a.own,)) for cls in pages}, cookies={"sessionid": s["alfa:baja"]}),
        Actor("admin desactivado", host, {cls: Plan(login_redirect, (a.own,)) for cls in (ACCOUNT, ADMIN)},
              cookies={"sessionid": s["alfa:admin_baja"]}),
        Actor("cuenta de un cliente y proveedor inactivos en el ERP", host, {
            CUSTOMER: Plan(suspended, (a.own, a.other)),
            SUPPLIER: Plan(suspended, (a.own, a.other)),
            ADMIN: Plan(not_found, (a.own,)),
        }, cookies={"sessionid": s["alfa:suspendido"]}),
        # The ERP's API.
        *[Actor(name, host, {API: Plan(api_unauthorized, (a.own, b.own))}, headers=headers, cookies=cookies)
          for name, headers, cookies in (
              ("API sin clave, con la sesión del admin de alfa", {}, {"sessionid": s["alfa:admin"]}),
              ("API con la clave de beta", {"HTTP_AUTHORIZATION": f"Bearer {b.keys['valid']}"}, {}),
              ("API con una clave revocada de alfa", {"HTTP_AUTHORIZATION": f"Bearer {a.keys['revoked']}"}, {}),
              ("API con un encabezado mal formado", {"HTTP_AUTHORIZATION": f"Token {a.keys['valid']}"}, {}),
          )],
        Actor("API con la clave de alfa y documentos de beta", host,
              {API: Plan(api_not_found, (b.own,), only_with_ids=True)},
              headers={"HTTP_AUTHORIZATION": f"Bearer {a.keys['valid']}"}),
    ]
    started = time.monotonic()
    for actor in actors:
        matrix.run(actor, patterns, TENANT_URLS, anonymous=anonymous)

    # Controls: the owners are served with the very ids strangers were refused with.
    def owner(name, session, host=host):
        return Actor(name, host, {}, cookies={"sessionid": session})

    matrix.control(owner("control: cliente de alfa", s["alfa:cliente"]), patterns, TENANT_URLS, CUSTOMER, a.own)
    matrix.control(owner("control: ajeno de alfa", s["alfa:ajeno"]), patterns, TENANT_URLS, CUSTOMER, a.other,
                   first_only=True)
    matrix.control(owner("control: proveedor de alfa", s["alfa:proveedor"]), patterns, TENANT_URLS, SUPPLIER, a.own)
    matrix.control(owner("control: otro proveedor de alfa", s["alfa:otroprov"]), patterns, TENANT_URLS, SUPPLIER,
                   a.other, first_only=True)
    matrix.control(owner("control: admin de alfa", s["alfa:admin"]), patterns, TENANT_URLS, ADMIN, a.own)
    matrix.control(owner("control: admin de beta", s["beta:admin"], beta.hostname), patterns, TENANT_URLS, ADMIN,
                   b.own)
    matrix.control(owner("control: cliente de beta", s["beta:cliente"], beta.hostname), patterns, TENANT_URLS,
                   CUSTOMER, b.own)
    matrix.control(owner("control: proveedor de beta", s["beta:proveedor"], beta.hostname), patterns, TENANT_URLS,
                   SUPPLIER, b.own)
    erp = Actor("control: ERP de alfa", host, {}, headers={"HTTP_AUTHORIZATION": f"Bearer {a.keys['valid']}"})
    status = matrix.request(erp, "GET", "/api/v1/sync-status/", "api-sync-status", TENANT_URLS["api-sync-status"])
    if status.status != 200:
        matrix.failures.append(f"{status}: control: la clave de alfa debería leer sync-status")

    print(f"\nmatriz del portal: {matrix.calls} llamadas en {time.monotonic() - started:.1f} s; "
          f"por clase: {matrix.per_class}")
    matrix.verdict()


@pytest.fixture
def alfa_admin_session(alfa, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    fast_passwords(settings, alfa)
    return log_in(alfa, "admin@alfa.test")


def test_root_urls_refuse_everyone_but_verified_operators(alfa_admin_session, alfa, beta):
    patterns = url_patterns("config.urls_public")
    matrix = Matrix(["public", alfa.schema_name, beta.schema_name])
    root = "localhost"
    connection.set_schema_to_public()
    operator_email, operator_password = "operador@plataforma.test", "opera123"
    device = operator_with_device(operator_email, operator_password)
    verified = host_client()
    response = verified.post("/admin/login/", {"username": operator_email, "password": operator_password,
                                               "otp_token": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    unverified = host_client()
    unverified.force_login(User.objects.get(email=operator_email))  # password only: no verified code
    ids = {"company": [{"company_id": alfa.pk}],
           "admin_object": [{"object_id": alfa.pk, "content_type_id": 1, "pk": 1, "id": 1, "app_label": "tenants",
                             "url": "nada/"}]}
    anonymous = Actor("anónimo en el dominio raíz", root, {
        OPERATOR: Plan(admin_login, (ids,)), PUBLIC: Plan(no_server_error)})
    actors = [
        anonymous,
        Actor("sesión del admin de alfa enviada al dominio raíz", root, {
            OPERATOR: Plan(admin_login, (ids,)), PUBLIC: Plan(SAME_AS_ANONYMOUS)},
            cookies={"sessionid": alfa_admin_session}),
        Actor("operador sin el código verificado", root, {OPERATOR: Plan(admin_login, (ids,))},
              cookies={"sessionid": unverified.cookies["sessionid"].value}),
    ]
    started = time.monotonic()
    for actor in actors:
        matrix.run(actor, patterns, ROOT_URLS, ROOT_PREFIXES, anonymous=anonymous)
    # The code step: the unverified operator's session is asked for the verification code.
    step = send(actor="operador sin el código verificado", host=root, method="GET", path="/admin/login/",
                key="admin:login", cookies={"sessionid": unverified.cookies["sessionid"].value})
    if step.status != 200 or 'name="otp_token"' not in step.body.decode():
        matrix.failures.append(f"{step}: se esperaba el paso del código de verificación (otp_token)")
    operator = Actor("control: operador verificado", root, {},
                     cookies={"sessionid": verified.cookies["sessionid"].value})
    for path, key in ((f"/admin/portales/{alfa.pk}/actividad/", "operator_portal_activity"), ("/admin/", "admin:index"),
                      ("/admin/tenants/company/", "admin:tenants_company_changelist")):
        call = matrix.request(operator, "GET", path, key, Rule(OPERATOR))
        if call.status != 200:
            matrix.failures.append(f"{call}: control: el operador verificado debería entrar")
    # A portal's host does not serve the operators' admin at all.
    for path in ("/admin/", f"/admin/portales/{alfa.pk}/actividad/"):
        call = send(actor="admin de alfa en su portal", host=alfa.hostname, method="GET", path=path, key=path,
                    cookies={"sessionid": alfa_admin_session})
        if call.status != 404:
            matrix.failures.append(f"{call}: el admin de operadores no existe en el host de un portal")
    print(f"\nmatriz del dominio raíz: {matrix.calls} llamadas en {time.monotonic() - started:.1f} s; "
          f"por clase: {matrix.per_class}")
    matrix.verdict()
