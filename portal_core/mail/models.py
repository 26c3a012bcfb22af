from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Every email the portal sends, stored before it is sent (DESIGN: a broker outage delays
    mail, never drops it). A Celery task sends it; a periodic sweep retries what failed or
    what the broker lost. A worker claims a message (`sending`, `claimed_at`) before it talks
    to the SMTP server, and records the result only while its claim still holds (see
    `portal_core.mail.outbox.outbox_deliver`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        SENDING = "sending", _("Enviando")
        SENT = "sent", _("Enviado")
        ERROR = "error", _("Error")
        SUPERSEDED = "superseded", _("Reemplazado por uno más nuevo")

    # What the admin can retry: a message being sent is not, until its claim expires.
    UNSENT = (Status.PENDING, Status.ERROR)
    # What a worker may claim once due; a `sending` message is due when its claim has expired.
    CLAIMABLE = (Status.PENDING, Status.ERROR, Status.SENDING)

    class Sender(models.TextChoices):
        COMPANY = "company", _("Empresa")  # the company's own SMTP server, sender and reply-to
        PLATFORM = "platform", _("Plataforma")  # the platform's (EMAIL_* settings)

    kind = models.CharField(_("tipo"), max_length=30)
    sender = models.CharField(max_length=10, choices=Sender.choices, default=Sender.COMPANY)
    to = models.EmailField(_("destinatario"))
    subject = models.CharField(_("asunto"), max_length=200)
    body_text = models.TextField()
    body_html = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    # Extra headers the sent message carries (List-Unsubscribe of notifications), kept after sending.
    headers = models.JSONField(default=dict, db_default={}, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("motivo"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(_("creado"), default=timezone.now)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    # When the last worker claimed the message to send it; also that claim's token.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=~Q(status="sent"), name="outbox_due_idx"),
            models.Index(fields=["-created_at"], name="outbox_recent_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"
