"""The portal's navigation: one list, shown as the side menu on wide screens and as the
bottom bar on phones. Later sections add their entries here; each entry names who sees it."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str
    admin_only: bool = False


MENU = [
    MenuEntry(_("Inicio"), "home", "home"),
    MenuEntry(_("Integración ERP"), "integration", "plug", admin_only=True),
]


def menu_for(user, current_url_name: str | None) -> list[dict]:
    items = []
    for entry in MENU:
        if entry.admin_only and not user.is_portal_admin:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "icon": entry.icon,
                      "active": entry.url_name == current_url_name})
    return items
