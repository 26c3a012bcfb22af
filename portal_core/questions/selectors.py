"""Consultas: reads. A party's threads are always looked up through the party (a thread of
another party answers 404, exactly like one that does not exist)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from portal_core.models import Customer, Question, QuestionMessage, Supplier

from .services import OPEN_COUNT_KEY

# The count is forgotten after every commit that changes a state (services.open_count_forget);
# the timeout only bounds what a read racing with such a commit may have put back.
OPEN_COUNT_SECONDS = 300


def open_count() -> int:
    """Threads waiting for the company (*abierta*): the menu's "Consultas (3)". One indexed
    COUNT per portal until a state changes (the cache key carries the portal's schema)."""
    return cache.get_or_set(OPEN_COUNT_KEY, lambda: Question.objects.filter(status=Question.Status.OPEN).count(),
                            OPEN_COUNT_SECONDS)


def _party_filter(party: Customer | Supplier) -> Q:
    return Q(customer=party) if isinstance(party, Customer) else Q(supplier=party)


def party_questions(*, parties: list[Customer | Supplier]) -> QuerySet[Question]:
    """The threads of the account's parties (its colleagues' too), newest activity first."""
    scope = Q(pk__in=[])
    for party in parties:
        scope |= _party_filter(party)
    return Question.objects.filter(scope).select_related("customer", "supplier").order_by("-last_message_at", "-id")


def access_party_question(*, party: Customer | Supplier, question_id: int) -> Question:
    return get_object_or_404(Question.objects.filter(_party_filter(party)).select_related("customer", "supplier"),
                             pk=question_id)


def subject_questions(*, party: Customer | Supplier, kind: str, subject_id: int) -> QuerySet[Question]:
    """The party's threads about one object (the document's "Consultar" page)."""
    return (Question.objects.filter(_party_filter(party), subject_kind=kind, subject_id=subject_id)
            .order_by("-last_message_at", "-id"))


@dataclass(frozen=True)
class AdminFilters:
    status: str = ""
    party_kind: str = ""  # "customer", "supplier" or both
    search: str = ""


def admin_questions(*, filters: AdminFilters) -> QuerySet[Question]:
    """Consultas of the portal's admins: by state, by kind of party, and a text found in the
    party's name or CUIT, the object's number or any message."""
    questions = Question.objects.select_related("customer", "supplier")
    if filters.status:
        questions = questions.filter(status=filters.status)
    if filters.party_kind == "customer":
        questions = questions.filter(customer__isnull=False)
    elif filters.party_kind == "supplier":
        questions = questions.filter(supplier__isnull=False)
    if filters.search:
        text = filters.search
        in_messages = QuestionMessage.objects.filter(question=OuterRef("pk"), text__icontains=text)
        questions = questions.filter(
            Q(customer__business_name__icontains=text) | Q(supplier__business_name__icontains=text)
            | Q(customer__tax_id__contains=text) | Q(supplier__tax_id__contains=text)
            | Q(subject_label__icontains=text) | Exists(in_messages))
    return questions.order_by("-last_message_at", "-id")


def access_question(*, question_id: int) -> Question:
    return get_object_or_404(Question.objects.select_related("customer", "supplier"), pk=question_id)


def question_messages(*, question: Question) -> QuerySet[QuestionMessage]:
    return question.messages.order_by("created_at", "id")


def message_attachment(*, question: Question, message_id: int) -> QuestionMessage:
    """A message of this thread that has an attachment, or 404."""
    return get_object_or_404(question.messages.exclude(attachment=""), pk=message_id)
