"""Consultas: writes. A thread is opened by a customer's or supplier's account about one of its
objects; each message moves its state (the party writes: *abierta*; the company answers:
*respondida*; either closes: *cerrada*), tells the other side by email and records the ERP's
event, all in one transaction.

A message on a closed thread reopens it (a party's: *abierta*, the company's: *respondida*).
Refusing it would send a person with a follow-up to open a second thread about the same
document and lose what was said; closing means "nothing pending", not "never again"."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal_core.accounts.models import User
from portal_core.company.selectors import portal_settings
from portal_core.erp.events import Kind, event_record
from portal_core.mail.selectors import company_email_configured
from portal_core.mail.services import email_queue, link_context
from portal_core.models import AccountLink, Customer, Question, QuestionMessage

from .attachments import Attachment, attachment_check, attachment_delete, attachment_store
from .errors import TEXT_MAX_CHARS, QuestionError
from .models import SUBJECT_PERMISSIONS, SUBJECT_SECTIONS

Subject, Status, Side = Question.Subject, Question.Status, QuestionMessage.Side

# The sync API's resource of each kind of subject: the ERP finds the object by it and its external_id.
SUBJECT_RESOURCES = {
    Subject.SALES_INVOICE: "sales-invoices", Subject.PURCHASE_INVOICE: "purchase-invoices",
    Subject.CUSTOMER_ENTRY: "customer-account-entries", Subject.SUPPLIER_ENTRY: "supplier-account-entries",
    Subject.SUPPLIER_PAYMENT: "supplier-payments",
}
OPEN_COUNT_KEY = "questions:open-count"


def subject_label(*, kind: str, subject) -> str:
    """How the thread names its object: the document's type and number, the order's number."""
    if kind == Subject.SUPPLIER_PAYMENT:
        return f"N° {subject.number}"
    doc_type = subject.get_doc_type_display() if subject.doc_type else ""
    return f"{doc_type} {subject.display_number}".strip()[:120]


def text_clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise QuestionError(QuestionError.TEXT_EMPTY)
    if len(text) > TEXT_MAX_CHARS:
        raise QuestionError(QuestionError.TEXT_TOO_LONG)
    return text


def question_open(*, kind: str, subject, party, by: User, text: str, upload=None, base_url: str) -> Question:
    """A thread of `party` (the account's own customer or supplier) about `subject`, which the
    caller found through the party's own scope. Bad text or attachment: QuestionError, nothing stored."""
    text = text_clean(text)
    attachment = attachment_check(upload) if upload else None
    with _files_removed_on_failure() as stored, transaction.atomic():
        question = Question.objects.create(
            subject_kind=kind, subject_id=subject.pk, subject_external_id=subject.external_id,
            subject_label=subject_label(kind=kind, subject=subject), last_message_at=timezone.now(),
            opened_by=by, **{"customer" if isinstance(party, Customer) else "supplier": party})
        message = _message_add(question, by=by, side=Side.PARTY, text=text, attachment=attachment, stored=stored)
        event_record(kind=Kind.QUESTION_OPENED, resource=SUBJECT_RESOURCES[kind],
                     external_id=question.subject_external_id, data=_event_data(question, message))
        _tell_company(question, message, base_url=base_url)
        _open_count_changed()
    return question


def question_reply(*, question_id: int, by: User, side: str, text: str, upload=None,
                   base_url: str) -> QuestionMessage:
    """A message of the party (`side` PARTY) or of the company (COMPANY) on a thread the caller
    found through the writer's own scope (the party's threads, or the admin's portal)."""
    text = text_clean(text)
    attachment = attachment_check(upload) if upload else None
    with _files_removed_on_failure() as stored, transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question_id)
        message = _message_add(question, by=by, side=side, text=text, attachment=attachment, stored=stored)
        question.status = Status.OPEN if side == Side.PARTY else Status.ANSWERED
        question.last_message_at, question.closed_at = message.created_at, None
        question.save(update_fields=["status", "last_message_at", "closed_at"])
        event_record(kind=Kind.QUESTION_MESSAGE, resource=SUBJECT_RESOURCES[question.subject_kind],
                     external_id=question.subject_external_id, data=_event_data(question, message))
        if side == Side.PARTY:
            _tell_company(question, message, base_url=base_url)
        else:
            _tell_party(question, message, base_url=base_url)
        _open_count_changed()
    return message


