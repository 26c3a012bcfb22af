"""Reads of the portal's own settings. Called with the portal's schema active."""

from portal_core.models import PortalSettings


def portal_settings() -> PortalSettings:
    """The portal's settings (defaults until the admin changes them). A page reads them once,
    through its viewer (portal_core.web.viewer)."""
    return PortalSettings.objects.order_by("id").first() or PortalSettings()
