"""Usuarios de la empresa: when the portal allows it (PortalSettings.colleagues_allowed), a
party's titular invites colleagues of its company, chooses what each may do
(AccountLink.Permission), changes it, and deactivates or reactivates them; the portal admin
sees them all and can revoke any.

A titular's *team* is the colleagues linked to exactly its customer and supplier: every
lookup goes through `_team_member`, so someone else's colleague answers as one that does not
exist. Invitations are the portal's own (services.invitations): the same single-use, expiring
link, the account made with the colleague role and the permissions chosen. Each step writes its
activity-log row, and inviting and deactivating tell the ERP (COLLEAGUE_INVITED,
COLLEAGUE_DEACTIVATED), in the change's transaction.
"""

from django.db import connection, transaction

from portal_core.access.errors import AccessError
from portal_core.access.services.common import _require_email, invitation_email_lock
from portal_core.access.services.invitations import invitation_send
from portal_core.accounts.models import User, normalize_email
from portal_core.activity.services import Kind, audit_record
from portal_core.company.selectors import portal_settings
from portal_core.erp.events import Kind as EventKind
from portal_core.erp.events import event_record
from portal_core.models import AccountLink, Invitation

Role, Permission = AccountLink.Role, AccountLink.Permission


def _company() -> str:
    return connection.tenant.display_name


def titular_link(*, user: User) -> AccountLink:
    """The link of an active titular while the portal allows colleagues; AccessError otherwise
    (the views answer 404 before getting here: see selectors.colleagues_titular)."""
    if not portal_settings().colleagues_allowed:
        raise AccessError(AccessError.COLLEAGUES_OFF, company=_company())
    link = AccountLink.objects.select_related("customer", "supplier").filter(
        user=user, user__is_active=True, role=Role.TITULAR).first()
    if link is None or user.is_portal_admin:
        raise AccessError(AccessError.COLLEAGUE_NOT_FOUND)
    return link


def _clean_permissions(permissions, link: AccountLink) -> list[str]:
    """Known permissions that apply to the parties (no *ver pedidos* for a supplier alone)."""
    return sorted(set(permissions) & set(link.applicable_permissions))


def _event(kind: str, link, email: str, **data) -> None:
    """The ERP's event, about the party as the ERP knows it (the customer, else the supplier)."""
    party, resource = (link.customer, "customers") if link.customer_id else (link.supplier, "suppliers")
    event_record(kind=kind, resource=resource, external_id=party.external_id, data={
        "email": email, "customer": link.customer.external_id if link.customer_id else None,
        "supplier": link.supplier.external_id if link.supplier_id else None, **data})


def _party_label(link) -> str:
    return " · ".join(party.business_name for party in (link.customer, link.supplier) if party is not None)


@transaction.atomic
def colleague_invite(*, titular: User, email: str, permissions, base_url: str) -> Invitation:
    """Invite a colleague to the titular's parties with these permissions. Inviting again an
    email the team already invited sends a new link (the old one stops working)."""
    link = titular_link(user=titular)
    _require_email()
    email = normalize_email(email)
    invitation_email_lock(email)
    if User.objects.filter(email=email).exists():
        raise AccessError(AccessError.COLLEAGUE_ACCOUNT_EXISTS, email=email, company=_company())
    pending = Invitation.objects.select_for_update().filter(email=email, accepted_at=None).first()
    if pending is not None and not (pending.role == Role.COLLEAGUE and pending.customer_id == link.customer_id
                                    and pending.supplier_id == link.supplier_id):
        raise AccessError(AccessError.COLLEAGUE_INVITED_ELSEWHERE, email=email, company=_company())
    permissions = _clean_permissions(permissions, link)
    invitation = invitation_send(email=email, customer_id=link.customer_id, supplier_id=link.supplier_id,
                                 by=titular, invited_by=titular, base_url=base_url, role=Role.COLLEAGUE,
                                 permissions=permissions)
    _event(EventKind.COLLEAGUE_INVITED, link, email, invited_by=titular.email, permissions=permissions)
    return invitation


def _team_member(*, link: AccountLink, user_id: int) -> AccountLink:
    """A colleague of the titular's team, locked, or COLLEAGUE_NOT_FOUND (also for anyone else's)."""
    member = (AccountLink.objects.select_for_update(of=("self",)).select_related("user", "customer", "supplier")
              .filter(user_id=user_id, role=Role.COLLEAGUE, customer_id=link.customer_id,
                      supplier_id=link.supplier_id).first())
    if member is None:
        raise AccessError(AccessError.COLLEAGUE_NOT_FOUND)
    return member


@transaction.atomic
def colleague_permissions_set(*, titular: User, user_id: int, permissions) -> AccountLink:
    member = _team_member(link=titular_link(user=titular), user_id=user_id)
    before, after = list(member.permissions or []), _clean_permissions(permissions, member)
    if before != after:
        member.permissions = after
        member.save(update_fields=["permissions"])
        audit_record(kind=Kind.COLLEAGUE_PERMISSIONS, actor=titular, target=member.user.email,
                     detail={"before": before, "after": after})
    return member


@transaction.atomic
def colleague_set_active(*, titular: User, user_id: int, active: bool) -> AccountLink:
    """Desactivar / Reactivar a colleague. A deactivated account cannot log in, and its open
    sessions end at their next request (Django checks `is_active` on every request)."""
    member = _team_member(link=titular_link(user=titular), user_id=user_id)
    _set_active(member, active=active, by=titular,
                kind=Kind.COLLEAGUE_REACTIVATED if active else Kind.COLLEAGUE_DEACTIVATED)
    return member


def _set_active(member: AccountLink, *, active: bool, by: User, kind: str) -> None:
    user = member.user
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(kind=kind, actor=by, target=f"{user.email} → {_party_label(member)}")
    if not active:
        _event(EventKind.COLLEAGUE_DEACTIVATED, member, user.email, by=by.email)


@transaction.atomic
def colleague_revoke(*, user_id: int, by: User) -> AccountLink:
    """The portal admin's *Revocar*: deactivates any colleague of the portal."""
    member = (AccountLink.objects.select_for_update(of=("self",)).select_related("user", "customer", "supplier")
              .filter(user_id=user_id, role=Role.COLLEAGUE).first())
    if member is None or not by.is_portal_admin:
        raise AccessError(AccessError.COLLEAGUE_NOT_FOUND)
    _set_active(member, active=False, by=by, kind=Kind.COLLEAGUE_REVOKED)
    return member
