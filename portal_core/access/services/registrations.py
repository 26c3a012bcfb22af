"""Registration requests (peticiones): the intake the form posts, the email's confirmation, the
admin's approval or rejection. Password recovery is taken through the same intake."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal_core.access.errors import AccessError
from portal_core.access.models import token_hash
from portal_core.access.selectors import match_strength
from portal_core.access.services.common import _account_link, _party_events, _party_ref, _require_email
from portal_core.accounts import services as accounts
from portal_core.accounts.models import User, normalize_email
from portal_core.activity.services import Kind, audit_record, current_ip
from portal_core.erp.events import Kind as EventKind
from portal_core.erp.events import event_record
from portal_core.mail.selectors import company_email_configured
from portal_core.mail.services import duration_words, email_queue, link_context
from portal_core.models import (
    AccessIntake,
    Customer,
    Invitation,
    RegistrationRequest,
    Supplier,
)
from tenants.queue import enqueue_on_commit

# --- Intake: what the registration and recovery forms post ---------------------------------

def _intake(*, kind: str, email: str, data: dict) -> None:
    """Store what was posted and queue the task that decides: the same INSERT and the same task
    whatever the email, so neither the answer nor its timing tells an account apart."""
    intake = AccessIntake.objects.create(kind=kind, email=normalize_email(email), data=data, ip=current_ip())
    _enqueue_intake(intake.pk)


def _enqueue_intake(intake_id: int) -> None:
    from portal_core.access.tasks import access_intake_process as task

    enqueue_on_commit(task, intake_id)  # lost with the broker: the outbox sweep takes intakes left behind


@transaction.atomic
def intake_process(*, intake_id: int) -> None:
    """Decide one intake (the task; the sweep for those the broker lost). Safe to run twice."""
    intake = AccessIntake.objects.select_for_update(skip_locked=True).filter(pk=intake_id).first()
    if intake is None:
        return
    if intake.kind == AccessIntake.Kind.REGISTRATION:
        _registration_take(intake)
    else:
        accounts.password_reset_email_queue(email=intake.email, base_url=intake.data["base_url"])
    intake.delete()


def stalled_intakes() -> QuerySet[AccessIntake]:
    """Intakes whose task the broker lost (older than the sweep's grace)."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    return AccessIntake.objects.filter(created_at__lte=cutoff)


def intakes_stalled() -> list[int]:
    return list(stalled_intakes().values_list("pk", flat=True))


# --- Requests (peticiones) -------------------------------------------------------------------

def registration_submit(*, email: str, password: str, full_name: str = "", tax_id: str = "",
                        message: str = "", base_url: str) -> None:
    """The registration form, validated: taken as an intake (see `_registration_take`). The
    password is hashed here, whatever happens next, so every outcome costs the same."""
    _intake(kind=AccessIntake.Kind.REGISTRATION, email=email, data={
        "password": make_password(password), "full_name": full_name.strip(), "tax_id": tax_id,
        "message": message.strip(), "base_url": base_url})


def _registration_take(intake: AccessIntake) -> None:
    """A new request, *sin verificar*, with a confirmation link to its email. An email with an
    account is told so instead; a verified request stays as it is; an unverified one is
    replaced by the newest (with a new link)."""
    email, data = intake.email, intake.data
    if User.objects.filter(email=email).exists():
        email_queue(to=email, kind="registration_exists", template="registration_exists", supersede=True,
                    context={"email": email, **link_context(data["base_url"], "/recuperar-contrasena/")})
        return
    registration = (RegistrationRequest.objects.select_for_update()
                    .filter(email=email, status__in=RegistrationRequest.OPEN).first())
    if registration is not None and registration.status == RegistrationRequest.Status.PENDING:
        return
    registration = registration or RegistrationRequest(email=email)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    registration.password, registration.full_name = data["password"], data["full_name"]
    registration.tax_id, registration.message, registration.ip = data["tax_id"], data["message"], intake.ip
    registration.status, registration.created_at = RegistrationRequest.Status.UNVERIFIED, now
    registration.verify_token_hash = token_hash(token)
    registration.verify_expires_at = now + timedelta(days=settings.REGISTRATION_VERIFY_DAYS)
    registration.save()
    audit_record(kind=Kind.REGISTRATION, actor_email=email, ip=intake.ip, target=email,
                 detail={"tax_id": registration.tax_id})
    email_queue(to=email, kind="registration_verify", template="registration_verify", supersede=True, context={
        "registration": registration, "valid_for": duration_words(settings.REGISTRATION_VERIFY_DAYS * 86400),
        **link_context(data["base_url"], f"/registro/confirmar/{token}/")})


@transaction.atomic
def registration_verify(*, token: str, base_url: str) -> RegistrationRequest:
    """The confirmation link: the request becomes *pendiente* (ready to approve) and the
    portal's admins are told. The link works once and expires."""
    registration = (RegistrationRequest.objects.select_for_update()
                    .filter(verify_token_hash=token_hash(token or ""), status=RegistrationRequest.Status.UNVERIFIED)
                    .first())
    if registration is None or registration.verify_expires_at <= timezone.now():
        raise AccessError(AccessError.LINK_INVALID)
    registration.status, registration.verified_at = RegistrationRequest.Status.PENDING, timezone.now()
    registration.verify_token_hash = ""
    registration.save(update_fields=["status", "verified_at", "verify_token_hash"])
    audit_record(kind=Kind.REGISTRATION_VERIFIED, actor_email=registration.email, target=registration.email)
    # The ERP hears of a request once its email is confirmed: before that it may be anyone's typing.
    event_record(kind=EventKind.REGISTRATION, data={
        "email": registration.email, "party": None, "full_name": registration.full_name,
        "tax_id": registration.tax_id})
    if company_email_configured():
        for admin_email in User.objects.filter(is_portal_admin=True, is_active=True).values_list("email", flat=True):
            email_queue(to=admin_email, kind="new_request", template="new_request", context={
                "registration": registration, **link_context(base_url, "/administrador/activaciones/?tipo=P")})
    return registration


def registrations_expired_delete() -> int:
    """Unverified requests whose link expired (beat, daily)."""
    deleted, _ = RegistrationRequest.objects.filter(
        status=RegistrationRequest.Status.UNVERIFIED, verify_expires_at__lte=timezone.now()).delete()
    return deleted


@transaction.atomic
def registration_approve(*, registration_id: int, party: Customer | Supplier | None, acknowledged: bool,
                         by: User, base_url: str) -> User:
    """Link a verified request's email to a customer or supplier of this portal and activate the
    account with the password the person chose; an email tells them they can log in. Unless
    the party's ERP email is the request's, the admin must have `acknowledged` verifying the
    person by other means (a CUIT is public)."""
    _require_email()
    registration = (RegistrationRequest.objects.select_for_update()
                    .filter(pk=registration_id, status__in=RegistrationRequest.OPEN).first())
    if registration is None:
        raise AccessError(AccessError.NOT_PENDING)
    if registration.status == RegistrationRequest.Status.UNVERIFIED:
        raise AccessError(AccessError.NOT_VERIFIED)
    if party is None:
        raise AccessError(AccessError.PARTY_NOT_FOUND)
    match = match_strength(email=registration.email, tax_id=registration.tax_id, party=party)
    if not match.strong and not acknowledged:
        raise AccessError(AccessError.ACKNOWLEDGEMENT_REQUIRED, party=party.business_name)
    if User.objects.filter(email=registration.email).exists():
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=registration.email)
    user = User.objects.create(email=registration.email, password=registration.password,
                               full_name=registration.full_name)
    notified = _account_link(user=user, customer=party if isinstance(party, Customer) else None,
                             supplier=party if isinstance(party, Supplier) else None, base_url=base_url)
    registration.status, registration.decided_at, registration.decided_by = (
        RegistrationRequest.Status.APPROVED, timezone.now(), by)
    registration.save(update_fields=["status", "decided_at", "decided_by"])
    Invitation.objects.filter(email=user.email, accepted_at=None).delete()  # the way in it no longer needs
    email_queue(to=user.email, kind="approved", template="approved",
                context={"user": user, "party": party, **link_context(base_url, "/ingresar/")})
    audit_record(kind=Kind.REGISTRATION_APPROVED, actor=by, target=f"{user.email} → {party.business_name}",
                 detail={"match": match.code, "acknowledged": bool(acknowledged), "party": _party_ref(party),
                         "owner_notified": notified})
    _party_events(kind=EventKind.REGISTRATION_APPROVED, email=user.email, parties=[party])
    return user


@transaction.atomic
def registration_reject(*, registration_id: int, by: User) -> None:
    registration = (RegistrationRequest.objects.select_for_update()
                    .filter(pk=registration_id, status__in=RegistrationRequest.OPEN).first())
    if registration is None:
        raise AccessError(AccessError.NOT_PENDING)
    registration.status, registration.decided_at, registration.decided_by = (
        RegistrationRequest.Status.REJECTED, timezone.now(), by)
    registration.verify_token_hash = ""
    registration.save(update_fields=["status", "decided_at", "decided_by", "verify_token_hash"])
    audit_record(kind=Kind.REGISTRATION_REJECTED, actor=by, target=registration.email,
                 detail={"verified": registration.verified_at is not None})


# --- Owner notices -----------------------------------------------------------------------------


# --- Invitations -----------------------------------------------------------------------------


# --- Accounts --------------------------------------------------------------------------------


# --- Password recovery -----------------------------------------------------------------------

def password_reset_request(*, email: str, base_url: str) -> None:
    """¿Olvidó su contraseña?, validated: taken as an intake (see `_password_reset_take`)."""
    _intake(kind=AccessIntake.Kind.PASSWORD_RESET, email=email, data={"base_url": base_url})


