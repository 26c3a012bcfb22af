from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal_core.cuit import cuit_format

from .base import ErpRecord


class Party(ErpRecord):
    business_name = models.CharField(_("razón social"), max_length=200)
    tax_id = models.CharField(_("CUIT"), max_length=11, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.business_name

    @property
    def tax_id_display(self) -> str:
        return cuit_format(self.tax_id)


class Customer(Party):
    # Companies of one group ("relacionados"), as each customer's row in the ERP declares them.
    # Stored one way, so re-syncing one customer never erases what another declared; the
    # group of a customer is both directions together (see `group_ids`).
    related = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="related_by",
                                     verbose_name=_("relacionados"))

    def group_ids(self) -> list[int]:
        """The related customers, whichever of the two declared the link."""
        through = Customer.related.through.objects
        declared = through.filter(from_customer_id=self.id).values_list("to_customer_id", flat=True)
        declaring = through.filter(to_customer_id=self.id).values_list("from_customer_id", flat=True)
        return sorted(set(declared.union(declaring)))  # one query

    class Meta:
        verbose_name = _("cliente")
        verbose_name_plural = _("clientes")
        indexes = [
            models.Index(fields=["business_name"], name="customer_name_idx"),
            models.Index(fields=["tax_id"], name="customer_tax_id_idx"),
            models.Index(fields=["email"], name="customer_email_idx"),
            models.Index(fields=["synced_at", "id"], name="customer_synced_idx"),
        ]


class Supplier(Party):
    class Meta:
        verbose_name = _("proveedor")
        verbose_name_plural = _("proveedores")
        indexes = [
            models.Index(fields=["business_name"], name="supplier_name_idx"),
            models.Index(fields=["tax_id"], name="supplier_tax_id_idx"),
            models.Index(fields=["email"], name="supplier_email_idx"),
            models.Index(fields=["synced_at", "id"], name="supplier_synced_idx"),
        ]


class Branch(ErpRecord):
    name = models.CharField(_("nombre"), max_length=120)

    class Meta:
        verbose_name = _("sucursal")
        verbose_name_plural = _("sucursales")
        indexes = [models.Index(fields=["synced_at", "id"], name="branch_synced_idx")]

    def __str__(self):
        return self.name


class Article(ErpRecord):
    code = models.CharField(_("código"), max_length=64)
    description = models.CharField(_("descripción"), max_length=250)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="articles",
        verbose_name=_("proveedor"),
    )

    class Meta:
        verbose_name = _("artículo")
        verbose_name_plural = _("artículos")
        indexes = [models.Index(fields=["code"], name="article_code_idx"),
                   models.Index(fields=["synced_at", "id"], name="article_synced_idx")]

    def __str__(self):
        return f"{self.code} {self.description}"


class AccountLink(models.Model):
    """What a portal account may see: the customer and/or the supplier it is linked to.

    An account the portal admin let in (an invitation or an approved request) is the party's
    *titular* and sees everything the portal's switches show. When the portal allows it
    (PortalSettings.colleagues_allowed) a titular invites *usuarios de la empresa*: colleagues
    linked to the same parties, who see only what their `permissions` grant and invite nobody."""

    class Role(models.TextChoices):
        TITULAR = "titular", _("Titular")
        COLLEAGUE = "colleague", _("Usuario de la empresa")

    class Permission(models.TextChoices):
        BALANCES = "balances", _("Ver saldos")
        DOWNLOADS = "downloads", _("Descargar comprobantes")
        ORDERS = "orders", _("Ver pedidos")
        PAYMENTS = "payments", _("Retiro de pagos")

    ALL_PERMISSIONS = frozenset(Permission.values)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link", verbose_name=_("cuenta")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="account_links",
        verbose_name=_("cliente"),
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="account_links",
        verbose_name=_("proveedor"),
    )

    role = models.CharField(_("rol"), max_length=10, choices=Role.choices, default=Role.TITULAR)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("invitado por"))
    permissions = models.JSONField(_("permisos"), default=list, blank=True)  # a colleague's Permission values

    class Meta:
        verbose_name = _("vínculo de cuenta")
        verbose_name_plural = _("vínculos de cuentas")

    @property
    def is_titular(self) -> bool:
        return self.role == self.Role.TITULAR

    @property
    def applicable_permissions(self) -> list[str]:
        """The permissions that mean something for these parties: orders are a customer's,
        payment pickup a supplier's."""
        skip = {self.Permission.ORDERS} if self.customer_id is None else set()
        skip |= {self.Permission.PAYMENTS} if self.supplier_id is None else set()
        return [code for code in self.Permission.values if code not in skip]

    @property
    def effective_permissions(self) -> frozenset[str]:
        """What this account may do: everything for a titular, what was granted for a colleague."""
        if self.is_titular:
            return self.ALL_PERMISSIONS
        return self.ALL_PERMISSIONS & frozenset(self.permissions or ())
