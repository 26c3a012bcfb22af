"""Consultas end to end: a customer or supplier asks about one of its documents, movements or
payment orders, the portal admin answers in Consultas, each side is told by email (read from a
real SMTP server), the ERP's events are recorded; and nobody else sees or changes a thread."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from portal_core.company.services import portal_settings_update
from portal_core.models import (
    AccountLink,
    Customer,
    CustomerAccountEntry,
    ErpEvent,
    OutboxMessage,
    PurchaseInvoice,
    Question,
    QuestionMessage,
    SalesInvoice,
    SupplierAccountEntry,
    SupplierPayment,
)
from portal_core.questions.errors import ATTACHMENT_MAX_BYTES, TEXT_MAX_CHARS, QuestionError
from portal_core.questions.services import open_count_forget
from tests.billing_views.conftest import doc_id
from tests.conftest import PASSWORD, host_client
from tests.mail import configure_email, link_in, text_of
from tests.portal_core.access.test_registrations import deliver, fresh_ip

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    # The browser's Content-Type is whatever the name suggests: the check must not believe it.
    return SimpleUploadedFile(name, content, content_type="application/pdf" if name.endswith(".pdf") else "image/png")


def ask(client, subject_path: str, text: str = "¿Por qué me facturaron dos veces el flete?", **files):
    return client.post(f"/consultas/{subject_path}/", {"texto": text, **files})


def thread_of(company, **filters) -> Question:
    with tenant_context(company):
        return Question.objects.select_related("customer", "supplier").get(**filters)


def state(company) -> dict:
    """Everything a question can change: threads, messages, events, emails, stored files."""
    with tenant_context(company):
        return {
            "questions": list(Question.objects.order_by("pk").values_list("pk", "status", "last_message_at")),
            "messages": QuestionMessage.objects.count(),
            "events": ErpEvent.objects.filter(kind__startswith="question").count(),
            "outbox": OutboxMessage.objects.count(),
            "files": stored_files(company),
        }


def stored_files(company) -> list[str]:
    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return []
        return [f"{folder}/{name}" for name in files] + [path for sub in folders for path in walk(f"{folder}/{sub}")]

    return sorted(walk(f"portals/{company.schema_name}/consultas"))


def events(company) -> list[tuple]:
    with tenant_context(company):
        return list(ErpEvent.objects.filter(kind__startswith="question").order_by("pk")
                    .values_list("kind", "resource", "external_id", "data__status", "data__side"))


def form_errors(response) -> list[str]:
    form = response.context["form"]
    return [error for errors in form.errors.values() for error in errors]


@pytest.fixture
def login():
    """As billing_views' fixture, from an address of its own: the rate limit of party messages
    counts per address in Redis, which outlives a test's rolled-back rows."""

    def log_in(company, email):
        client = host_client(company, REMOTE_ADDR=fresh_ip())
        assert client.post("/ingresar/", {"username": email, "password": PASSWORD}).status_code == 302, email
        return client

    return log_in


