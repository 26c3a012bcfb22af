"""The outbox: every email is stored first, then sent by a Celery task from the company's SMTP
server (or the platform's). A send that fails is retried with backoff; a periodic sweep sends
what is due, what the broker lost, and what a worker that died left half sent.

Delivery is at least once, and no database transaction is open while an SMTP server talks. A
worker first claims the message in a short transaction of its own (`sending`, the claim's time
as its token), then sends, then records the result in a second short statement that only
applies while its claim still holds. A claim keeps every other worker off the message for
CLAIM_TIMEOUT, far longer than a send can last, so the same message is never sent by two
workers at once. It can go out twice only if a worker dies (or loses the database) after the
SMTP server accepted it and before "sent" is committed: the claim expires, the sweep sends it
again.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record
from portal_core.mail.compose import compose_email, render_email
from portal_core.mail.errors import MailError
from portal_core.models import OutboxMessage
from portal_core.tenancy import require_portal_schema
from tenants import services as tenant_services
from tenants.crypto import SecretUnreadable
from tenants.mail import smtp_failure_message
from tenants.queue import enqueue_on_commit

log = logging.getLogger(__name__)

NOT_CONFIGURED_RETRY = timedelta(minutes=5)
# A send is one SMTP session, bounded by EMAIL_SESSION_TIMEOUT (20 s) in all: a claim
# older than this belongs to a worker that died, and the sweep sends the message again.
CLAIM_TIMEOUT = timedelta(minutes=10)


def email_queue(*, to: str, kind: str, template: str, context: dict,
                sender: str = OutboxMessage.Sender.COMPANY, supersede: bool = False,
                headers: dict[str, str] | None = None) -> OutboxMessage:
    """Render the email (see `render_email`), store it, and send it once the current
    transaction commits. `supersede`: this email's link replaces the one of any earlier,
    still unsent email of the same kind to the same address, which is then not sent at all.
    `headers`: stored with it and sent with it (e.g. List-Unsubscribe)."""
    require_portal_schema()
    if supersede:
        OutboxMessage.objects.filter(to=to, kind=kind).exclude(status=OutboxMessage.Status.SENT).update(
            status=OutboxMessage.Status.SUPERSEDED, body_text="", body_html="", next_attempt_at=None)
    subject, body_text, body_html = render_email(template, context)
    message = OutboxMessage.objects.create(
        kind=kind, sender=sender, to=to, subject=subject, body_text=body_text, body_html=body_html,
        headers=headers or {},
        message_id=make_msgid(idstring=connection.tenant.slug, domain=settings.PORTAL_BASE_DOMAIN),
    )
    _enqueue(message.pk)
    return message


def outbox_prune(*, now=None) -> int:
    """Delete the rows of emails sent, or superseded, more than OUTBOX_RETENTION_DAYS ago (beat,
    daily, per portal; a sent one's body is already cleared). Unsent ones stay."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status__in=(OutboxMessage.Status.SENT, OutboxMessage.Status.SUPERSEDED), created_at__lt=cutoff).delete()
    return deleted


def _enqueue(message_id: int) -> None:
    from portal_core.mail.tasks import outbox_send

    enqueue_on_commit(outbox_send, message_id)  # lost with the broker: the message waits for the sweep


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def outbox_deliver(*, message_id: int) -> str:
    """Send one message if it is unsent, due, and not claimed by another worker. Returns its status.

    Claim, send with no transaction open, record (see the module's docstring). Every failure is
    recorded in plain words and retried with backoff (1, 2, 4... minutes, then hourly) until
    OUTBOX_GIVE_UP_HOURS after the message was queued. Once sent, the bodies (with their
    single-use links) and the extra headers (an unsubscribe link) are dropped: only the record
    that it went out remains."""
    claim = _claim(message_id=message_id)
    if claim is None:  # sent, superseded, not due yet, or being sent right now by another worker
        return _status_of(message_id)
    message, unclaimed_status = claim
    where = ""
    try:
        email, where = compose_email(
            subject=message.subject, body_text=message.body_text, body_html=message.body_html,
            to=message.to, sender=message.sender, headers={**message.headers, "Message-ID": message.message_id})
    except LookupError:  # no email settings yet: waits, not counted as an attempt
        return _record(message, status=unclaimed_status, next_attempt_at=message.claimed_at + NOT_CONFIGURED_RETRY,
                       last_error=_("Falta configurar el envío de email del portal."))
    except Exception as error:
        return _record_failure(message, error, where)
    try:
        email.send()
    except Exception as error:  # SMTP, network, TLS: recorded in plain words, retried later
        return _record_failure(message, error, where)
    # A message superseded while it was being sent did go out: the record says so.
    return _record(message, also_when=OutboxMessage.Status.SUPERSEDED, status=OutboxMessage.Status.SENT,
                   attempts=message.attempts + 1, sent_at=timezone.now(), last_error="", next_attempt_at=None,
                   body_text="", body_html="", headers={})


def _claim(*, message_id: int) -> tuple[OutboxMessage, str] | None:
    """The message, taken for this worker in a transaction of its own (`sending`, due again only
    once the claim has expired), and the status to put back if it is not even tried; None if it
    is not due or another worker holds it."""
    now = timezone.now()
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status__in=OutboxMessage.CLAIMABLE, next_attempt_at__lte=now).first())
        if message is None:
            return None
        unclaimed_status = message.status
        if unclaimed_status == OutboxMessage.Status.SENDING:  # an expired claim: its worker died
            unclaimed_status = OutboxMessage.Status.PENDING
        message.status, message.claimed_at = OutboxMessage.Status.SENDING, now
        message.next_attempt_at = now + CLAIM_TIMEOUT
        message.save(update_fields=["status", "claimed_at", "next_attempt_at"])
    return message, unclaimed_status


