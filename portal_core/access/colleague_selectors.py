"""Usuarios de la empresa: a titular's team and the portal admin's list of every colleague."""

from django.db.models import Q
from django.utils import timezone

from portal_core.access.models import Invitation
from portal_core.access.selectors import party_label
from portal_core.models import AccountLink


def _permission_labels(codes) -> list[str]:
    labels = dict(AccountLink.Permission.choices)
    return [str(labels[code]) for code in AccountLink.Permission.values if code in set(codes or ())]


def team_colleagues(*, link: AccountLink) -> list[AccountLink]:
    """The colleagues of a titular's team (linked to exactly its customer and supplier), oldest first."""
    return list(AccountLink.objects.select_related("user", "invited_by")
                .filter(role=AccountLink.Role.COLLEAGUE, customer_id=link.customer_id, supplier_id=link.supplier_id)
                .order_by("user__date_joined", "pk"))


def team_invitations(*, link: AccountLink) -> list[Invitation]:
    """The team's colleague invitations not yet used (expired ones too: inviting again renews them)."""
    return list(Invitation.objects.select_related("created_by")
                .filter(accepted_at=None, role=AccountLink.Role.COLLEAGUE, customer_id=link.customer_id,
                        supplier_id=link.supplier_id).order_by("-sent_at"))


def all_colleagues(*, query: str = "") -> list[dict]:
    """The portal admin's list: every colleague account and pending colleague invitation, with
    who invited them, for which party, their permissions and state; newest first."""
    rows = []
    links = AccountLink.objects.select_related("user", "invited_by", "customer", "supplier").filter(
        role=AccountLink.Role.COLLEAGUE)
    invitations = Invitation.objects.select_related("created_by", "customer", "supplier").filter(
        role=AccountLink.Role.COLLEAGUE, accepted_at=None)
    query = query.strip().lower()
    if query:
        links = links.filter(Q(user__email__icontains=query) | Q(invited_by__email__icontains=query))
        invitations = invitations.filter(Q(email__icontains=query) | Q(created_by__email__icontains=query))
    for link in links:
        rows.append({"user_id": link.user_id, "email": link.user.email,
                     "party": party_label(link.customer, link.supplier),
                     "invited_by": link.invited_by.email if link.invited_by else "",
                     "permissions": _permission_labels(link.permissions),
                     "state": "active" if link.user.is_active else "inactive", "date": link.user.date_joined})
    now = timezone.now()
    for invitation in invitations:
        rows.append({"user_id": None, "email": invitation.email,
                     "party": party_label(invitation.customer, invitation.supplier),
                     "invited_by": invitation.created_by.email if invitation.created_by else "",
                     "permissions": _permission_labels(invitation.permissions),
                     "state": "expired" if invitation.expires_at <= now else "invited", "date": invitation.sent_at})
    rows.sort(key=lambda row: row["date"], reverse=True)
    return rows