def admin(company):
    client = host_client(company, REMOTE_ADDR=fresh_ip())
    response = client.post("/ingresar/", {"username": f"admin@{company.slug}.test", "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- The whole exchange ---------------------------------------------------------------------

def test_a_customer_asks_the_admin_answers_and_each_side_gets_its_email(book, login, smtp):
    # given
    configure_email(book, smtp)
    customer = login(book, "cliente@alfa.test")
    invoice = doc_id(book, SalesInvoice, "F1")
    # when: the customer asks about its invoice
    response = ask(customer, f"clientes/nueva/factura/{invoice}", "¿Por qué me facturaron\ndos veces el flete?")
    # then: an open thread named by the document's number, the ERP's event, the admins' email
    question = thread_of(book)
    assert response.status_code == 302 and response["Location"] == f"/consultas/clientes/{question.pk}/"
    assert (question.status, question.subject_kind, question.subject_label, question.customer.external_id) == (
        "open", "sales_invoice", "Factura A 0003-00001001", "C1")
    assert events(book) == [("question_opened", "sales-invoices", "F1", "open", "party")]
    assert deliver(book) == ["sent"]
    mail = smtp.wait_for(1)[0]
    assert mail["To"] == "admin@alfa.test"
    # (a long non-ASCII subject is folded after "Subject:", which the parser reads as a leading space)
    assert mail["Subject"].strip() == "Consulta de Distribuidora Peñalolén S.A. sobre Factura A 0003-00001001"
    assert "dos veces el flete?" in text_of(mail) and "cliente@alfa.test" in text_of(mail)
    assert link_in(mail) == f"/administrador/consultas/{question.pk}/"

    # when: the admin answers from the link
    staff = admin(book)
    page = staff.get(link_in(mail))
    assert page.status_code == 200 and "dos veces el flete?" in page.content.decode()
    response = staff.post(link_in(mail), {"texto": "Es un error: le enviamos una nota de crédito."})
    # then: answered, and every account of the customer (the colleague too) is told
    assert response.status_code == 302
    assert thread_of(book).status == "answered"
    assert events(book)[-1] == ("question_message", "sales-invoices", "F1", "answered", "company")
    assert deliver(book) == ["sent", "sent"]
    told = sorted(mail["To"] for mail in smtp.wait_for(3)[1:])
    assert told == ["ambos@alfa.test", "cliente@alfa.test"]
    answer = smtp.to("cliente@alfa.test")[0]
    assert answer["Subject"].strip() == "Respuesta a su consulta sobre Factura A 0003-00001001"
    assert "le enviamos una nota de crédito" in text_of(answer)
    assert link_in(answer) == f"/consultas/clientes/{question.pk}/"

    # the customer reads the answer through the email's link
    page = customer.get(link_in(answer))
    assert page.status_code == 200 and "le enviamos una nota de crédito" in page.content.decode()


def test_states_follow_who_wrote_last_and_a_closed_thread_reopens(book, login, smtp):
    configure_email(book, smtp)
    customer, staff = login(book, "cliente@alfa.test"), admin(book)
    ask(customer, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}")
    question = thread_of(book)
    path, admin_path = f"/consultas/clientes/{question.pk}/", f"/administrador/consultas/{question.pk}/"

    staff.post(admin_path, {"texto": "Ya lo revisamos."})
    assert thread_of(book).status == "answered"
    customer.post(path, {"texto": "Sigo sin ver la nota de crédito."})
    assert thread_of(book).status == "open"
    customer.post(f"{path}cerrar/")
    assert thread_of(book).status == "closed"
    # closing again changes nothing (no second event)
    staff.post(f"{admin_path}cerrar/")
    assert [kind for kind, *_ in events(book)].count("question_closed") == 1
    # a message on a closed thread reopens it: the party's as abierta, the company's as respondida
    page = customer.get(path)
    assert "Esta consulta está cerrada. Si escribe, se vuelve a abrir." in page.content.decode()
    customer.post(path, {"texto": "Perdón, una cosa más."})
    assert thread_of(book).status == "open"
    staff.post(f"{admin_path}cerrar/")
    staff.post(admin_path, {"texto": "Le agregamos el detalle."})
    assert thread_of(book).status == "answered"
    assert [(kind, status, side) for kind, _r, _e, status, side in events(book)] == [
        ("question_opened", "open", "party"), ("question_message", "answered", "company"),
        ("question_message", "open", "party"), ("question_closed", "closed", "party"),
        ("question_message", "open", "party"), ("question_closed", "closed", "company"),
        ("question_message", "answered", "company")]
    with tenant_context(book):
        sides = list(QuestionMessage.objects.order_by("pk").values_list("side", "author_email"))
    assert sides == [("party", "cliente@alfa.test"), ("company", "admin@alfa.test"), ("party", "cliente@alfa.test"),
                     ("party", "cliente@alfa.test"), ("company", "admin@alfa.test")]


@pytest.mark.parametrize(("email", "side", "subject", "model", "external_id", "kind", "resource", "label"), [
    ("cliente@alfa.test", "clientes", "movimiento", CustomerAccountEntry, "E1", "customer_entry",
     "customer-account-entries", "Factura A 0003-00001001"),
    ("cliente@alfa.test", "clientes", "movimiento", CustomerAccountEntry, "E4", "customer_entry",
     "customer-account-entries", "Recibo"),
    ("proveedor@alfa.test", "proveedores", "compra", PurchaseInvoice, "P1", "purchase_invoice", "purchase-invoices",
     "Factura A 0003-00002001"),
    ("proveedor@alfa.test", "proveedores", "movimiento", SupplierAccountEntry, "Q1", "supplier_entry",
     "supplier-account-entries", "Factura A 0003-00002001"),
    ("proveedor@alfa.test", "proveedores", "orden-de-pago", SupplierPayment, "OP1", "supplier_payment",
     "supplier-payments", "N° 0001-00000101"),
])
def test_every_kind_of_object_can_be_asked_about(book, login, email, side, subject, model, external_id, kind,
                                                 resource, label):
    client = login(book, email)
    object_id = doc_id(book, model, external_id)
    page = client.get(f"/consultas/{side}/nueva/{subject}/{object_id}/")
    assert page.status_code == 200 and label in page.content.decode()
    assert ask(client, f"{side}/nueva/{subject}/{object_id}").status_code == 302
    question = thread_of(book)
    assert (question.subject_kind, question.subject_label, question.status) == (kind, label, "open")
    assert events(book) == [("question_opened", resource, external_id, "open", "party")]
    # the object's page now lists its thread
    page = client.get(f"/consultas/{side}/nueva/{subject}/{object_id}/")
    assert f"/consultas/{side}/{question.pk}/" in page.content.decode()


def test_the_lists_have_consultar_on_every_row(book, login):
    customer, supplier = login(book, "cliente@alfa.test"), login(book, "proveedor@alfa.test")
    invoice, entry = doc_id(book, SalesInvoice, "F1"), doc_id(book, CustomerAccountEntry, "E1")
    assert f"/consultas/clientes/nueva/factura/{invoice}/" in customer.get("/facturas/").content.decode()
    assert f"/consultas/clientes/nueva/movimiento/{entry}/" in customer.get("/cuenta-corriente/").content.decode()
    pages = {path: supplier.get(path).content.decode() for path in (
        "/compras/", "/cuenta-corriente-proveedor/", "/retiro-de-pagos/")}
    assert f"/consultas/proveedores/nueva/compra/{doc_id(book, PurchaseInvoice, 'P1')}/" in pages["/compras/"]
    assert (f"/consultas/proveedores/nueva/movimiento/{doc_id(book, SupplierAccountEntry, 'Q1')}/"
            in pages["/cuenta-corriente-proveedor/"])
    assert (f"/consultas/proveedores/nueva/orden-de-pago/{doc_id(book, SupplierPayment, 'OP1')}/"
            in pages["/retiro-de-pagos/"])
    # the admin's view of the same current account has no Consultar (not the admin's to ask)
    party = doc_id(book, Customer, "C1")
    admin_page = admin(book).get(f"/administrador/cuentas-corrientes/clientes/{party}/").content.decode()
    assert "/consultas/clientes/nueva/" not in admin_page


def test_colleagues_see_their_party_s_threads_and_menu_counts_open_ones(book, login):
    customer, both = login(book, "cliente@alfa.test"), login(book, "ambos@alfa.test")
    staff = admin(book)
    with tenant_context(book):  # a count cached by an earlier test, whose rows were rolled back
        open_count_forget()
    assert "Consultas (" not in staff.get("/").content.decode()
    ask(customer, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}")
    ask(login(book, "proveedor@alfa.test"), f"proveedores/nueva/compra/{doc_id(book, PurchaseInvoice, 'P1')}")
    question = thread_of(book, customer__isnull=False)
    # the colleague (same customer, and a supplier too) sees both its parties' threads
    listing = both.get("/consultas/").content.decode()
    assert f"/consultas/clientes/{question.pk}/" in listing and "Factura A 0003-00002001" in listing
    assert both.get(f"/consultas/clientes/{question.pk}/").status_code == 200
    # the menu's count: two waiting for the company, one once answered, kept per portal
    assert "Consultas (2)" in staff.get("/").content.decode()
    staff.post(f"/administrador/consultas/{question.pk}/", {"texto": "Respondida."})
    assert "Consultas (1)" in staff.get("/").content.decode()
    assert "Consultas (" not in customer.get("/").content.decode()


def test_the_admin_filters_by_state_party_and_text(book, login):
    ask(login(book, "cliente@alfa.test"), f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}",
        "Consulta sobre el flete")
    ask(login(book, "proveedor@alfa.test"), f"proveedores/nueva/compra/{doc_id(book, PurchaseInvoice, 'P1')}",
        "Retenciones mal calculadas")
    staff = admin(book)
    supplier_question = thread_of(book, supplier__isnull=False)
    staff.post(f"/administrador/consultas/{supplier_question.pk}/", {"texto": "Lo revisamos."})

    def listed(query):
        page = staff.get(f"/administrador/consultas/?{query}")
        assert page.status_code == 200
        return sorted(question.party.business_name for question in page.context["page"].object_list)

    assert listed("") == ["Distribuidora Peñalolén S.A.", "Molinos Güemes S.A."]
    assert listed("estado=abierta") == ["Distribuidora Peñalolén S.A."]
    assert listed("estado=respondida") == ["Molinos Güemes S.A."]
    assert listed("parte=proveedores") == ["Molinos Güemes S.A."]
    assert listed("texto=flete") == ["Distribuidora Peñalolén S.A."]
    assert listed("texto=30500000011") == ["Molinos Güemes S.A."]
    assert listed("texto=00002001") == ["Molinos Güemes S.A."]
    assert listed("estado=cualquiera&parte=nadie") == ["Distribuidora Peñalolén S.A.", "Molinos Güemes S.A."]


# --- Attachments ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "name", "content_type", "download_name"), [
    (PDF, "Nota de crédito.pdf", "application/pdf", "Nota de crédito.pdf"),
    (PDF, "😀<script>.pdf", "application/pdf", "script.pdf"),
    (PDF, "😀.pdf", "application/pdf", "adjunto.pdf"),
    (PDF, "C:\\Documentos\\..\\recibo 1.pdf", "application/pdf", "recibo 1.pdf"),
    (png(), "captura.png", "image/png", "captura.png"),
    (png(), "captura-sin-extension", "image/png", "captura-sin-extension.png"),
])
def test_an_attachment_is_stored_by_its_content_and_served_only_to_who_may_see_it(
        book, login, content, name, content_type, download_name):
    customer = login(book, "cliente@alfa.test")
    ask(customer, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}", adjunto=upload(content, name))
    question = thread_of(book)
    with tenant_context(book):
        message = question.messages.get()
    assert message.attachment.startswith(f"portals/{book.schema_name}/consultas/{question.pk}/")
    assert (message.attachment_type, message.attachment_name, message.attachment_size) == (
        content_type, download_name, len(content))
    for client, path in ((customer, f"/consultas/clientes/{question.pk}/adjuntos/{message.pk}/"),
                         (login(book, "ambos@alfa.test"), f"/consultas/clientes/{question.pk}/adjuntos/{message.pk}/"),
                         (admin(book), f"/administrador/consultas/{question.pk}/adjuntos/{message.pk}/")):
        response = client.get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def _colleague(company, make_account, email, titular_email, permissions, **party):
    colleague = make_account(company, email)
    with tenant_context(company):
        titular = AccountLink.objects.get(user__email=titular_email)
        AccountLink.objects.create(user=colleague, role=AccountLink.Role.COLLEAGUE, invited_by=titular.user,
                                   permissions=permissions, customer=titular.customer, supplier=titular.supplier)


