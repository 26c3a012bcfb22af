"""Who is looking at a portal page, resolved once per request.

`ViewerMiddleware` puts a `Viewer` on every request of a portal: the account, its customer and
supplier links and what it may do there (a colleague's permissions), the portal's switches
(PortalSettings) and the version of the ERP's master data. Each is read on first use and kept
for the rest of the request, so a page that needs none of them costs no query, and one that
needs them all reads each once. Views pass the viewer (or what they take from it) on; selectors
take plain keyword arguments, never the request.
"""

from functools import cached_property

from portal_core.access.selectors import account_link
from portal_core.company.selectors import portal_settings
from portal_core.erp.selectors import sync_marks
from portal_core.models import AccountLink


class Viewer:
    def __init__(self, user):
        self.user = user

    @cached_property
    def link(self):
        """The account's AccountLink (with both parties), or None."""
        return account_link(user=self.user) if self.user.is_authenticated else None

    @property
    def customer(self):
        return self.link.customer if self.link and self.link.customer_id else None

    @property
    def supplier(self):
        return self.link.supplier if self.link and self.link.supplier_id else None

    @property
    def permissions(self) -> frozenset[str]:
        """What this account may do in its parties' sections (AccountLink.Permission): all of it
        for a titular (and for an account with no link, which has no such sections), what its
        titular granted for a colleague (usuario de la empresa)."""
        return self.link.effective_permissions if self.link else AccountLink.ALL_PERMISSIONS

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    def shows_balances(self, kind: str) -> bool:
        """Balances on a customer's ("customer") or a supplier's ("supplier") pages: the portal's
        switch for that kind, and the account's *ver saldos*."""
        return getattr(self.settings, f"{kind}_balances") and self.may(AccountLink.Permission.BALANCES)

    @property
    def manages_colleagues(self) -> bool:
        """A titular of a portal that allows colleagues, with a party the ERP keeps active: sees
        *Usuarios de la empresa*."""
        return (not self.is_admin and self.link is not None and self.link.is_titular
                and self.settings.colleagues_allowed
                and any(party.active for party in (self.customer, self.supplier) if party is not None))

    @property
    def is_admin(self) -> bool:
        return self.user.is_authenticated and self.user.is_portal_admin

    @cached_property
    def settings(self):
        """The portal's switches, two-factor policy and image (PortalSettings)."""
        return portal_settings()

    @cached_property
    def _sync_marks(self) -> dict:
        return sync_marks()

    @property
    def master_version(self) -> str:
        """Changes with every batch of master data (customers, suppliers, branches, articles):
        part of every party page's data version (billing_views.paging.party_version)."""
        return self._sync_marks["master_version"]

    @property
    def data_version(self) -> str:
        """Changes with every ERP batch of any resource: the key of what the admin's reports
        read from the whole portal's synced data."""
        return self._sync_marks["version"]

    @property
    def data_updated_at(self):
        """When the ERP last synced anything ("Datos actualizados al ..."), or None."""
        return self._sync_marks["updated_at"]


class ViewerMiddleware:
    """After authentication: `request.viewer` on every request (read lazily, see Viewer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = Viewer(request.user)
        return self.get_response(request)
