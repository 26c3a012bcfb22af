"""Consultas: a thread between a customer or supplier and the company about one of its
documents, current-account movements or payment orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Question(models.Model):
    class Subject(models.TextChoices):
        SALES_INVOICE = "sales_invoice", _("Comprobante de venta")
        PURCHASE_INVOICE = "purchase_invoice", _("Comprobante de compra")
        CUSTOMER_ENTRY = "customer_entry", _("Movimiento de cuenta corriente")
        SUPPLIER_ENTRY = "supplier_entry", _("Movimiento de cuenta corriente")
        SUPPLIER_PAYMENT = "supplier_payment", _("Orden de pago")

    class Status(models.TextChoices):
        OPEN = "open", _("Abierta")
        ANSWERED = "answered", _("Respondida")
        CLOSED = "closed", _("Cerrada")

    # The subject by kind and id, not by foreign key: the ERP may delete or re-sync the row, and
    # the conversation about it must stay (with the number it had, `subject_label`).
    subject_kind = models.CharField(_("sobre"), max_length=20, choices=Subject.choices)
    subject_id = models.BigIntegerField()
    subject_external_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("comprobante"), max_length=120)
    customer = models.ForeignKey("portal_core.Customer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="questions", verbose_name=_("cliente"))
    supplier = models.ForeignKey("portal_core.Supplier", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="questions", verbose_name=_("proveedor"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("último mensaje"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consulta")
        verbose_name_plural = _("consultas")
        constraints = [
            models.CheckConstraint(condition=Q(customer__isnull=True) ^ Q(supplier__isnull=True),
                                   name="question_one_party"),
        ]
        indexes = [
            # The admin's list (by state, newest activity first) and the menu's count of open ones.
            models.Index(fields=["status", "-last_message_at"], name="question_status_idx"),
            models.Index(fields=["customer", "-last_message_at"], name="question_customer_idx"),
            models.Index(fields=["supplier", "-last_message_at"], name="question_supplier_idx"),
            models.Index(fields=["subject_kind", "subject_id"], name="question_subject_idx"),
        ]

    def __str__(self):
        return f"{self.get_subject_kind_display()} {self.subject_label}"

    @property
    def party(self):
        return self.customer if self.customer_id else self.supplier


# The portal section each subject belongs to (PortalSettings switch) and the permission a
# colleague (usuario de la empresa) needs for it: a thread shows and emails only what the
# section itself would show that account.
SUBJECT_SECTIONS = {
    Question.Subject.SALES_INVOICE: "customer_invoices",
    Question.Subject.PURCHASE_INVOICE: "supplier_invoices",
    Question.Subject.CUSTOMER_ENTRY: "customer_ledger",
    Question.Subject.SUPPLIER_ENTRY: "supplier_ledger",
    Question.Subject.SUPPLIER_PAYMENT: "supplier_payments",
}
SUBJECT_PERMISSIONS = {Question.Subject.SUPPLIER_PAYMENT: "payments"}


class QuestionMessage(models.Model):
    class Side(models.TextChoices):
        PARTY = "party", _("Cliente o proveedor")
        COMPANY = "company", _("Empresa")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_email = models.EmailField()  # kept when the account is deleted
    side = models.CharField(max_length=10, choices=Side.choices)
    text = models.TextField(_("mensaje"))
    created_at = models.DateTimeField(auto_now_add=True)
    # At most one attachment, in the default storage (never a public URL: served by a view that
    # checks who asks). Its type was read from its content, not from its name.
    attachment = models.CharField(max_length=255, blank=True)
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("mensaje de consulta")
        verbose_name_plural = _("mensajes de consultas")
