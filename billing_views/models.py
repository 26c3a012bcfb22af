from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ZipJob(models.Model):
    """One *Descargar todas*: who asked, for which filters, how far the Celery task got, and
    where the ZIP is. Kept in the portal's schema, so neither a Redis restart nor a crashed
    worker loses it: the sweep (`downloads.zip_jobs_requeue`) queues it again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cola")
        RUNNING = "running", _("Preparando")
        READY = "ready", _("Listo")
        ERROR = "error", _("Falló")

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.TextField(blank=True)  # the list's filters, as its URL had them
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(null=True)  # unknown until the task selects the documents
    done = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=500, blank=True)  # in default_storage, once ready
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started; each owns the row while current
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)  # last progress: a running job silent too long crashed
    finished_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"]), models.Index(fields=["expires_at"])]

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return self.done * 100 // self.total if self.total else 0
