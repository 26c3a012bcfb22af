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
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal_core.models import OutboxMessage
from tenants.crypto import SecretUnreadable
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
                sender: str = OutboxMessage.Sender.COMPANY, supersede: bool = False) -> OutboxMessage:
    """Render the email (see `render_email`), store it, and send it once the current
    transaction commits. `supersede`: this email's link replaces the one of any earlier,
    still unsent email of the same kind to the same address, which is then not sent at all."""
    _require_portal_schema()
    if supersede:
        OutboxMessage.objects.filter(to=to, kind=kind).exclude(status=OutboxMessage.Status.SENT).update(
            status=OutboxMessage.Status.SUPERSEDED, body_text="", body_html="", next_attempt_at=None)
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
    # The portal's customers and suppliers read Spanish, whatever language the sender browses in.
    with translation.override(settings.LANGUAGE_CODE):
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
    """Send one message if it is unsent, due, and nobody else is sending it. Returns its status.

    Every failure is recorded in plain words and retried with backoff (1, 2, 4... minutes, then
    hourly) until OUTBOX_GIVE_UP_HOURS after the message was queued. Once sent, the bodies (with
    their single-use links) are dropped: only the record that it went out remains."""
    now = timezone.now()
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status__in=OutboxMessage.UNSENT, next_attempt_at__lte=now).first())
        if message is None:  # sent, superseded, not due yet, or being sent right now by another worker
            return OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""
        where = ""
        try:
            email, where = compose_email(
                subject=message.subject, body_text=message.body_text, body_html=message.body_html,
                to=message.to, sender=message.sender, headers={"Message-ID": message.message_id})
        except LookupError:  # no email settings yet: waits, not counted as an attempt
            message.last_error = _("Falta configurar el envío de email del portal.")
            message.next_attempt_at = now + NOT_CONFIGURED_RETRY
            message.save(update_fields=["last_error", "next_attempt_at"])
            return message.status
        except Exception as error:
            _record_failure(message, error, where, now)
            return message.status
        try:
            email.send()
        except Exception as error:  # SMTP, network, TLS: recorded in plain words, retried later
            _record_failure(message, error, where, now)
            return message.status
        message.attempts += 1
        message.status, message.sent_at = OutboxMessage.Status.SENT, timezone.now()
        message.last_error, message.next_attempt_at, message.body_text, message.body_html = "", None, "", ""
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at",
                                    "body_text", "body_html"])
        return message.status


def _record_failure(message: OutboxMessage, error: BaseException, where: str, now) -> None:
    host, _sep, port = where.partition(":")
    message.attempts += 1
    message.status = OutboxMessage.Status.ERROR
    if isinstance(error, SecretUnreadable):
        message.last_error = _("No se pudo leer la contraseña guardada del servidor de correo: vuelva a "
                               "ingresarla en Envío de email.")
    else:
        message.last_error = smtp_failure_message(error, host=host, port=port or None)
    give_up = message.created_at + timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS)
    retry_at = now + _backoff(message.attempts)
    message.next_attempt_at = retry_at if retry_at <= give_up else None
    message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    log.warning("Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, error)


def outbox_due_ids(*, now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(status__in=OutboxMessage.UNSENT, next_attempt_at__lte=now)
        # A message queued a moment ago is left to its own task; the sweep takes it after this.
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)))
        .order_by("next_attempt_at").values_list("pk", flat=True)[:500]
    )


def outbox_retry_now(*, message_ids: list[int] | None = None) -> int:
    """The admin's "Reintentar" (one message, or every unsent one): due now, and queued."""
    unsent = OutboxMessage.objects.filter(status__in=OutboxMessage.UNSENT)
    if message_ids is not None:
        unsent = unsent.filter(pk__in=message_ids)
    ids = list(unsent.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    for message_id in ids:
        transaction.on_commit(lambda message_id=message_id: _enqueue(message_id))
    return len(ids)
