"""Consultas: a customer's or supplier's *Consultar* on one of its objects, its *Mis consultas*
and thread pages, and the portal admin's *Consultas*. The party's pages find the account's own
party first and every thread through it (another's answers 404, as a missing one); the
admin's are the portal's own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal_core.mail.selectors import company_email_configured
from portal_core.models import Question, QuestionMessage
from portal_core.questions import selectors as questions
from portal_core.questions import services
from portal_core.questions.errors import QuestionError
from portal_core.questions.models import SUBJECT_SECTIONS
from portal_core.web.decorators import portal_admin_required
from portal_core.web.menu import menu_for
from portal_core.web.pages import base_url
from portal_core.web.ratelimit import rate_limited

from . import selectors
from .access import require_customer, require_download, require_supplier, section_allowed
from .errors import PartySuspended
from .question_forms import AdminFilterForm, MessageForm

Subject, Side = Question.Subject, QuestionMessage.Side
CUSTOMERS, SUPPLIERS = "clientes", "proveedores"
# Messages a party's connection may send in an hour: far above a person's, and a script that
# loops cannot flood the admins' inbox.
PARTY_MESSAGES_PER_HOUR = 30

# What a party may ask about, by the URL's word: the kind, the section it belongs to (switched
# off, it answers 404) and how the object is found through the party's own scope.
SUBJECTS = {
    CUSTOMERS: {
        "factura": (Subject.SALES_INVOICE, "customer_invoices",
                    lambda party, pk: selectors.access_sales_document(customer=party, document_id=pk)),
        "movimiento": (Subject.CUSTOMER_ENTRY, "customer_ledger",
                       lambda party, pk: selectors.access_ledger_entry(party=party, entry_id=pk)),
    },
    SUPPLIERS: {
        "compra": (Subject.PURCHASE_INVOICE, "supplier_invoices",
                   lambda party, pk: selectors.access_purchase_document(supplier=party, document_id=pk)),
        "movimiento": (Subject.SUPPLIER_ENTRY, "supplier_ledger",
                       lambda party, pk: selectors.access_ledger_entry(party=party, entry_id=pk)),
        "orden-de-pago": (Subject.SUPPLIER_PAYMENT, "supplier_payments",
                          lambda party, pk: selectors.access_supplier_payment(supplier=party, payment_id=pk)),
    },
}


def _render(request, template, url_name, status=200, **context):
    return render(request, f"billing_views/questions/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


def _party(request, side: str, section: str | None = None):
    return require_customer(request, section) if side == CUSTOMERS else require_supplier(request, section)


def _flooding(request, form: MessageForm) -> bool:
    """A valid party message over the hour's limit: the form says so and nothing is written."""
    if not rate_limited(request, "question", limit=PARTY_MESSAGES_PER_HOUR):
        return False
    form.add_error(None, _("Envió demasiados mensajes en la última hora. Espere un rato y vuelva a intentar."))
    return True


def _party_thread(request, side: str, question_id: int) -> Question:
    """The party's thread, and only while its subject's section is on and granted to this account
    (a colleague without *Retiro de pagos* does not read threads on payment orders): 404 or 403
    as the section's own page answers."""
    party = _party(request, side)
    question = questions.access_party_question(party=party, question_id=question_id)
    _party(request, side, SUBJECT_SECTIONS[question.subject_kind])
    return question


def _thread_name(side: str) -> str:
    return "customer_question" if side == CUSTOMERS else "supplier_question"


def _write_error(form: MessageForm, error: QuestionError) -> None:
    form.add_error("adjunto" if error.code.startswith("attachment") else "texto", error.as_form_error())


# --- Customers and suppliers ---------------------------------------------------------------


