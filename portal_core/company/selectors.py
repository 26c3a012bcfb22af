from portal_core.models import (
    PortalSettings,
)


def portal_settings(request=None) -> "PortalSettings":
    """The portal's settings (defaults until the admin changes them), read once per request."""
    cached = getattr(request, "_portal_settings", None) if request is not None else None
    if cached is None:
        cached = PortalSettings.objects.order_by("id").first() or PortalSettings()
        if request is not None:
            request._portal_settings = cached
    return cached
