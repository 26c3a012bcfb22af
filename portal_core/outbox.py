"""The outbox: every email is stored first, then sent by a Celery task from the company's SMTP
server (or the platform's). A send that fails is retried with backoff; a periodic sweep sends
what is due and what the broker lost. A message is sent at most once: it is sent while its
row is locked and marked sent in the same transaction.
"""

import logging
import secrets
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal_core.models import OutboxMessage
from tenants.mail import (
    company_connection,
    company_sender,
    email_settings_for,
    platform_connection,
    smtp_failure_message,
)

log = logging.getLogger(__name__)

LOGO_CID = "logo"
NOT_CONFIGURED_RETRY = timedelta(minutes=5)


def _require_portal_schema() -> None:
    if connection.schema_name == "public":
        raise RuntimeError("The outbox lives in a portal's schema")


def company_email_configured() -> bool:
    return email_settings_for(connection.tenant) is not None


def email_queue(*, to: str, kind: str, template: str, context: dict,
                sender: str = OutboxMessage.Sender.COMPANY) -> OutboxMessage:
    """Render the email (see `render_email`), store it, and send it once the current
    transaction commits."""
    _require_portal_schema()
    subject, body_text, body_html = render_email(template, context)
    message = OutboxMessage.objects.create(
        kind=kind, sender=sender, to=to, subject=subject, body_text=body_text, body_html=body_html,
        message_id=f"<{secrets.token_hex(16)}.{connection.tenant.slug}@{settings.PORTAL_BASE_DOMAIN}>",
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from .tasks import outbox_send

    try:
        outbox_send.delay(message_id)
    except Exception:  # broker down: the message waits in the outbox for the sweep
        log.warning("Outbox message %s not queued (broker unavailable); the sweep will send it", message_id)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _logo_part() -> MIMEImage:
    path = connection.tenant.logo
    content = None
    if path:
        try:
            with default_storage.open(path, "rb") as logo:
                content = logo.read()
        except FileNotFoundError:
            content = None
    if content is None:
        with open(finders.find("img/default-logo.png"), "rb") as logo:
            content = logo.read()
    part = MIMEImage(content, "png")
    part.add_header("Content-ID", f"<{LOGO_CID}>")
    part.add_header("Content-Disposition", "inline", filename="logo.png")
    return part


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of `portal_core/email/<template>.{txt,html}` (the text's first
    line is the subject)."""
    company = connection.tenant
    context = {"company": company, "company_name": company.display_name, **context}
    subject, _blank, body_text = render_to_string(f"portal_core/email/{template}.txt", context).partition("\n")
    subject = subject.strip()[:200]
    body_html = render_to_string(f"portal_core/email/{template}.html", {**context, "subject": subject})
    return subject, body_text.strip() + "\n", body_html


def compose_email(*, subject: str, body_text: str, body_html: str, to: str, sender: str,
                  headers: dict | None = None) -> tuple[EmailMultiAlternatives, str]:
    """The email, ready to send through the company's server (or the platform's), with the
    company's logo inline, and the server it goes through. Raises LookupError while the
    company has not configured email."""
    company = connection.tenant
    if sender == OutboxMessage.Sender.COMPANY:
        email_settings = email_settings_for(company)
        if email_settings is None:
            raise LookupError("email not configured")
        from_email, reply_to = company_sender(company, email_settings)
        backend = company_connection(email_settings)
        where = f"{email_settings.host}:{email_settings.port}"
    else:
        from_email, reply_to, backend, where = settings.DEFAULT_FROM_EMAIL, [], platform_connection(), ""
    email = EmailMultiAlternatives(subject=subject, body=body_text, from_email=from_email, to=[to],
                                   reply_to=reply_to, headers=headers or {}, connection=backend)
    email.mixed_subtype = "related"  # the logo is an inline part the HTML shows by its Content-ID
    email.attach_alternative(body_html, "text/html")
    email.attach(_logo_part())
    return email, where


def outbox_deliver(*, message_id: int) -> str:
    """Send one message if it is still unsent and nobody else is sending it. Returns its status."""
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id).exclude(status=OutboxMessage.Status.SENT).first())
        if message is None:  # sent already, or being sent right now by another worker
            return OutboxMessage.Status.SENT
        try:
            email, where = compose_email(
                subject=message.subject, body_text=message.body_text, body_html=message.body_html,
                to=message.to, sender=message.sender, headers={"Message-ID": message.message_id})
        except LookupError:
            message.last_error = _("Falta configurar el envío de email del portal.")
            message.next_attempt_at = timezone.now() + NOT_CONFIGURED_RETRY
            message.save(update_fields=["last_error", "next_attempt_at"])
            return message.status
        message.attempts += 1
        try:
            email.send()
        except Exception as error:  # SMTP, network, TLS: recorded in plain words, retried later
            host, _sep, port = where.partition(":")
            message.status = OutboxMessage.Status.ERROR
            message.last_error = smtp_failure_message(error, host=host, port=port or None)
            message.next_attempt_at = (timezone.now() + _backoff(message.attempts)
                                       if message.attempts < settings.OUTBOX_MAX_ATTEMPTS else None)
            log.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        else:
            message.status, message.sent_at = OutboxMessage.Status.SENT, timezone.now()
            message.last_error, message.next_attempt_at = "", None
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return message.status


def outbox_due_ids(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        .filter(next_attempt_at__lte=now)
        # A message queued a moment ago is left to its own task; the sweep takes it after this.
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)))
        .order_by("next_attempt_at").values_list("pk", flat=True)[:500]
    )


def outbox_retry_now(*, message: OutboxMessage) -> None:
    """The admin's "Reintentar": send a failed message again now."""
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxMessage.Status.SENT).update(
        next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _enqueue(message.pk))


def outbox_release_waiting() -> int:
    """Email was just configured: what waited for it goes out now."""
    waiting = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, attempts=0)
                   .values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
    for message_id in waiting:
        transaction.on_commit(lambda message_id=message_id: _enqueue(message_id))
    return len(waiting)
