"""The isolation matrix's world: two portals, alfa and beta, with the same kinds of objects (documents,
payments, requests, invitations, notices, keys, downloads, tokens) for a main customer and supplier and
for another customer and supplier, and logged-in sessions of each account. No id of one portal exists
in the other."""

import secrets
from dataclasses import dataclass, field
from datetime import time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
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
from portal_core.company.services import portal_settings_update
from portal_core.erp import services
from portal_core.erp.sync.engine import batch_upsert
from portal_core.models import (
    AccountLink,
    ApiKey,
    Customer,
    Invitation,
    InvitationBatch,
    OutboxMessage,
    OwnerNotice,
    PickupWindow,
    PurchaseInvoice,
    RegistrationRequest,
    SalesInvoice,
    Supplier,
    SupplierPayment,
)
from portal_core.notifications.services import unsubscribe_token
from portal_core.pickups import services as pickups
from portal_core.questions import services as questions
from provisioning import confirmation
from tests.conftest import PASSWORD, host_client

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
        # Usuarios de la empresa: the portal allows them; the customers' titulars each invited one.
        portal_settings_update(changes={"colleagues_allowed": True})
        for name, titular, party in (("colega", "cliente", customer[1]), ("colega_ajeno", "ajeno", customer[2])):
            seed.accounts[name] = party_account_create(email=f"{name}@{slug}.test", password=PASSWORD, customer=party)
            AccountLink.objects.filter(user=seed.accounts[name]).update(
                role=AccountLink.Role.COLLEAGUE, invited_by=seed.accounts[titular], permissions=["orders"])
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

        # Programar retiro: a window, and an appointment for tomorrow on each supplier's order.
        window = PickupWindow.objects.create(weekdays=list(range(7)), starts_at=time(8), ends_at=time(18),
                                             place="Caja 1", slot_minutes=30, capacity=5)
        tomorrow = timezone.localdate() + timedelta(days=1)
        for ext, account in (("OP1", "proveedor"), ("OP2", "otroprov")):
            pickups.pickup_schedule(payment=SupplierPayment.objects.get(external_id=f"{p}{ext}"),
                                    slot_key=f"{window.pk}-{tomorrow:%Y%m%d}1000", person_name="Ana Pérez",
                                    person_dni="30123456", by=seed.accounts[account], page_url="http://x/")

        def doc(model, ext):
            return model.objects.get(external_id=f"{p}{ext}").pk

        def certificate(payment):
            payment = SupplierPayment.objects.get(external_id=f"{p}{payment}")
            return payment.pk, payment.certificates.get().pk

        (op1, cert1), (op2, cert2) = certificate("OP1"), certificate("OP2")

        def question(account, kind, model, ext, party):
            """A thread of `account`'s party about its object, with an attachment: (thread, message)."""
            thread = questions.question_open(
                kind=kind, subject=model.objects.get(external_id=f"{p}{ext}"), party=party, by=seed.accounts[account],
                text="¿Me explican este importe?", upload=SimpleUploadedFile("nota.pdf", b"%PDF-1.4 nota"),
                base_url="http://x/")
            return thread.pk, thread.messages.get().pk

        (qc1, mc1), (qc2, mc2) = (question("cliente", "sales_invoice", SalesInvoice, "F1", customer[1]),
                                  question("ajeno", "sales_invoice", SalesInvoice, "F2", customer[2]))
        (qs1, ms1), (qs2, ms2) = (question("proveedor", "purchase_invoice", PurchaseInvoice, "P1", supplier[1]),
                                  question("otroprov", "supplier_payment", SupplierPayment, "OP2", supplier[2]))
        seed.own = {
            "registration_token": [{"token": tokens["registration"]}],
            "invitation_token": [{"token": tokens["invitation"]}],
            "notice_token": [{"token": tokens["notice"]}],
            "owner_confirm_token": [{"token": confirmation.owner_confirm_token(company=company)}],
            "unsubscribe_token": [{"token": unsubscribe_token(user=seed.accounts["cliente"], kinds=["new_document"])}],
            "reset_token": resets,
            "sales_invoice": [{"document_id": doc(SalesInvoice, "F1")}],
            "purchase_invoice": [{"document_id": doc(PurchaseInvoice, "P1")}],
            "certificate": [{"payment_id": op1, "certificate_id": cert1}],
            "payment": [{"payment_id": op1}],
            "window": [{"window_id": window.pk}],
            "download": [{"token": downloads_of["cliente"]}],
            "api_key": [{"key_id": ApiKey.objects.get(name="ERP").pk}],
            "registration": [{"registration_id": pending.pk}],
            "notice": [{"notice_id": notice.pk}],
            "invitation": [{"invitation_id": invitation.pk}],
            "account": [{"user_id": seed.accounts["ajeno"].pk}],
            "colleague": [{"user_id": seed.accounts["colega"].pk}],
            "batch": [{"batch_id": batch.pk}],
            "message": [{"message_id": message.pk}],
            "party": [{"tab": "clientes", "party_id": customer[1].pk},
                      {"tab": "proveedores", "party_id": supplier[1].pk}],
            "customer_subject": [{"subject": "factura", "object_id": doc(SalesInvoice, "F1")}],
            "supplier_subject": [{"subject": "compra", "object_id": doc(PurchaseInvoice, "P1")},
                                 {"subject": "orden-de-pago", "object_id": op1}],
            "customer_question": [{"question_id": qc1}],
            "supplier_question": [{"question_id": qs1}],
            "customer_attachment": [{"question_id": qc1, "message_id": mc1}],
            "supplier_attachment": [{"question_id": qs1, "message_id": ms1}],
            "question": [{"question_id": qc1}, {"question_id": qs1}],
            "question_attachment": [{"question_id": qc1, "message_id": mc1}, {"question_id": qs1, "message_id": ms1}],
            "erp_sales_invoice": [{"external_id": f"{p}F1"}],
            "erp_purchase_invoice": [{"external_id": f"{p}P1"}],
            "erp_customer": [{"external_id": f"{p}C1"}],
            "erp_supplier": [{"external_id": f"{p}S1"}],
            "erp_supplier_payment": [{"external_id": f"{p}OP1"}],
        }
        seed.other = {
            "sales_invoice": [{"document_id": doc(SalesInvoice, "F2")}],
            "purchase_invoice": [{"document_id": doc(PurchaseInvoice, "P2")}],
            # the other supplier's payment and certificate, and one's own payment with the other's certificate
            "certificate": [{"payment_id": op2, "certificate_id": cert2}, {"payment_id": op1, "certificate_id": cert2}],
            "download": [{"token": downloads_of["ajeno"]}],
            "colleague": [{"user_id": seed.accounts["colega_ajeno"].pk}],
            "payment": [{"payment_id": op2}],
            "customer_subject": [{"subject": "factura", "object_id": doc(SalesInvoice, "F2")}],
            "supplier_subject": [{"subject": "orden-de-pago", "object_id": op2},
                                 {"subject": "compra", "object_id": doc(PurchaseInvoice, "P2")}],
            "customer_question": [{"question_id": qc2}],
            "supplier_question": [{"question_id": qs2}],
            # the other's thread and message, and one's own thread with the other's message
            "customer_attachment": [{"question_id": qc2, "message_id": mc2}, {"question_id": qc1, "message_id": mc2}],
            "supplier_attachment": [{"question_id": qs2, "message_id": ms2}, {"question_id": qs1, "message_id": ms2}],
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