@transaction.atomic
def question_close(*, question_id: int, by: User, side: str) -> Question:
    """*Cerrada*, by either side. Closing a closed thread changes nothing."""
    question = Question.objects.select_for_update().get(pk=question_id)
    if question.status == Status.CLOSED:
        return question
    question.status, question.closed_at = Status.CLOSED, timezone.now()
    question.save(update_fields=["status", "closed_at"])
    event_record(kind=Kind.QUESTION_CLOSED, resource=SUBJECT_RESOURCES[question.subject_kind],
                 external_id=question.subject_external_id,
                 data={**_event_data(question), "side": side, "by": by.email})
    _open_count_changed()
    return question


def open_count_forget() -> None:
    """The menu's count is read again on its next use (selectors.open_count)."""
    cache.delete(OPEN_COUNT_KEY)


def _open_count_changed() -> None:
    """Forgotten now, and again once the change commits: a page that counted in between, from
    what was committed before, does not keep its count."""
    open_count_forget()
    transaction.on_commit(open_count_forget)


def _message_add(question: Question, *, by: User, side: str, text: str, attachment: Attachment | None,
                 stored: list) -> QuestionMessage:
    message = QuestionMessage(question=question, author=by, author_email=by.email, side=side, text=text)
    if attachment is not None:
        message.attachment = attachment_store(attachment, question_id=question.pk)
        stored.append(message.attachment)
        message.attachment_name, message.attachment_type = attachment.name, attachment.content_type
        message.attachment_size = attachment.size
    message.save()
    return message


@contextmanager
def _files_removed_on_failure():
    """Files stored inside a transaction that then fails are deleted: nothing stays behind."""
    stored = []
    try:
        yield stored
    except BaseException:
        for path in stored:
            attachment_delete(path)
        raise


def _event_data(question: Question, message: QuestionMessage | None = None) -> dict:
    party = question.party
    data = {"question": question.pk, "status": question.status,
            "party": {"kind": "customer" if question.customer_id else "supplier", "external_id": party.external_id}}
    if message is not None:
        data.update(side=message.side, by=message.author_email, text=message.text,
                    attachment=bool(message.attachment))
    return data


def _tell_company(question: Question, message: QuestionMessage, *, base_url: str) -> None:
    """The portal's admins, when its email is set up (as a new request does): the thread is in
    Consultas either way."""
    if not company_email_configured():
        return
    admins = User.objects.filter(is_portal_admin=True, is_active=True).order_by("pk").values_list("email", flat=True)
    for admin_email in admins:
        email_queue(to=admin_email, kind="question_to_company", template="question_to_company", context={
            "question": question, "message": message, "party": question.party,
            **link_context(base_url, f"/administrador/consultas/{question.pk}/")})


def _tell_party(question: Question, message: QuestionMessage, *, base_url: str) -> None:
    """Every active account of the thread's party that may see the thread: colleagues of the same
    company see its threads, but only on subjects whose section they were granted; none when the
    portal switched that section off."""
    if not company_email_configured() or not getattr(portal_settings(), SUBJECT_SECTIONS[question.subject_kind]):
        return
    links = AccountLink.objects.filter(user__is_active=True, **(
        {"customer_id": question.customer_id} if question.customer_id else {"supplier_id": question.supplier_id}))
    permission = SUBJECT_PERMISSIONS.get(question.subject_kind)
    side_path = "clientes" if question.customer_id else "proveedores"
    for link in links.select_related("user").order_by("user_id"):
        if permission and permission not in link.effective_permissions:
            continue
        email = link.user.email
        email_queue(to=email, kind="question_answered", template="question_answered", context={
            "question": question, "message": message, "party": question.party,
            **link_context(base_url, f"/consultas/{side_path}/{question.pk}/")})