def test_a_colleague_reaches_no_thread_of_a_section_it_was_not_granted(book, login, smtp, make_account):
    # given: the supplier's titular asks about a payment order with a photo; one colleague was
    # granted nothing, another *Retiro de pagos* only
    configure_email(book, smtp)
    _colleague(book, make_account, "nada@alfa.test", "proveedor@alfa.test", [])
    _colleague(book, make_account, "pagos@alfa.test", "proveedor@alfa.test", ["payments"])
    ask(login(book, "proveedor@alfa.test"), f"proveedores/nueva/orden-de-pago/{doc_id(book, SupplierPayment, 'OP1')}",
        adjunto=upload(png(), "recibo.png"))
    question = thread_of(book)
    with tenant_context(book):
        message = question.messages.get()
    thread, before = f"/consultas/proveedores/{question.pk}/", state(book)

    # when / then: the one granted nothing finds no thread, reads nothing, writes nothing
    nothing = login(book, "nada@alfa.test")
    assert thread not in nothing.get("/consultas/").content.decode()
    assert nothing.get(thread).status_code == 403
    assert nothing.post(thread, {"texto": "Hola"}).status_code == 403
    assert nothing.post(f"{thread}cerrar/").status_code == 403
    assert nothing.get(f"{thread}adjuntos/{message.pk}/").status_code == 403
    assert state(book) == before
    # the one with Retiro de pagos reads the thread, but the file needs Descargar comprobantes
    payments = login(book, "pagos@alfa.test")
    assert thread in payments.get("/consultas/").content.decode()
    assert payments.get(thread).status_code == 200
    assert payments.get(f"{thread}adjuntos/{message.pk}/").status_code == 403

    # and the company's answer is emailed to the supplier's titulars (ambos@ is one too) and the
    # colleague with Retiro de pagos, not to the one granted nothing
    deliver(book)
    before_answer = len(smtp.received)
    admin(book).post(f"/administrador/consultas/{question.pk}/", {"texto": "Se paga el viernes."})
    deliver(book)
    told = sorted(mail["To"] for mail in smtp.wait_for(before_answer + 3)[before_answer:])
    assert told == ["ambos@alfa.test", "pagos@alfa.test", "proveedor@alfa.test"]