def _record(message: OutboxMessage, *, also_when: str | None = None, **fields) -> str:
    """Store the attempt's result, only while this worker's claim holds (the message is still
    `sending`, or `also_when`, under the same claim): a claim that expired and was taken over, or
    a message superseded meanwhile, keeps its newer state. Returns the message's status."""
    holding = [OutboxMessage.Status.SENDING] + ([also_when] if also_when else [])
    if OutboxMessage.objects.filter(pk=message.pk, claimed_at=message.claimed_at, status__in=holding).update(**fields):
        return fields["status"]
    return _status_of(message.pk)


def _record_failure(message: OutboxMessage, error: BaseException, where: str) -> str:
    host, _sep, port = where.partition(":")
    attempts = message.attempts + 1
    if isinstance(error, SecretUnreadable):
        last_error = _("No se pudo leer la contraseña guardada del servidor de correo: vuelva a "
                       "ingresarla en Envío de email.")
    else:
        last_error = smtp_failure_message(error, host=host, port=port or None)
    give_up = message.created_at + timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS)
    retry_at = message.claimed_at + _backoff(attempts)
    log.warning("Outbox message %s failed (attempt %s): %s", message.pk, attempts, error)
    return _record(message, status=OutboxMessage.Status.ERROR, attempts=attempts, last_error=last_error,
                   next_attempt_at=retry_at if retry_at <= give_up else None)


def _status_of(message_id: int) -> str:
    return OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""


def outbox_retry_now(*, message_ids: list[int] | None = None) -> int:
    """The admin's "Reintentar" (one message, or every unsent one): due now, and queued."""
    unsent = OutboxMessage.objects.filter(status__in=OutboxMessage.UNSENT)
    if message_ids is not None:
        unsent = unsent.filter(pk__in=message_ids)
    ids = list(unsent.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    for message_id in ids:
        _enqueue(message_id)
    return len(ids)


@transaction.atomic
def email_settings_save(*, company, by: User, **arguments) -> None:
    """Envío de email saved (tenants.services does the storing); the log names the fields, never
    the password."""
    tenant_services.email_settings_update(company=company, **arguments)
    audit_record(kind=Kind.SETTINGS_EMAIL, actor=by, target=arguments.get("host", ""), detail={
        "fields": sorted(name for name in arguments if name != "password"),
        "password_changed": bool(arguments.get("password"))})


def email_test_send(*, to: str) -> None:
    """"Enviar prueba": sent at once, not through the outbox, so the admin sees why it failed:
    MailError EMAIL_NOT_CONFIGURED, SECRET_UNREADABLE, or SMTP_FAILED with the failure in plain
    words (`tenants.mail.smtp_failure_message`)."""
    subject, body_text, body_html = render_email("test", {})
    try:
        email, where = compose_email(subject=subject, body_text=body_text, body_html=body_html, to=to,
                                     sender=OutboxMessage.Sender.COMPANY)
    except LookupError as error:
        raise MailError(MailError.EMAIL_NOT_CONFIGURED) from error
    except SecretUnreadable as error:
        raise MailError(MailError.SECRET_UNREADABLE) from error
    try:
        email.send()
    except (smtplib.SMTPException, OSError, UnicodeError) as error:
        host, _sep, port = where.partition(":")
        raise MailError(MailError.SMTP_FAILED, reason=smtp_failure_message(error, host=host, port=port)) from error


def duration_words(seconds: int) -> str:
    """How long a link lasts, in words: "7 días", "1 hora", "90 minutos"."""
    with translation.override(settings.LANGUAGE_CODE):
        if seconds >= 86400 and seconds % 86400 == 0:
            return ngettext("%(n)d día", "%(n)d días", seconds // 86400) % {"n": seconds // 86400}
        if seconds >= 3600 and seconds % 3600 == 0:
            return ngettext("%(n)d hora", "%(n)d horas", seconds // 3600) % {"n": seconds // 3600}
        minutes = max(1, seconds // 60)
        return ngettext("%(n)d minuto", "%(n)d minutos", minutes) % {"n": minutes}


def link_context(base_url: str, path: str) -> dict:
    return {"url": base_url.rstrip("/") + path}
