"""Notificaciones end to end: what an ERP batch (or the daily due-date run) changed becomes
emails through the outbox and a real SMTP server (aiosmtpd), once, only to the accounts of the
party concerned, as each account chose, with a one-click unsubscribe (RFC 8058)."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.erp.sync.engine import batch_upsert
from portal_core.mail.services import outbox_deliver
from portal_core.models import (
    AccountLink,
    Customer,
    Notification,
    NotificationPreference,
    OutboxMessage,
    Supplier,
)
from portal_core.notifications import services
from portal_core.notifications.models import Delivery
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, html_of, text_of

TODAY = date(2026, 12, 3)  # of the due-date runs, which take the day as an argument
ISSUED = timezone.localdate() - timedelta(days=1)  # new documents are those issued lately


def invoice(external_id, customer="C1", number=1, voided=False, **extra):
    return {"external_id": external_id, "customer": customer, "doc_type": "FA", "letter": "A", "point_of_sale": 3,
            "number": number, "issue_date": ISSUED.isoformat(), "due_date": "2026-12-31", "net": "1000.00",
            "vat": "210.00", "total": "1210.00", "voided": voided, "lines": [], **extra}


def entry(external_id, due, open_balance="500.00", customer="C1", number=10):
    return {"external_id": external_id, "customer": customer, "doc_type": "FA", "letter": "B", "point_of_sale": 1,
            "number": number, "date": "2026-11-01", "due_date": due.isoformat(), "amount": "500.00",
            "open_balance": open_balance}


def payment(external_id, supplier="S2", status="ready", certificates=()):
    return {"external_id": external_id, "supplier": supplier, "number": f"OP-{external_id}", "date": "2026-12-02",
            "amount": "75000.00", "method": "Transferencia", "status": status, "certificates": list(certificates)}


def link(company, make_account, email, customer=None, supplier=None):
    user = make_account(company, email)
    with tenant_context(company):
        AccountLink.objects.create(
            user=user, customer=Customer.objects.get(external_id=customer) if customer else None,
            supplier=Supplier.objects.get(external_id=supplier) if supplier else None)
    return user


def sync(company, resource, items):
    with tenant_context(company):
        return batch_upsert(resource=resource, items=items)


def send(company, smtp, delivery=Delivery.IMMEDIATE) -> list:
    """What the notifications task and then the outbox task do; the messages received since."""
    before = len(smtp.received)
    with tenant_context(company):
        services.notifications_send(delivery=delivery)
        for pk in OutboxMessage.objects.exclude(status="sent").order_by("pk").values_list("pk", flat=True):
            outbox_deliver(message_id=pk)
    return smtp.received[before:]


def daily(company, smtp, today=TODAY) -> list:
    before = len(smtp.received)
    with tenant_context(company):
        services.due_dates_run(today=today)
        for pk in OutboxMessage.objects.exclude(status="sent").order_by("pk").values_list("pk", flat=True):
            outbox_deliver(message_id=pk)
    return smtp.received[before:]


@pytest.fixture
def portal(parties, smtp):
    configure_email(parties, smtp)
    return parties


@pytest.fixture
def customer(portal, make_account):
    return link(portal, make_account, "ana@penalolen.test", customer="C1")


# --- New documents from a sync batch -------------------------------------------------------


def test_a_new_invoice_mails_its_customer_once_with_the_company_sender_and_unsubscribe_headers(
        portal, customer, smtp, make_account):
    # given another customer of the same portal with an account
    link(portal, make_account, "otro@guemes.test", customer="C2")

    # when the ERP sends a new invoice of C1, and the notifications go out
    sync(portal, "sales-invoices", [invoice("F10", number=77)])
    received = send(portal, smtp)

    # then only C1's account got one email, from the company's sender, with the document
    assert [m["To"] for m in received] == ["ana@penalolen.test"]
    [message] = received
    assert message["From"] == "Alfa <avisos@alfa.test>"
    assert message["Subject"] == "Tiene comprobantes nuevos: Factura A 0003-00000077"
    text = text_of(message)
    assert f"Factura A 0003-00000077 · Fecha {ISSUED:%d/%m/%Y} · Vence 31/12/2026 · $ 1.210,00" in text
    assert "Factura A 0003-00000077" in html_of(message)
    assert any(part.get("Content-ID") == "<logo>" for part in message.walk())
    # and the one-click unsubscribe headers of RFC 8058, pointing at this portal
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header comes folded
    assert unsubscribe.startswith("<http://alfa.") and "/avisos/baja/" in unsubscribe and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # when the same batch is replayed, and the send runs again
    result = sync(portal, "sales-invoices", [invoice("F10", number=77)])
    again = send(portal, smtp)

    # then nothing new was recorded or sent
    assert result.created == 0 and again == []
    with tenant_context(portal):
        assert Notification.objects.count() == 1
        # and once sent, the outbox keeps no body or unsubscribe link
        assert list(OutboxMessage.objects.values_list("status", "headers", "body_text")) == [("sent", {}, "")]


def test_a_voided_invoice_mails_nobody(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice("F11", voided=True)])

    assert send(portal, smtp) == []
    with tenant_context(portal):
        assert not Notification.objects.exists()


def test_an_old_document_the_erp_loads_now_is_not_announced_as_new(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice("F13", issue_date=(ISSUED - timedelta(days=40)).isoformat())])

    assert send(portal, smtp) == []


def test_an_invoice_voided_before_the_send_is_not_announced(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice("F12")])
    sync(portal, "sales-invoices", [invoice("F12", voided=True)])

    assert send(portal, smtp) == []
    with tenant_context(portal):
        assert list(Notification.objects.values_list("status", flat=True)) == ["skipped"]


def test_another_portals_batch_mails_nobody_here_and_this_portals_nobody_there(portal, customer, smtp, beta):
    # given beta has a customer with the same external id and an account of its own
    configure_email(beta, smtp)
    sync(beta, "customers", [{"external_id": "C1", "business_name": "Beta Cliente"}])

    # when beta's ERP sends an invoice
    sync(beta, "sales-invoices", [invoice("F1-beta")])

    # then alfa's customer gets nothing, and nothing is pending in alfa
    assert send(portal, smtp) == [] and send(beta, smtp) == []
    with tenant_context(portal):
        assert not Notification.objects.exists()


def test_several_new_documents_of_one_batch_come_in_one_email(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice("F20", number=20), invoice("F21", number=21),
                                    invoice("F22", number=22, voided=True)])

    [message] = send(portal, smtp)
    assert message["Subject"] == "Tiene comprobantes nuevos"
    text = text_of(message)
    assert "A 0003-00000020" in text and "A 0003-00000021" in text and "A 0003-00000022" not in text


def test_a_large_batch_lists_the_first_documents_and_counts_the_rest(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice(f"F{n}", number=n) for n in range(100, 135)])

    [message] = send(portal, smtp)
    text = text_of(message)
    assert "A 0003-00000129" in text and "A 0003-00000130" not in text
    assert "Y 5 más." in text and "Y 5 más: véalos en el portal." in html_of(message)


def test_every_account_of_the_customer_gets_it_but_a_deactivated_one(portal, customer, smtp, make_account):
    colleague = link(portal, make_account, "juan@penalolen.test", customer="C1")
    gone = link(portal, make_account, "baja@penalolen.test", customer="C1")
    with tenant_context(portal):
        gone.is_active = False
        gone.save()
    assert colleague.pk

    sync(portal, "sales-invoices", [invoice("F30")])

    assert sorted(m["To"] for m in send(portal, smtp)) == ["ana@penalolen.test", "juan@penalolen.test"]


# --- Suppliers ------------------------------------------------------------------------------


def test_a_payment_ready_and_its_certificate_mail_the_supplier_once(portal, smtp, make_account):
    link(portal, make_account, "pagos@molinos.test", supplier="S2")
    link(portal, make_account, "mixto@mixto.test", supplier="S1")
    certificate = {"tax": "ganancias", "number": "0001-00000123", "amount": "1500.00"}

    sync(portal, "supplier-payments", [payment("P1", certificates=[certificate]), payment("P2", status="picked_up")])
    received = send(portal, smtp)

    assert sorted(str(m["Subject"]).strip() for m in received) == [
        "Tiene certificados de retención nuevos: Certificado de retención de Ganancias 0001-00000123",
        "Tiene pagos listos para retirar: Orden de pago OP-P1"]
    assert {m["To"] for m in received} == {"pagos@molinos.test"}

    # when the ERP resends the payment with a changed amount (certificates rewritten, same ones)
    sync(portal, "supplier-payments", [{**payment("P1", certificates=[certificate]), "amount": "75001.00"}])
    # and marks the other one ready
    sync(portal, "supplier-payments", [payment("P2")])

    [message] = send(portal, smtp)
    assert message["Subject"] == "Tiene pagos listos para retirar: Orden de pago OP-P2"


def test_the_daily_prune_forgets_old_notifications_and_emails_but_not_a_live_payments(portal, customer, smtp,
                                                                                    make_account):
    from portal_core.access.tasks import access_prune
    from portal_core.erp.sync.deletes import batch_delete

    # given: a new invoice and a payment ready with a certificate, told 200 days ago
    link(portal, make_account, "pagos@molinos.test", supplier="S2")
    certificate = {"tax": "ganancias", "number": "0001-00000123", "amount": "1500.00"}
    sync(portal, "sales-invoices", [invoice("F50", number=50)])
    sync(portal, "supplier-payments", [payment("P1", certificates=[certificate])])
    assert len(send(portal, smtp)) == 3
    long_ago = timezone.now() - timedelta(days=200)
    with tenant_context(portal):
        Notification.objects.update(created_at=long_ago)
        OutboxMessage.objects.update(created_at=long_ago)
        unsent = OutboxMessage.objects.first()
        OutboxMessage.objects.filter(pk=unsent.pk).update(status=OutboxMessage.Status.ERROR)  # still to go out
        sync(portal, "sales-invoices", [invoice("F51", number=51)])  # and one told today, still pending

        # when: the daily prune runs
        access_prune.run()

        # then: the invoice's old one and the sent emails are gone; the live payment's stay, and today's
        assert sorted(Notification.objects.values_list("kind", "status")) == [
            ("new_document", "pending"), ("payment_ready", "sent"), ("withholding_certificate", "sent")]
        assert list(OutboxMessage.objects.filter(created_at__lt=timezone.now() - timedelta(days=90))) == [unsent]
        OutboxMessage.objects.filter(pk=unsent.pk).delete()  # (not sent by the next step)

    # so the ERP rewriting the payment still announces nothing twice
    sync(portal, "supplier-payments", [{**payment("P1", certificates=[certificate]), "amount": "75001.00"}])
    assert [m["Subject"] for m in send(portal, smtp)] == ["Tiene comprobantes nuevos: Factura A 0003-00000051"]

    # and once the ERP deletes the payment, its notifications go with the next prune
    with tenant_context(portal):
        batch_delete(resource="supplier-payments", external_ids=["P1"])
        access_prune.run()
        assert set(Notification.objects.values_list("kind", flat=True)) == {"new_document"}


# --- Preferences ----------------------------------------------------------------------------


def test_an_account_that_turned_a_kind_off_gets_nothing_of_it(portal, customer, smtp):
    with tenant_context(portal):
        services.preferences_save(user=customer, choices={"new_document": Delivery.OFF})

    sync(portal, "sales-invoices", [invoice("F40")])

    assert send(portal, smtp) == []
    with tenant_context(portal):
        assert not Notification.objects.exists()


def test_digest_accounts_get_one_email_a_day_with_every_kind(portal, customer, smtp):
    # given the account wants new documents and overdue reminders in the daily digest
    client = host_client(portal)
    client.post("/ingresar/", {"username": "ana@penalolen.test", "password": PASSWORD})
    response = client.post("/mi-cuenta/notificaciones/", {
        "new_document": "digest", "due_soon": "immediate", "overdue": "digest", "statement_customer": "off"})
    assert response.status_code == 302

    # when an invoice arrives and the immediate send runs
    sync(portal, "sales-invoices", [invoice("F50", number=50)])
    sync(portal, "customer-account-entries", [entry("M1", TODAY - timedelta(days=3), number=9)])
    assert send(portal, smtp) == []

    # then the daily run sends one digest with both
    [message] = daily(portal, smtp)
    assert message["Subject"] == "Resumen diario de avisos de Alfa"
    text = text_of(message)
    assert "Tiene comprobantes nuevos:" in text and "A 0003-00000050" in text
    assert "Comprobantes vencidos con saldo pendiente:" in text and "B 0001-00000009" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert daily(portal, smtp) == []


def test_the_preferences_page_offers_only_the_accounts_kinds_and_refuses_others(portal, customer):
    client = host_client(portal)
    client.post("/ingresar/", {"username": "ana@penalolen.test", "password": PASSWORD})

    page = client.get("/mi-cuenta/notificaciones/").content.decode()
    assert "Comprobantes nuevos" in page and "Resumen diario" in page
    assert "Resumen de cuenta mensual" in page  # offered, off until asked for
    assert "Pagos listos para retirar" not in page
    assert 'href="/mi-cuenta/notificaciones/"' in client.get("/mi-cuenta/").content.decode()

    response = client.post("/mi-cuenta/notificaciones/", {
        "new_document": "semanal", "due_soon": "immediate", "overdue": "off", "payment_ready": "off"})
    assert response.status_code == 400
    assert "Elija una de las opciones." in response.content.decode()
    with tenant_context(portal):
        assert not NotificationPreference.objects.exists()


# --- Unsubscribe ----------------------------------------------------------------------------


def _unsubscribe_path(message) -> str:
    return urlsplit(str(message["List-Unsubscribe"]).strip().strip("<>")).path


def test_one_click_unsubscribe_needs_no_login_or_csrf_and_get_changes_nothing(portal, customer, smtp):
    sync(portal, "sales-invoices", [invoice("F60", number=60)])
    [message] = send(portal, smtp)
    path = _unsubscribe_path(message)
    mail_client = Client(HTTP_HOST=portal.hostname, enforce_csrf_checks=True)

    # a link scanner's GET: a page asking, nothing changed
    page = mail_client.get(path)
    assert page.status_code == 200 and "¿Dejar de recibir estos avisos?" in page.content.decode()
    with tenant_context(portal):
        assert not NotificationPreference.objects.exists()

    # the mail provider's one-click POST, without session or CSRF token
    done = mail_client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "ya no recibe estos avisos" in done.content.decode()
    with tenant_context(portal):
        assert dict(NotificationPreference.objects.filter(user=customer).values_list("kind", "delivery")) == {
            "new_document": "off"}

    # and the next invoice is not mailed
    sync(portal, "sales-invoices", [invoice("F61", number=61)])
    assert send(portal, smtp) == []


def test_a_tampered_or_foreign_unsubscribe_link_is_refused_and_changes_nothing(portal, customer, beta):
    with tenant_context(portal):
        token = services.unsubscribe_token(user=customer, kinds=["new_document"])
    with tenant_context(beta):
        foreign = services.unsubscribe_token(user=customer, kinds=["new_document"])
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    forged = token.replace(token.split(":")[0], token.split(":")[0][:-2] + "xx")

    for bad in (tampered, forged, foreign, "nada"):
        response = Client(HTTP_HOST=portal.hostname).post(f"/avisos/baja/{bad}/")
        assert response.status_code == 404
        assert "El enlace no es válido" in response.content.decode()
    with tenant_context(portal):
        assert not NotificationPreference.objects.exists()


# --- Due dates ------------------------------------------------------------------------------


def test_due_soon_and_overdue_are_sent_once_per_event_and_week_until_paid(portal, customer, smtp):
    sync(portal, "customer-account-entries", [
        entry("M10", TODAY + timedelta(days=3), number=10),  # due in 3 days (the default)
        entry("M11", TODAY + timedelta(days=4), number=11),  # not yet
        entry("M12", TODAY - timedelta(days=1), number=12),  # overdue
        entry("M13", TODAY - timedelta(days=2), open_balance="0.00", number=13),  # paid
    ])

    first = daily(portal, smtp)
    assert sorted(m["Subject"] for m in first) == [
        "Comprobantes por vencer: Factura B 0001-00000010",
        "Comprobantes vencidos con saldo pendiente: Factura B 0001-00000012"]

    # the next day: only M11, now due soon; M10 and M12 were told already
    [second] = daily(portal, smtp, today=TODAY + timedelta(days=1))
    assert second["Subject"] == "Comprobantes por vencer: Factura B 0001-00000011"
    assert daily(portal, smtp, today=TODAY + timedelta(days=2)) == []

    # M10 past its due date: its first overdue reminder, alone (M12's week is not over)
    [late] = daily(portal, smtp, today=TODAY + timedelta(days=4))
    assert late["Subject"] == "Comprobantes vencidos con saldo pendiente: Factura B 0001-00000010"
    [later] = daily(portal, smtp, today=TODAY + timedelta(days=5))
    assert later["Subject"] == "Comprobantes vencidos con saldo pendiente: Factura B 0001-00000011"
    assert daily(portal, smtp, today=TODAY + timedelta(days=6)) == []

    # a week after M12's first reminder: its second, alone
    [week] = daily(portal, smtp, today=TODAY + timedelta(days=7))
    assert week["Subject"] == "Comprobantes vencidos con saldo pendiente: Factura B 0001-00000012"

    # once paid, no more reminders
    sync(portal, "customer-account-entries", [entry("M12", TODAY - timedelta(days=1), "0.00", number=12),
                                              entry("M10", TODAY + timedelta(days=3), "0.00", number=10),
                                              entry("M11", TODAY + timedelta(days=4), "0.00", number=11)])
    assert daily(portal, smtp, today=TODAY + timedelta(days=14)) == []


def test_the_admin_chooses_the_kinds_and_the_days_in_perfil(portal, customer, smtp):
    admin = host_client(portal)
    admin.post("/ingresar/", {"username": "admin@alfa.test", "password": PASSWORD})
    profile = admin.get("/administrador/perfil/").content.decode()
    assert 'id="notificaciones"' in profile and "Comprobantes vencidos" in profile

    # bad input: a clear message, nothing changed
    bad = admin.post("/administrador/perfil/notificaciones/", {"kinds": ["new_document"], "due_soon_days": "45"})
    assert bad.status_code == 400 and "Elija entre 1 y 30 días." in bad.content.decode()

    saved = admin.post("/administrador/perfil/notificaciones/", {
        "kinds": ["due_soon", "overdue", "payment_ready", "withholding_certificate"], "due_soon_days": "10"})
    assert saved.status_code == 302

    sync(portal, "sales-invoices", [invoice("F70")])
    sync(portal, "customer-account-entries", [entry("M20", TODAY + timedelta(days=9))])
    assert send(portal, smtp) == []
    [due] = daily(portal, smtp)
    assert due["Subject"].startswith("Comprobantes por vencer")
    page = host_client(portal)
    page.post("/ingresar/", {"username": "ana@penalolen.test", "password": PASSWORD})
    assert "Comprobantes nuevos" not in page.get("/mi-cuenta/notificaciones/").content.decode()


def test_a_colleague_gets_only_the_kinds_its_permissions_let_it_see(portal, customer, smtp, make_account):
    # given: two colleagues (usuarios de la empresa) of C1, one without *ver saldos*
    for email, permissions in (("sin-saldos@penalolen.test", []), ("con-saldos@penalolen.test", ["balances"])):
        user = make_account(portal, email)
        with tenant_context(portal):
            AccountLink.objects.create(user=user, customer=Customer.objects.get(external_id="C1"),
                                       role=AccountLink.Role.COLLEAGUE, invited_by=customer, permissions=permissions)
    sync(portal, "customer-account-entries", [entry("M20", TODAY - timedelta(days=1), number=20)])

    # when
    overdue = daily(portal, smtp)
    sync(portal, "sales-invoices", [invoice("F20", number=20)])
    new = send(portal, smtp)

    # then: the overdue balance goes to those who may see balances; the new invoice to all three
    assert sorted(m["To"] for m in overdue) == ["ana@penalolen.test", "con-saldos@penalolen.test"]
    assert sorted(m["To"] for m in new) == ["ana@penalolen.test", "con-saldos@penalolen.test",
                                            "sin-saldos@penalolen.test"]


# --- The monthly statement (asked for) -------------------------------------------------------


def test_the_monthly_statement_goes_on_the_first_to_the_accounts_that_asked_for_it(portal, customer, smtp,
                                                                                   make_account):
    # given: ana asked for it; another account of the same customer left the default (off)
    with tenant_context(portal):
        NotificationPreference.objects.create(user=customer, kind="statement_customer", delivery=Delivery.IMMEDIATE)
    link(portal, make_account, "otro@penalolen.test", customer="C1")

    # when: the days before the 1st, the 1st, and the 1st again
    assert daily(portal, smtp, today=date(2026, 11, 30)) == []
    [statement] = daily(portal, smtp, today=date(2026, 12, 1))
    assert daily(portal, smtp, today=date(2026, 12, 1)) == []

    # then: one email to ana, with the link to November's statement as a PDF
    assert statement["To"] == "ana@penalolen.test"
    assert statement["Subject"].strip() == "Su resumen de cuenta del mes anterior: Resumen de cuenta noviembre 2026"
    path = "/cuenta-corriente/resumen/?desde=01/11/2026&hasta=30/11/2026&formato=pdf"
    assert path in text_of(statement)

    # and the link gives ana the PDF once logged in
    client = host_client(portal)
    assert client.post("/ingresar/", {"username": "ana@penalolen.test", "password": PASSWORD}).status_code == 302
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_colleague_without_downloads_never_gets_the_monthly_statement(portal, customer, smtp, make_account):
    colleague = make_account(portal, "sin-descargas@penalolen.test")
    with tenant_context(portal):
        AccountLink.objects.create(user=colleague, customer=Customer.objects.get(external_id="C1"),
                                   role=AccountLink.Role.COLLEAGUE, invited_by=customer, permissions=["balances"])
        NotificationPreference.objects.create(user=colleague, kind="statement_customer",
                                              delivery=Delivery.IMMEDIATE)

    assert daily(portal, smtp, today=date(2026, 12, 1)) == []
