"""Reads of the notification settings and of an account's choices."""

from portal_core.company.selectors import portal_settings
from portal_core.models import Notification, NotificationPreference, NotificationSettings

from . import kinds as k


def notification_settings() -> NotificationSettings:
    """The portal's (defaults until the admin saves Perfil → Notificaciones)."""
    return NotificationSettings.objects.order_by("id").first() or NotificationSettings()


def kinds_enabled(*, settings_row: NotificationSettings | None = None, switches=None) -> set[str]:
    """The kinds the admin has on whose portal section is also shown."""
    settings_row = settings_row or notification_settings()
    switches = switches or portal_settings()
    return {code for code, kind in k.KINDS.items()
            if code not in settings_row.disabled_kinds and getattr(switches, kind.switch)}


def kinds_available(*, link, switches=None) -> list[k.NotificationKind]:
    """The kinds an account may choose: by its customer/supplier link, the admin's choice and,
    for a colleague, the permissions its titular granted."""
    if link is None:
        return []
    enabled = kinds_enabled(switches=switches)
    granted = link.effective_permissions
    return [kind for kind in k.kinds_for(customer=link.customer_id is not None, supplier=link.supplier_id is not None)
            if kind.code in enabled and (not kind.permission or kind.permission in granted)]


def preferences_of(*, user) -> dict[str, str]:
    """{kind: delivery} of every kind, the kind's default where it chose nothing."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {code: chosen.get(code, kind.default_delivery) for code, kind in k.KINDS.items()}


def pending_ids(*, delivery: str, limit: int = 2000) -> list[int]:
    return list(Notification.objects.filter(status=Notification.Status.PENDING, delivery=delivery)
                .order_by("id").values_list("id", flat=True)[:limit])


def pending(*, delivery: str):
    """What the beat checks before sending a portal the task (tenants.fanout)."""
    return Notification.objects.filter(status=Notification.Status.PENDING, delivery=delivery)
