import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal_core.access.errors import AccessError
from portal_core.access.models import token_hash
from portal_core.access.selectors import invitation_candidates
from portal_core.access.services.common import _account_link, _party_events, _require_email, invitation_email_lock
from portal_core.accounts.models import User, normalize_email
from portal_core.activity.services import Kind, audit_record
from portal_core.company.selectors import portal_settings
from portal_core.erp.events import Kind as EventKind
from portal_core.mail.services import duration_words, email_queue, link_context
from portal_core.models import (
    AccountLink,
    Invitation,
    InvitationBatch,
    RegistrationRequest,
)
from tenants.queue import enqueue_on_commit


def invitations_start(*, kinds: set[str], by: User, base_url: str, emails: list[str] | None = None,
                      excluded: list[str] = ()) -> InvitationBatch:
    """"Invitar" on "Cargar clientes/proveedores": the selected `emails`, or (None) every row
    but the `excluded` ones (how the page posts a long list); a batch that a Celery task works
    through (see `invitation_batch_run`)."""
    _require_email()
    rows = invitation_candidates(kinds=kinds)[0]
    if emails is None:
        skip = {normalize_email(email) for email in excluded}
        rows = [row for row in rows if row["email"] not in skip]
    else:
        wanted = {normalize_email(email) for email in emails}
        rows = [row for row in rows if row["email"] in wanted]
    if not rows:
        raise AccessError(AccessError.NOTHING_SELECTED)
    parties = [{"email": row["email"], "customer": row["customer"] and row["customer"].pk,
                "supplier": row["supplier"] and row["supplier"].pk} for row in rows]
    batch = InvitationBatch.objects.create(parties={"base_url": base_url, "rows": parties}, total=len(parties),
                                           created_by=by)
    _enqueue_batch(batch.pk)
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from portal_core.access.tasks import invitation_batch_run as task

    enqueue_on_commit(task, batch_id)  # lost with the broker: the outbox sweep resumes stalled batches


BATCH_CHUNK = 25


def invitation_batch_run(*, batch_id: int) -> None:
    """Send a batch's invitations from where it stopped, committing progress every chunk; safe
    to run twice (a batch is worked under a row lock, and each row once)."""
    while True:
        with transaction.atomic():
            batch = InvitationBatch.objects.select_for_update(skip_locked=True).filter(pk=batch_id).first()
            if batch is None or batch.status == InvitationBatch.Status.DONE:
                return
            rows = batch.parties["rows"][batch.done:batch.done + BATCH_CHUNK]
            for row in rows:
                invitation_send(email=row["email"], customer_id=row["customer"], supplier_id=row["supplier"],
                                by=batch.created_by, base_url=batch.parties["base_url"])
            batch.done += len(rows)
            batch.status = InvitationBatch.Status.DONE if batch.done >= batch.total else InvitationBatch.Status.RUNNING
            batch.save(update_fields=["done", "status", "updated_at"])
            if batch.status == InvitationBatch.Status.DONE:
                return


def stalled_invitation_batches() -> QuerySet[InvitationBatch]:
    """Batches nobody worked on for a minute: queued while the broker was down, or a crashed worker's."""
    return (InvitationBatch.objects.exclude(status=InvitationBatch.Status.DONE)
            .filter(updated_at__lte=timezone.now() - timedelta(minutes=1)))


def invitation_batches_stalled() -> list[int]:
    return list(stalled_invitation_batches().values_list("pk", flat=True))


