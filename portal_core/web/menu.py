"""The portal's navigation: one list, shown as the side menu on wide screens and as the
bottom bar on phones. Each entry names who sees it: everyone, the portal's admins, accounts
linked to a customer, accounts linked to a supplier, accounts linked to either (PARTY), or a
party's titular (usuarios de la empresa); and, for a colleague, the permission it needs. An
entry's `counter` adds a number to its label (the admin's "Consultas (3)"): it runs on every
page that shows the entry, so it must be cheap (a cached count)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

ALL, ADMIN, CUSTOMER, SUPPLIER, TITULAR = "all", "admin", "customer", "supplier", "titular"
PARTY = "party"  # linked to a customer or a supplier


def _open_questions() -> int:
    from portal_core.questions.selectors import open_count

    return open_count()


@dataclass(frozen=True)
class MenuEntry:
    label: str
    short_label: str
    url_name: str
    icon: str
    audience: str = ALL
    switch: str = ""  # the PortalSettings field that can hide this section
    permission: str = ""  # the AccountLink.Permission a colleague (usuario de la empresa) needs to see it
    counter: Callable[[], int] | None = None  # a number shown with the label ("Consultas (3)") when not 0


MENU = [
    MenuEntry(_("Inicio"), _("Inicio"), "home", "home"),
    MenuEntry(_("Facturas de venta"), _("Facturas"), "sales_invoices", "doc", CUSTOMER, "customer_invoices"),
    MenuEntry(_("Cuenta corriente"), _("Cta. cte."), "customer_ledger", "ledger", CUSTOMER, "customer_ledger"),
    MenuEntry(_("Seguimiento de pedidos"), _("Pedidos"), "orders", "box", CUSTOMER, "customer_orders",
              "orders"),
    MenuEntry(_("Facturas de compra"), _("Compras"), "purchase_invoices", "doc", SUPPLIER, "supplier_invoices"),
    MenuEntry(_("Cuenta corriente proveedores"), _("Cta. cte."), "supplier_ledger", "ledger", SUPPLIER,
              "supplier_ledger"),
    MenuEntry(_("Retiro de pagos"), _("Pagos"), "supplier_payments", "cash", SUPPLIER,
              "supplier_payments", "payments"),
    MenuEntry(_("Mis consultas"), _("Consultas"), "my_questions", "mail", PARTY),
    MenuEntry(_("Consultas"), _("Consultas"), "admin_questions", "mail", ADMIN, counter=_open_questions),
    MenuEntry(_("Cuentas corrientes"), _("Saldos"), "admin_balances", "ledger", ADMIN),
    MenuEntry(_("Ventas"), _("Ventas"), "admin_sales", "chart", ADMIN),
    MenuEntry(_("Entregas del día"), _("Entregas"), "pickup_deliveries", "cash", ADMIN,
              "supplier_payments"),
    MenuEntry(_("Activaciones"), _("Accesos"), "activations", "users", ADMIN),
    MenuEntry(_("Registro de actividad"), _("Actividad"), "activity_log", "list", ADMIN),
    MenuEntry(_("Envío de email"), _("Email"), "email_settings", "mail", ADMIN),
    MenuEntry(_("Integración ERP"), _("ERP"), "integration", "plug", ADMIN),
    MenuEntry(_("Empresa"), _("Empresa"), "company_settings", "building", ADMIN),
    MenuEntry(_("Perfil"), _("Perfil"), "profile", "user", ADMIN),
    MenuEntry(_("Usuarios de la empresa"), _("Usuarios"), "colleagues", "users", TITULAR),
    MenuEntry(_("Mi cuenta"), _("Cuenta"), "my_account", "user"),
]


def audiences_for(viewer) -> set[str]:
    audiences = {ALL}
    if viewer.is_admin:
        audiences.add(ADMIN)
    if viewer.customer is not None:
        audiences |= {CUSTOMER, PARTY}
    if viewer.supplier is not None:
        audiences |= {SUPPLIER, PARTY}
    if viewer.manages_colleagues:
        audiences.add(TITULAR)
    return audiences


def menu_for(request, current_url_name: str | None) -> list[dict]:
    audiences = audiences_for(request.viewer)
    switches = request.viewer.settings
    items = []
    for entry in MENU:
        if entry.audience not in audiences or (entry.switch and not getattr(switches, entry.switch)):
            continue
        if entry.permission and not request.viewer.may(entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        label, short_label = entry.label, entry.short_label
        count = entry.counter() if entry.counter else 0
        if count:
            label, short_label = f"{label} ({count})", f"{short_label} ({count})"
        items.append({"label": label, "short_label": short_label, "url": url, "icon": entry.icon,
                      "active": entry.url_name == current_url_name})
    return items