# --- Bad input: a Spanish message, nothing stored -------------------------------------------

def bomb() -> bytes:
    """A small PNG that decodes to 13,000 x 13,000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (13000, 13000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    ({"texto": "   "}, "Escriba su mensaje."),
    ({"texto": ""}, "Escriba su mensaje."),
    ({"texto": "x" * (TEXT_MAX_CHARS + 1)}, f"El mensaje es demasiado largo: como máximo {TEXT_MAX_CHARS} caracteres."),
    ({"adjunto": lambda: upload(b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES, "grande.pdf")},
     "El archivo adjunto supera los 5 MB: elija uno más liviano."),
    ({"adjunto": lambda: upload(b"MZ\x90\x00 programa", "factura.pdf")},
     "El archivo adjunto debe ser un PDF o una imagen PNG o JPEG."),
    ({"adjunto": lambda: upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png")},
     "El archivo adjunto debe ser un PDF o una imagen PNG o JPEG."),
    ({"adjunto": lambda: upload(b"GIF89a" + png()[6:], "animada.png")},
     "El archivo adjunto debe ser un PDF o una imagen PNG o JPEG."),
    ({"adjunto": lambda: upload(bomb(), "bomba.png")},
     "La imagen adjunta es demasiado grande: como máximo 4096 × 4096 píxeles."),
    ({"adjunto": lambda: upload(png((300, 200))[:300], "cortada.png")},
     "El archivo adjunto está dañado o incompleto: vuelva a guardarlo e intente de nuevo."),
    ({"adjunto": lambda: upload(b"", "vacio.pdf")}, "El archivo adjunto está vacío."),
])
def test_bad_input_is_refused_in_spanish_and_nothing_is_stored(book, login, smtp, data, message):
    configure_email(book, smtp)
    customer = login(book, "cliente@alfa.test")
    def fresh():  # an upload is read once: each post gets its own
        return {"texto": "Consulta", **{key: value() if callable(value) else value for key, value in data.items()}}

    invoice = doc_id(book, SalesInvoice, "F1")
    before = state(book)
    response = customer.post(f"/consultas/clientes/nueva/factura/{invoice}/", fresh())
    assert response.status_code == 400
    assert form_errors(response) == [message]
    assert message in response.content.decode()
    assert state(book) == before
    # and on an existing thread (the party's reply, the admin's answer)
    ask(customer, f"clientes/nueva/factura/{invoice}")
    question = thread_of(book)
    before = state(book)
    for client, path in ((customer, f"/consultas/clientes/{question.pk}/"),
                         (admin(book), f"/administrador/consultas/{question.pk}/")):
        response = client.post(path, fresh())
        assert response.status_code == 400 and form_errors(response) == [message]
    assert state(book) == before


def test_a_failing_transaction_leaves_no_file_behind(book, login):
    """An attachment is stored inside the transaction; when the transaction fails, it goes."""
    from portal_core.accounts.models import User
    from portal_core.questions import services

    files_before = stored_files(book)  # files of earlier tests stay: their rows were rolled back
    with tenant_context(book):
        user = User.objects.get(email="cliente@alfa.test")
        invoice = SalesInvoice.objects.get(external_id="F1")
        customer = invoice.customer
        # a kind with no resource fails after the file and the message were written
        with pytest.raises(KeyError, match="desconocido"):
            services.question_open(kind="desconocido", subject=invoice, party=customer, by=user, text="Hola",
                                   upload=upload(PDF, "nota.pdf"), base_url="http://alfa/")
    assert stored_files(book) == files_before and state(book)["questions"] == []


def test_question_error_codes_have_spanish_messages():
    for code in QuestionError.MESSAGES:
        assert re.search(r"[a-z]", QuestionError(code).message)


# --- Nobody else: 404 and nothing changed ---------------------------------------------------

def test_another_party_another_portal_and_strangers_get_404_and_change_nothing(book, login, beta, make_account):
    customer = login(book, "cliente@alfa.test")
    ask(customer, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}", adjunto=upload(PDF, "nota.pdf"))
    question = thread_of(book)
    with tenant_context(book):
        message = question.messages.get()
    party_paths = [f"/consultas/clientes/{question.pk}/", f"/consultas/clientes/{question.pk}/cerrar/",
                   f"/consultas/clientes/{question.pk}/adjuntos/{message.pk}/"]
    before = state(book)
    intruders = {
        "otro cliente": login(book, "ajeno@alfa.test"),
        "proveedor": login(book, "proveedor@alfa.test"),
    }
    for name, client in intruders.items():
        for path in party_paths:
            for method in ("get", "post"):
                response = getattr(client, method)(path, {"texto": "Intruso"} if method == "post" else None)
                assert response.status_code in (404, 405), (name, method, path, response.status_code)
        assert client.get(f"/consultas/proveedores/{question.pk}/").status_code == 404, name
        assert question.pk not in [q.pk for q in client.get("/consultas/").context["page"].object_list]
        # the admin's pages are not theirs
        assert client.get(f"/administrador/consultas/{question.pk}/").status_code == 404
    # another customer cannot ask about this customer's invoice
    other = intruders["otro cliente"]
    assert other.get(f"/consultas/clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}/").status_code == 404
    assert ask(other, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}").status_code == 404
    # the same customer's pages under the supplier's side (as a customer only) answer 404
    assert customer.get(f"/consultas/proveedores/{question.pk}/").status_code == 404
    # another portal's admin and a stranger
    make_account(beta, "admin2@beta.test", is_portal_admin=True)
    beta_admin = host_client(beta, REMOTE_ADDR=fresh_ip())
    beta_admin.post("/ingresar/", {"username": "admin2@beta.test", "password": PASSWORD})
    for path in (f"/administrador/consultas/{question.pk}/", f"/administrador/consultas/{question.pk}/cerrar/",
                 f"/administrador/consultas/{question.pk}/adjuntos/{message.pk}/"):
        assert beta_admin.post(path, {"texto": "Intruso"}).status_code in (404, 405)
        assert beta_admin.get(path).status_code in (404, 405)
    stranger = host_client(book, REMOTE_ADDR=fresh_ip())
    for path in party_paths:
        response = stranger.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/ingresar/")
    assert state(book) == before


def test_a_switched_off_section_cannot_be_asked_about(book, login):
    with tenant_context(book):
        portal_settings_update(changes={"customer_invoices": False})
    customer = login(book, "cliente@alfa.test")
    assert customer.get(f"/consultas/clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}/").status_code == 404
    assert customer.get("/consultas/").status_code == 200


def test_an_account_without_a_party_has_no_mis_consultas(book):
    assert admin(book).get("/consultas/").status_code == 404


def test_a_flood_of_messages_is_stopped_and_says_so(book, login):
    from billing_views.question_views import PARTY_MESSAGES_PER_HOUR

    customer = login(book, "cliente@alfa.test")
    invoice = doc_id(book, SalesInvoice, "F1")
    ask(customer, f"clientes/nueva/factura/{invoice}")
    path = f"/consultas/clientes/{thread_of(book).pk}/"
    for _ in range(PARTY_MESSAGES_PER_HOUR - 1):
        assert customer.post(path, {"texto": "¿Y?"}).status_code == 302
    before = state(book)
    response = customer.post(path, {"texto": "¿Y?"})
    assert response.status_code == 429
    assert "Envió demasiados mensajes en la última hora" in response.content.decode()
    assert state(book) == before


def test_without_email_configured_the_thread_works_and_the_admin_is_told_nobody_was_emailed(book, login):
    customer = login(book, "cliente@alfa.test")
    ask(customer, f"clientes/nueva/factura/{doc_id(book, SalesInvoice, 'F1')}")
    question = thread_of(book)
    response = admin(book).post(f"/administrador/consultas/{question.pk}/", {"texto": "Lo vemos."}, follow=True)
    assert "Respuesta guardada, pero no se avisó por email" in response.content.decode()
    assert thread_of(book).status == "answered"
    assert state(book)["outbox"] == 0