def invitation_send(*, email: str, customer_id: int | None, supplier_id: int | None, by: User | None,
                    base_url: str, role: str = AccountLink.Role.TITULAR, permissions: list[str] = (),
                    invited_by: User | None = None) -> Invitation | None:
    """Create (or renew) the open invitation of an email and queue its email. A new link
    replaces the previous one. Nothing happens if the email has an account by now. `role`,
    `permissions` and `invited_by` (its titular): an invitation of a colleague
    (services.colleagues); `by` is who sends it (the titular, or the admin renewing it)."""
    email = normalize_email(email)
    invitation_email_lock(email)
    if User.objects.filter(email=email).exists():
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.select_for_update().filter(email=email, accepted_at=None).first() \
        or Invitation(email=email, created_by=by)
    colleague = role == AccountLink.Role.COLLEAGUE
    if colleague or invitation.role != role:
        invitation.created_by = invited_by if colleague else by
    invitation.customer_id, invitation.supplier_id = customer_id, supplier_id
    invitation.role, invitation.permissions = role, sorted(permissions)
    invitation.token_hash, invitation.sent_at = token_hash(token), now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save()
    party = invitation.customer or invitation.supplier
    email_queue(to=email, kind="invitation", template="colleague_invitation" if colleague else "invitation",
                supersede=True, context={
                    "email": email, "party": party, "invited_by": invitation.created_by,
                    "valid_for": duration_words(settings.INVITATION_TTL_DAYS * 86400),
                    **link_context(base_url, f"/invitacion/{token}/")})
    audit_record(kind=Kind.COLLEAGUE_INVITED if colleague else Kind.INVITATION_SENT, actor=by,
                 target=f"{email} → {_party_label(invitation)}",
                 detail={"permissions": invitation.permissions} if colleague else None)
    return invitation


def _party_label(item) -> str:
    return " · ".join(party.business_name for party in (item.customer, item.supplier) if party is not None)


@transaction.atomic
def invitation_resend(*, invitation_id: int, by: User, base_url: str) -> Invitation:
    _require_email()
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at=None).first()
    if invitation is None:
        raise AccessError(AccessError.NOT_PENDING)
    sent = invitation_send(email=invitation.email, customer_id=invitation.customer_id,
                           supplier_id=invitation.supplier_id, by=by, base_url=base_url,
                           role=invitation.role, permissions=invitation.permissions, invited_by=invitation.created_by)
    if sent is None:
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=invitation.email)
    return sent


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation of a link of this portal, or None."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token or ""), accepted_at=None).first()
    if invitation is None or invitation.is_expired or not _still_valid(invitation):
        return None
    return invitation


def _is_colleague(invitation: Invitation) -> bool:
    return invitation.role == AccountLink.Role.COLLEAGUE


def _still_valid(invitation: Invitation) -> bool:
    """A colleague's invitation holds while the portal allows colleagues and the titular who
    sent it is still an active titular of the same parties: a titular deactivated (or moved to
    another party) since cannot bring anyone in."""
    if not _is_colleague(invitation):
        return True
    if not portal_settings().colleagues_allowed:
        return False
    return AccountLink.objects.filter(
        user_id=invitation.created_by_id, user__is_active=True, role=AccountLink.Role.TITULAR,
        customer_id=invitation.customer_id, supplier_id=invitation.supplier_id).exists()


@transaction.atomic
def invitation_accept(*, token: str, password: str, base_url: str) -> User:
    """Set the password of an invitation's account: the account is created, linked and active.
    The link works once."""
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("customer", "supplier")
                  .filter(token_hash=token_hash(token or ""), accepted_at=None).first())
    if invitation is None or invitation.is_expired or not _still_valid(invitation):
        raise AccessError(AccessError.LINK_INVALID)
    if User.objects.filter(email=invitation.email).exists():
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=invitation.email)
    user = User.objects.create(email=invitation.email, password=make_password(password))
    colleague = _is_colleague(invitation)
    notified = _account_link(user=user, customer=invitation.customer, supplier=invitation.supplier,
                             base_url=base_url, role=invitation.role,
                             invited_by=invitation.created_by if colleague else None,
                             permissions=invitation.permissions if colleague else ())
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # A request the same person left open is settled by this way in.
    RegistrationRequest.objects.filter(email=user.email, status__in=RegistrationRequest.OPEN).update(
        status=RegistrationRequest.Status.APPROVED, decided_at=invitation.accepted_at, verify_token_hash="")
    audit_record(kind=Kind.COLLEAGUE_JOINED if colleague else Kind.INVITATION_ACCEPTED, actor=user,
                 target=f"{user.email} → {_party_label(invitation)}", detail={"owner_notified": notified})
    _party_events(kind=EventKind.INVITATION_ACCEPTED, email=user.email,
                  parties=[invitation.customer, invitation.supplier])
    return user
