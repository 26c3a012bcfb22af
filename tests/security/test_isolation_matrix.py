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

The two portals and their objects are built by isolation_world.py (the `world` fixture is in
conftest.py); isolation_runner.py runs each actor's batch and checks it; isolation.py holds the
classes of URLs, what a refusal looks like and the snapshots.
"""

import time

from django.db import connection

from portal_core.accounts.models import User
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
    TITULAR,
    Rule,
    admin_login,
    api_not_found,
    api_unauthorized,
    invalid_link,
    login_redirect,
    not_found,
    other_portal_confirmation,
    resend_refused,
    route_arguments,
    send,
    suspended,
    url_patterns,
)
from tests.security.isolation_runner import SAME_AS_ANONYMOUS, Actor, Matrix, Plan, no_server_error, rule_for

NEW_PASSWORD = {"password": "nueva2024", "password_repeat": "nueva2024"}

# --- The table: every URL of a portal's host ------------------------------------------------
# ids: the kind of object (or token) its arguments take, filled by `Seed.kwargs`; data: a POST
# body that the view would accept from the right person (so a refusal is about who sends it).

# Which rows of the other portal fill `<external_id>` when a row is deleted through the API.
ERP_ROWS = {
    "customers": "erp_customer", "suppliers": "erp_supplier", "branches": "erp_customer",
    "articles": "erp_customer", "sales-invoices": "erp_sales_invoice", "purchase-invoices": "erp_purchase_invoice",
    "customer-account-entries": "erp_sales_invoice", "supplier-account-entries": "erp_purchase_invoice",
    "orders": "erp_sales_invoice", "supplier-payments": "erp_supplier_payment",
}

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
    "notification_unsubscribe": Rule(PUBLIC, GET_POST, ids="unsubscribe_token", refusal=invalid_link),
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
    "notification_preferences": Rule(ACCOUNT, GET_POST, data={"new_document": "off", "payment_ready": "off"}),
    # Customers.
    "sales_invoices": Rule(CUSTOMER),
    "sales_invoice_pdf": Rule(CUSTOMER, ids="sales_invoice"),
    "sales_invoices_zip": Rule(CUSTOMER, POST, data={"query": ""}),
    "download": Rule(CUSTOMER, ids="download"),
    "download_status": Rule(CUSTOMER, ids="download"),
    "download_file": Rule(CUSTOMER, ids="download", control=False),  # the owner's needs a built ZIP
    "customer_ledger": Rule(CUSTOMER),
    "customer_statement": Rule(CUSTOMER),
    "orders": Rule(CUSTOMER),
    # Suppliers.
    "purchase_invoices": Rule(SUPPLIER),
    "purchase_invoice_pdf": Rule(SUPPLIER, ids="purchase_invoice"),
    "supplier_ledger": Rule(SUPPLIER),
    "supplier_statement": Rule(SUPPLIER),
    "supplier_payments": Rule(SUPPLIER),
    "certificate_pdf": Rule(SUPPLIER, ids="certificate"),
    # A party's titular: its colleagues (usuarios de la empresa), by the colleague's account id.
    "colleagues": Rule(TITULAR),
    "colleague_invite": Rule(TITULAR, POST, data={"email": "intruso@intruso.test", "permissions": "balances"}),
    "colleague_permissions": Rule(TITULAR, POST, ids="colleague", data={"permissions": "balances"}),
    "colleague_deactivate": Rule(TITULAR, POST, ids="colleague"),
    "colleague_reactivate": Rule(TITULAR, POST, ids="colleague"),
    "pickup_schedule": Rule(SUPPLIER, GET_POST, ids="payment", data={
        "slot": "1-209901011000", "person_name": "Intruso Pérez", "person_dni": "30123456"}),
    "pickup_detail": Rule(SUPPLIER, ids="payment"),
    "pickup_cancel": Rule(SUPPLIER, POST, ids="payment"),
    # Consultas: Mis consultas lists whatever parties the account has; each thread is its party's.
    "my_questions": Rule(ACCOUNT),
    "customer_question_new": Rule(CUSTOMER, GET_POST, ids="customer_subject", data={"texto": "Intruso"}),
    "customer_question": Rule(CUSTOMER, GET_POST, ids="customer_question", data={"texto": "Intruso"}),
    "customer_question_close": Rule(CUSTOMER, POST, ids="customer_question"),
    "customer_question_attachment": Rule(CUSTOMER, ids="customer_attachment"),
    "supplier_question_new": Rule(SUPPLIER, GET_POST, ids="supplier_subject", data={"texto": "Intruso"}),
    "supplier_question": Rule(SUPPLIER, GET_POST, ids="supplier_question", data={"texto": "Intruso"}),
    "supplier_question_close": Rule(SUPPLIER, POST, ids="supplier_question"),
    "supplier_question_attachment": Rule(SUPPLIER, ids="supplier_attachment"),
    # The portal's admins.
    "admin_questions": Rule(ADMIN, data={"estado": "abierta", "texto": "importe"}),
    "admin_question": Rule(ADMIN, GET_POST, ids="question", data={"texto": "Intruso"}),
    "admin_question_close": Rule(ADMIN, POST, ids="question"),
    "admin_question_attachment": Rule(ADMIN, ids="question_attachment"),
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
    "colleagues_admin": Rule(ADMIN, data={"q": "colega"}),
    "colleague_revoke": Rule(ADMIN, POST, ids="colleague"),
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
    "admin_party_statement": Rule(ADMIN, ids="party"),
    "admin_sales": Rule(ADMIN),
    "profile": Rule(ADMIN, GET_POST),  # an empty POST would switch every section off
    "profile_image": Rule(ADMIN, POST),
    "profile_notifications": Rule(ADMIN, POST, data={"kinds": ["overdue"], "due_soon_days": "9"}),
    "pickup_windows": Rule(ADMIN, GET_POST, data={
        "weekdays": "0", "starts_at": "09:00", "ends_at": "13:00", "place": "Intruso", "slot_minutes": "30",
        "capacity": "2"}),
    "pickup_window_edit": Rule(ADMIN, GET_POST, ids="window", data={
        "weekdays": "0", "starts_at": "09:00", "ends_at": "13:00", "place": "Intruso", "slot_minutes": "30",
        "capacity": "2"}),
    "pickup_window_delete": Rule(ADMIN, POST, ids="window"),
    "pickup_deliveries": Rule(ADMIN, GET_POST, data={"code": "ABCDEFGH"}),
    # The ERP's API (Authorization: Bearer <key>).
    # Each resource: read back (GET) and upsert (POST); delete one row and delete in bulk.
    **{f"api-sync-{name}": Rule(API, GET_POST) for name in ERP_ROWS},
    **{f"api-delete-batch-{name}": Rule(API, POST) for name in ERP_ROWS},
    **{f"api-delete-{name}": Rule(API, DELETE, ids=ids) for name, ids in ERP_ROWS.items()},
    "api-events": Rule(API),
    "api-reconcile": Rule(API),
    "api-reconcile-ranges": Rule(API, args={"resource": "customers"}),
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
    "health_live": Rule(PUBLIC),
    "set_language": Rule(PUBLIC, GET_POST, data={"language": "en"}),
    "admin:login": Rule(PUBLIC, GET_POST),
    "admin:logout": Rule(PUBLIC, POST),
    "operator_portal_activity": Rule(OPERATOR, ids="company"),
}
# The Django admin generates dozens of patterns: everything else under admin/ is the operators'.
ROOT_PREFIXES: dict[str, Rule] = {
    "admin/": Rule(OPERATOR, GET_POST, ids="admin_object"),
}


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


def test_portal_urls_refuse_everyone_they_must(world, alfa, beta):
    a, b, s = world.alfa, world.beta, world.sessions
    patterns = url_patterns("config.urls_tenant")
    matrix = Matrix(["public", alfa.schema_name, beta.schema_name])
    host = alfa.hostname
    pages = (ACCOUNT, CUSTOMER, SUPPLIER, TITULAR, ADMIN)

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
        Actor("admin de alfa en las páginas de un titular", host, {TITULAR: Plan(not_found, (a.own,))},
              cookies={"sessionid": s["alfa:admin"]}),
        Actor("cliente de alfa", host, {
            CUSTOMER: Plan(not_found, (a.other, b.own, b.other), only_with_ids=True),
            TITULAR: Plan(not_found, (a.other, b.own, b.other), only_with_ids=True),
            SUPPLIER: Plan(not_found, (a.own,)),
            ADMIN: Plan(not_found, (a.own,)),
        }, cookies={"sessionid": s["alfa:cliente"]}),
        Actor("proveedor de alfa", host, {
            SUPPLIER: Plan(not_found, (a.other, b.own, b.other), only_with_ids=True),
            TITULAR: Plan(not_found, (a.own, a.other), only_with_ids=True),
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
            TITULAR: Plan(not_found, (a.own,)),
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