@login_required
@require_GET
@never_cache
def my_questions(request):
    """*Mis consultas*: the threads of the account's customer and supplier (its colleagues' too)."""
    parties = [party for party in (request.viewer.customer, request.viewer.supplier) if party is not None]
    if not parties:
        raise Http404
    active = [party for party in parties if party.active]
    if not active:
        raise PartySuspended(parties[0])
    hidden = [kind for kind, section in SUBJECT_SECTIONS.items() if not section_allowed(request, section)]
    threads = questions.party_questions(parties=active).exclude(subject_kind__in=hidden)
    page = Paginator(threads, 25).get_page(request.GET.get("pagina"))
    return _render(request, "list.html", "my_questions", page=page, both=len(active) > 1)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def question_new(request, side: str, subject: str, object_id: int):
    """*Consultar* on a document, movement or payment order: its threads, and a new one."""
    kind, section, access = SUBJECTS[side].get(subject) or (None, None, None)
    if kind is None:
        raise Http404
    party = _party(request, side, section)
    target = access(party, object_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and not _flooding(request, form):
        try:
            question = services.question_open(
                kind=kind, subject=target, party=party, by=request.user, text=form.cleaned_data["texto"],
                upload=form.cleaned_data["adjunto"], base_url=base_url(request))
        except QuestionError as error:
            _write_error(form, error)
        else:
            messages.success(request, _("Consulta enviada: le avisaremos por email cuando la respondan."))
            return redirect(_thread_name(side), question.pk)
    return _render(request, "new.html", "my_questions", status=_status(form), form=form,
                   label=services.subject_label(kind=kind, subject=target), kind=Subject(kind).label,
                   threads=questions.subject_questions(party=party, kind=kind, subject_id=target.pk), side=side)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def party_question(request, side: str, question_id: int):
    question = _party_thread(request, side, question_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and not _flooding(request, form):
        try:
            services.question_reply(question_id=question.pk, by=request.user, side=Side.PARTY,
                                    text=form.cleaned_data["texto"], upload=form.cleaned_data["adjunto"],
                                    base_url=base_url(request))
        except QuestionError as error:
            _write_error(form, error)
        else:
            messages.success(request, _("Mensaje enviado."))
            return redirect(request.path)
    return _thread(request, question, form, "my_questions", prefix="customer" if side == CUSTOMERS else "supplier")


@login_required
@require_POST
def party_question_close(request, side: str, question_id: int):
    question = _party_thread(request, side, question_id)
    services.question_close(question_id=question.pk, by=request.user, side=Side.PARTY)
    messages.success(request, _("Consulta cerrada."))
    return redirect(_thread_name(side), question.pk)


@login_required
@require_GET
@never_cache
def party_question_attachment(request, side: str, question_id: int, message_id: int):
    question = _party_thread(request, side, question_id)
    require_download(request)
    return _attachment(questions.message_attachment(question=question, message_id=message_id))


# --- The portal's admins -------------------------------------------------------------------


@portal_admin_required
@require_GET
@never_cache
def admin_questions(request):
    form = AdminFilterForm(request.GET or None)
    page = Paginator(questions.admin_questions(filters=form.filters()), 50).get_page(request.GET.get("pagina"))
    return _render(request, "admin_list.html", "admin_questions", form=form, page=page)


@portal_admin_required
@require_http_methods(["GET", "POST"])
@never_cache
def admin_question(request, question_id: int):
    question = questions.access_question(question_id=question_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_reply(question_id=question.pk, by=request.user, side=Side.COMPANY,
                                    text=form.cleaned_data["texto"], upload=form.cleaned_data["adjunto"],
                                    base_url=base_url(request))
        except QuestionError as error:
            _write_error(form, error)
        else:
            if company_email_configured():
                messages.success(request, _("Respuesta enviada: le avisamos por email."))
            else:
                messages.error(request, _("Respuesta guardada, pero no se avisó por email: falta configurar el "
                                          "envío de email del portal."), extra_tags="email_not_configured")
            return redirect(request.path)
    return _thread(request, question, form, "admin_questions", prefix="admin")


@portal_admin_required
@require_POST
def admin_question_close(request, question_id: int):
    question = questions.access_question(question_id=question_id)
    services.question_close(question_id=question.pk, by=request.user, side=Side.COMPANY)
    messages.success(request, _("Consulta cerrada."))
    return redirect("admin_question", question.pk)


@portal_admin_required
@require_GET
@never_cache
def admin_question_attachment(request, question_id: int, message_id: int):
    question = questions.access_question(question_id=question_id)
    return _attachment(questions.message_attachment(question=question, message_id=message_id))


# --- Shared --------------------------------------------------------------------------------


def _thread(request, question, form, url_name, *, prefix: str):
    """The thread's page; `prefix` names its URLs (admin_question..., customer_question...)."""
    return _render(request, "thread.html", url_name, status=_status(form), question=question,
                   thread_messages=questions.question_messages(question=question), form=form,
                   admin=prefix == "admin", close_url_name=f"{prefix}_question_close",
                   attachment_url_name=f"{prefix}_question_attachment")


def _status(form: MessageForm) -> int:
    if not form.errors:
        return 200
    return 429 if form.non_field_errors() else 400


def _attachment(message: QuestionMessage) -> FileResponse:
    """Always a download (never shown inline on the portal's origin), with the type read from
    its content when it was uploaded."""
    try:
        content = default_storage.open(message.attachment, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(content, as_attachment=True, filename=message.attachment_name,
                        content_type=message.attachment_type)
