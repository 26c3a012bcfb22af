import re

from django.db import transaction
from django.utils import timezone

from portal_core.access.errors import AccessError
from portal_core.access.models import token_hash
from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record
from portal_core.mail.selectors import company_email_configured
from portal_core.mail.services import email_queue, link_context
from portal_core.models import (
    Customer,
    OwnerNotice,
    Supplier,
)


def owner_notice_for_token(token: str) -> OwnerNotice | None:
    """The notice behind an objection link, while it can still be used."""
    return (OwnerNotice.objects.select_related("user", "customer", "supplier")
            .filter(token_hash=token_hash(token or ""), objected_at=None, resolved_at=None).first())


@transaction.atomic
def owner_objection_submit(*, token: str, message: str, base_url: str) -> OwnerNotice:
    """"No reconozco este acceso": the objection shows in Activaciones and the admins are told."""
    notice = (OwnerNotice.objects.select_for_update()
              .filter(token_hash=token_hash(token or ""), objected_at=None, resolved_at=None).first())
    if notice is None:
        raise AccessError(AccessError.LINK_INVALID)
    notice.objected_at, notice.objection = timezone.now(), message.strip()[:1000]
    notice.save(update_fields=["objected_at", "objection"])
    audit_record(kind=Kind.OWNER_OBJECTED, actor_email=notice.sent_to,
                 target=f"{notice.user.email} → {notice.party.business_name}", detail={"message": notice.objection})
    if company_email_configured():
        for admin_email in User.objects.filter(is_portal_admin=True, is_active=True).values_list("email", flat=True):
            email_queue(to=admin_email, kind="owner_objection", template="owner_objection", context={
                "notice": notice, **link_context(base_url, "/administrador/activaciones/?tipo=O")})
    return notice


@transaction.atomic
def owner_objection_resolve(*, notice_id: int, revoke: bool, by: User) -> OwnerNotice:
    """Revocar acceso (the account is deactivated) or Desestimar an objection."""
    notice = (OwnerNotice.objects.select_for_update(of=("self",)).select_related("user")
              .filter(pk=notice_id, resolved_at=None).exclude(objected_at=None).first())
    if notice is None:
        raise AccessError(AccessError.NOT_PENDING)
    if revoke and notice.user.is_active:
        notice.user.is_active = False
        notice.user.save(update_fields=["is_active"])
    notice.resolved_at, notice.resolution = timezone.now(), "revoked" if revoke else "dismissed"
    notice.save(update_fields=["resolved_at", "resolution"])
    audit_record(kind=Kind.OBJECTION_RESOLVED, actor=by, target=f"{notice.user.email} → {notice.party.business_name}",
                 detail={"resolution": notice.resolution})
    return notice


def party_for_choice(choice: str) -> Customer | Supplier | None:
    """"c:<id>" or "s:<id>" from the linking dialog: a party of this portal, or None."""
    kind, _sep, raw_id = (choice or "").partition(":")
    model = {"c": Customer, "s": Supplier}.get(kind)
    if model is None or not re.fullmatch(r"[0-9]{1,18}", raw_id):
        return None
    return model.objects.filter(pk=int(raw_id)).first()


@transaction.atomic
def account_set_active(*, user_id: int, active: bool, by: User) -> User:
    """Activar / Desactivar. A deactivated account cannot log in, and its open sessions end at
    their next request (Django checks `is_active` on every request)."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise AccessError(AccessError.PARTY_NOT_FOUND)
    if user.is_portal_admin or user.pk == by.pk:
        raise AccessError(AccessError.OWN_ACCOUNT)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(kind=Kind.ACCOUNT_ACTIVATED if active else Kind.ACCOUNT_DEACTIVATED, actor=by,
                     target=user.email)
    return user
