"""The kinds of notification: who may get each, the portal section it speaks about, and its words.

Adding a kind: add it here (code, audience, section switch, words), record its events where
what it tells about happens (`portal_core.notifications.producers`), and give it a link in
`path`. Accounts get it by default (immediately); the admin can turn it off in Perfil;
no migration is needed (settings and preferences store kind codes).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CUSTOMER, SUPPLIER = "customer", "supplier"

NEW_DOCUMENT = "new_document"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
PAYMENT_READY = "payment_ready"
WITHHOLDING_CERTIFICATE = "withholding_certificate"
STATEMENT_CUSTOMER = "statement_customer"
STATEMENT_SUPPLIER = "statement_supplier"


@dataclass(frozen=True)
class NotificationKind:
    code: str
    audience: str  # CUSTOMER or SUPPLIER: the account's link that makes it available
    switch: str  # the PortalSettings section it speaks about: hidden section, no notification
    label: str  # Mi cuenta → Notificaciones and Perfil
    help: str
    heading: str  # the email's first line, and the digest's section title
    path: str  # the portal page the email links to
    # The AccountLink.Permission a colleague (usuario de la empresa) needs to get it: what the
    # email shows must be what its pages may show it. Titulars have every permission.
    permission: str = ""
    # What an account that chose nothing gets: "immediate", or "off" for what it must ask for.
    default_delivery: str = "immediate"


KINDS: dict[str, NotificationKind] = {kind.code: kind for kind in (
    NotificationKind(NEW_DOCUMENT, CUSTOMER, "customer_invoices", _("Comprobantes nuevos"),
                     _("Cuando la empresa emite una factura, nota de crédito o nota de débito a su nombre."),
                     _("Tiene comprobantes nuevos"), "/facturas/"),
    NotificationKind(DUE_SOON, CUSTOMER, "customer_ledger", _("Próximos vencimientos"),
                     _("Unos días antes de que venza un comprobante con saldo pendiente."),
                     _("Comprobantes por vencer"), "/cuenta-corriente/", "balances"),
    NotificationKind(OVERDUE, CUSTOMER, "customer_ledger", _("Comprobantes vencidos"),
                     _("Un recordatorio por semana mientras un comprobante vencido tenga saldo pendiente."),
                     _("Comprobantes vencidos con saldo pendiente"), "/cuenta-corriente/", "balances"),
    NotificationKind(PAYMENT_READY, SUPPLIER, "supplier_payments", _("Pagos listos para retirar"),
                     _("Cuando una orden de pago queda lista para retirar."),
                     _("Tiene pagos listos para retirar"), "/retiro-de-pagos/", "payments"),
    NotificationKind(WITHHOLDING_CERTIFICATE, SUPPLIER, "supplier_payments", _("Certificados de retención"),
                     _("Cuando la empresa emite un certificado de retención a su nombre."),
                     _("Tiene certificados de retención nuevos"), "/retiro-de-pagos/", "payments"),
    # Monthly, asked for: a link to the previous month's statement (Descargar resumen), not the
    # file itself, so balances stay behind the portal's login instead of in mailboxes.
    NotificationKind(STATEMENT_CUSTOMER, CUSTOMER, "customer_ledger", _("Resumen de cuenta mensual"),
                     _("El primer día de cada mes, el enlace para descargar el resumen de cuenta del mes anterior."),
                     _("Su resumen de cuenta del mes anterior"), "/cuenta-corriente/resumen/", "downloads", "off"),
    NotificationKind(STATEMENT_SUPPLIER, SUPPLIER, "supplier_ledger", _("Resumen de cuenta mensual (proveedor)"),
                     _("El primer día de cada mes, el enlace para descargar el resumen de cuenta del mes anterior."),
                     _("Su resumen de cuenta del mes anterior"), "/cuenta-corriente-proveedor/resumen/", "downloads",
                     "off"),
)}


def kinds_for(*, customer: bool, supplier: bool) -> list[NotificationKind]:
    """The kinds an account's links make possible (before the admin's and its own choice)."""
    audiences = {CUSTOMER} if customer else set()
    if supplier:
        audiences.add(SUPPLIER)
    return [kind for kind in KINDS.values() if kind.audience in audiences]
