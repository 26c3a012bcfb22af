import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key the company's ERP uses on this portal's sync API. Only its hash is stored;
    the key itself is shown once, when created. Keys live in the portal's schema, so a key
    is unknown (401) on any other portal."""

    name = models.CharField(_("nombre"), max_length=80)
    prefix = models.CharField(_("prefijo"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)

    class Meta:
        verbose_name = _("clave de API")
        verbose_name_plural = _("claves de API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SyncState(models.Model):
    """When the ERP last synced each resource: the pages show "Datos actualizados al ..."."""

    resource = models.CharField(max_length=40, unique=True)
    last_synced_at = models.DateTimeField()
    last_batch_rows = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.resource


class PartyStamp(models.Model):
    """When an ERP batch last changed a party's rows of one document resource (its own, or as
    the associated customer). A party's pages keep their counts, summaries and rows under these
    stamps (billing_views.paging), so a batch for one customer leaves every other party's pages
    cached. Master data (customers, suppliers, branches, articles) is stamped in SyncState only,
    and changes every page's key."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer"
        SUPPLIER = "supplier"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    party_id = models.BigIntegerField()  # a Customer's or a Supplier's id, by `kind`
    resource = models.CharField(max_length=40)
    stamped_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "party_id", "resource"], name="party_stamp_unique")]

    def __str__(self):
        return f"{self.kind} {self.party_id} {self.resource}"


class ErpEvent(models.Model):
    """Something that happened in the portal that the company's ERP should learn about
    (registrations, approvals, questions, pickups). The ERP pulls them in `id` order from
    `GET /api/v1/events/?after=<id>`; nothing is pushed to the company's network.

    Rows are written by `portal_core.erp.events.event_record` inside the transaction of the
    change, which takes a transaction-level lock first: ids are handed out and committed in
    order, so a reader that saw id N never later finds a smaller id appear."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registro")
        REGISTRATION_APPROVED = "registration_approved", _("Petición aprobada")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitación aceptada")
        QUESTION_OPENED = "question_opened", _("Consulta abierta")
        QUESTION_MESSAGE = "question_message", _("Mensaje en una consulta")
        QUESTION_CLOSED = "question_closed", _("Consulta cerrada")
        PICKUP_SCHEDULED = "pickup_scheduled", _("Retiro programado")
        PICKUP_CANCELLED = "pickup_cancelled", _("Retiro cancelado")
        PICKUP_DONE = "pickup_done", _("Pago retirado")
        COLLEAGUE_INVITED = "colleague_invited", _("Usuario de la empresa invitado")
        COLLEAGUE_DEACTIVATED = "colleague_deactivated", _("Usuario de la empresa desactivado")

    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # What it is about, as the ERP knows it: a resource of the sync API and its external_id
    # ("customers", "C-1"), or empty when the ERP has no key for it (a registration not yet linked).
    resource = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.id} {self.kind}"
