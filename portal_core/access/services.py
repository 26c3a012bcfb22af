"""Access to a portal (DESIGN, Access): registration requests, their approval, invitations,
activation of accounts and password recovery. Called with the portal's schema active.

Every action that sends an email to a customer or supplier refuses to start while the company
has not configured email (AccessError EMAIL_NOT_CONFIGURED) and changes nothing, so requests
and invitations stay pending until it does.

Registrations and recovery requests are taken as an AccessIntake row and decided by a task, so
the request does the same work whatever the email. A registration proves its email by a link
before the admin can approve it, and the admin must acknowledge a weak match (only the CUIT,
which is public, or the email's domain). Linking an account to a party whose ERP email is
another one tells that address (OwnerNotice), with a link to object. Every change writes its
activity-log row in its own transaction (portal_core.activity.services).
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal_core.access.models import token_hash
from portal_core.access.selectors import invitation_candidates, match_strength
from portal_core.accounts.models import User, normalize_email
from portal_core.accounts.tokens import password_reset_tokens
from portal_core.activity.services import Kind, audit_record, current_ip
from portal_core.mail.outbox import company_email_configured, compose_email, email_queue, render_email
from portal_core.models import (
    AccessIntake,
    AccountLink,
    Customer,
    Invitation,
    InvitationBatch,
    OutboxMessage,
    OwnerNotice,
    RegistrationRequest,
    Supplier,
)
from tenants.queue import enqueue_on_commit


class AccessError(Exception):
    EMAIL_NOT_CONFIGURED = "email_not_configured"
    NOT_PENDING = "not_pending"
    PARTY_NOT_FOUND = "party_not_found"
    ACCOUNT_EXISTS = "account_exists"
    LINK_INVALID = "link_invalid"
    NOTHING_SELECTED = "nothing_selected"
    OWN_ACCOUNT = "own_account"
    NOT_VERIFIED = "not_verified"
    ACKNOWLEDGEMENT_REQUIRED = "acknowledgement_required"

    MESSAGES = {
        EMAIL_NOT_CONFIGURED: _("Para enviar emails primero configure el envío de email del portal. "
                                "Hasta entonces todo queda pendiente: no se pierde nada."),
        NOT_PENDING: _("Esta petición ya fue resuelta."),
        PARTY_NOT_FOUND: _("Elija un cliente o proveedor de la lista."),
        ACCOUNT_EXISTS: _("Ya existe una cuenta con el email %(email)s."),
        LINK_INVALID: _("El enlace no es válido, ya fue usado o venció. Pida uno nuevo."),
        NOTHING_SELECTED: _("Seleccione al menos un cliente o proveedor."),
        OWN_ACCOUNT: _("No puede desactivar su propia cuenta ni la de otro administrador."),
        NOT_VERIFIED: _("Esta petición todavía no confirmó su email: no se puede aprobar hasta que la "
                        "persona abra el enlace que le enviamos."),
        ACKNOWLEDGEMENT_REQUIRED: _("El email de la petición no es el que el ERP tiene para %(party)s. "
                                    "Para aprobarla confirme que verificó por otro medio que esta persona "
                                    "pertenece a la empresa."),
    }

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code]) % self.params


def _require_email() -> None:
    if not company_email_configured():
        raise AccessError(AccessError.EMAIL_NOT_CONFIGURED)


def _duration(seconds: int) -> str:
    """How long a link lasts, in words: "7 días", "1 hora", "90 minutos"."""
    with translation.override(settings.LANGUAGE_CODE):
        if seconds >= 86400 and seconds % 86400 == 0:
            return ngettext("%(n)d día", "%(n)d días", seconds // 86400) % {"n": seconds // 86400}
        if seconds >= 3600 and seconds % 3600 == 0:
            return ngettext("%(n)d hora", "%(n)d horas", seconds // 3600) % {"n": seconds // 3600}
        minutes = max(1, seconds // 60)
        return ngettext("%(n)d minuto", "%(n)d minutos", minutes) % {"n": minutes}


def _link_context(base_url: str, path: str) -> dict:
    return {"url": base_url.rstrip("/") + path}


# --- Intake: what the registration and recovery forms post ---------------------------------

def _intake(*, kind: str, email: str, data: dict) -> None:
    """Store what was posted and queue the task that decides: the same INSERT and the same task
    whatever the email, so neither the answer nor its timing tells an account apart."""
    intake = AccessIntake.objects.create(kind=kind, email=normalize_email(email), data=data, ip=current_ip())
    _enqueue_intake(intake.pk)


def _enqueue_intake(intake_id: int) -> None:
    from portal_core.tasks import access_intake_process as task

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
        _password_reset_take(intake)
    intake.delete()


def intakes_stalled() -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    return list(AccessIntake.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True))


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
                    context={"email": email, **_link_context(data["base_url"], "/recuperar-contrasena/")})
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
        "registration": registration, "valid_for": _duration(settings.REGISTRATION_VERIFY_DAYS * 86400),
        **_link_context(data["base_url"], f"/registro/confirmar/{token}/")})


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
    if company_email_configured():
        for admin_email in User.objects.filter(is_portal_admin=True, is_active=True).values_list("email", flat=True):
            email_queue(to=admin_email, kind="new_request", template="new_request", context={
                "registration": registration, **_link_context(base_url, "/administrador/activaciones/?tipo=P")})
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
                context={"user": user, "party": party, **_link_context(base_url, "/ingresar/")})
    audit_record(kind=Kind.REGISTRATION_APPROVED, actor=by, target=f"{user.email} → {party.business_name}",
                 detail={"match": match.code, "acknowledged": bool(acknowledged), "party": _party_ref(party),
                         "owner_notified": notified})
    return user


def _party_ref(party) -> str:
    return f"{'c' if isinstance(party, Customer) else 's'}:{party.external_id} {party.business_name}"


def _account_link(*, user: User, customer: Customer | None, supplier: Supplier | None, base_url: str) -> list[str]:
    """Link an account to its parties; each party whose ERP email is not the account's is told
    who got access and how to object. Returns the addresses told."""
    AccountLink.objects.create(user=user, customer=customer, supplier=supplier)
    told = []
    for party in (customer, supplier):
        owner_email = normalize_email(party.email) if party is not None else ""
        if not owner_email or owner_email == user.email:
            continue
        token = secrets.token_urlsafe(32)
        OwnerNotice.objects.create(user=user, customer=party if party is customer else None,
                                   supplier=party if party is supplier else None, sent_to=owner_email,
                                   token_hash=token_hash(token))
        email_queue(to=owner_email, kind="owner_notice", template="owner_notice", context={
            "account_email": user.email, "party": party, "when": timezone.now(),
            **_link_context(base_url, f"/aviso/{token}/")})
        told.append(owner_email)
    return told


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
                "notice": notice, **_link_context(base_url, "/administrador/activaciones/?tipo=O")})
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


# --- Invitations -----------------------------------------------------------------------------

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
    from portal_core.tasks import invitation_batch_run as task

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


def invitation_batches_stalled() -> list[int]:
    """Batches nobody worked on for a minute: queued while the broker was down, or a crashed worker's."""
    return list(InvitationBatch.objects.exclude(status=InvitationBatch.Status.DONE)
                .filter(updated_at__lte=timezone.now() - timedelta(minutes=1)).values_list("pk", flat=True))


def invitation_send(*, email: str, customer_id: int | None, supplier_id: int | None, by: User | None,
                    base_url: str) -> Invitation | None:
    """Create (or renew) the open invitation of an email and queue its email. A new link
    replaces the previous one. Nothing happens if the email has an account by now."""
    email = normalize_email(email)
    if User.objects.filter(email=email).exists():
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.select_for_update().filter(email=email, accepted_at=None).first() \
        or Invitation(email=email, created_by=by)
    invitation.customer_id, invitation.supplier_id = customer_id, supplier_id
    invitation.token_hash, invitation.sent_at = token_hash(token), now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save()
    party = invitation.customer or invitation.supplier
    email_queue(to=email, kind="invitation", template="invitation", supersede=True, context={
        "email": email, "party": party, "valid_for": _duration(settings.INVITATION_TTL_DAYS * 86400),
        **_link_context(base_url, f"/invitacion/{token}/")})
    audit_record(kind=Kind.INVITATION_SENT, actor=by, target=f"{email} → {_party_label(invitation)}")
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
                           supplier_id=invitation.supplier_id, by=by, base_url=base_url)
    if sent is None:
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=invitation.email)
    return sent


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation of a link of this portal, or None."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token or ""), accepted_at=None).first()
    if invitation is None or invitation.is_expired:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, base_url: str) -> User:
    """Set the password of an invitation's account: the account is created, linked and active.
    The link works once."""
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("customer", "supplier")
                  .filter(token_hash=token_hash(token or ""), accepted_at=None).first())
    if invitation is None or invitation.is_expired:
        raise AccessError(AccessError.LINK_INVALID)
    if User.objects.filter(email=invitation.email).exists():
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=invitation.email)
    user = User.objects.create(email=invitation.email, password=make_password(password))
    notified = _account_link(user=user, customer=invitation.customer, supplier=invitation.supplier,
                             base_url=base_url)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # A request the same person left open is settled by this way in.
    RegistrationRequest.objects.filter(email=user.email, status__in=RegistrationRequest.OPEN).update(
        status=RegistrationRequest.Status.APPROVED, decided_at=invitation.accepted_at, verify_token_hash="")
    audit_record(kind=Kind.INVITATION_ACCEPTED, actor=user, target=f"{user.email} → {_party_label(invitation)}",
                 detail={"owner_notified": notified})
    return user


# --- Accounts --------------------------------------------------------------------------------

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


# --- Password recovery -----------------------------------------------------------------------

def password_reset_request(*, email: str, base_url: str) -> None:
    """¿Olvidó su contraseña?, validated: taken as an intake (see `_password_reset_take`)."""
    _intake(kind=AccessIntake.Kind.PASSWORD_RESET, email=email, data={"base_url": base_url})


def _password_reset_take(intake: AccessIntake) -> None:
    """Queue a reset email if an active account has this email; nothing otherwise. Portal
    admins get it through the platform's server while the company has no email configured
    (they may be the ones who forgot, before configuring it)."""
    user = User.objects.filter(email=intake.email, is_active=True).first()
    if user is None:
        return
    if company_email_configured():
        sender = OutboxMessage.Sender.COMPANY
    elif user.is_portal_admin:
        sender = OutboxMessage.Sender.PLATFORM
    else:
        return
    path = f"/restablecer/{urlsafe_base64_encode(force_bytes(user.pk))}/{password_reset_tokens.make_token(user)}/"
    email_queue(to=user.email, kind="password_reset", template="password_reset", sender=sender, supersede=True,
                context={"user": user, "valid_for": _duration(settings.PASSWORD_RESET_TIMEOUT),
                         **_link_context(intake.data["base_url"], path)})


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> None:
    """Nueva contraseña from a recovery link. The new hash ends every session of the account."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(kind=Kind.PASSWORD_RESET, actor=user, target=user.email)


def email_test_send(*, to: str) -> None:
    """"Enviar prueba": sent at once, not through the outbox, so the admin sees any SMTP failure
    (raised as it comes; `tenants.mail.smtp_failure_message` puts it in plain words)."""
    subject, body_text, body_html = render_email("test", {})
    try:
        email, _where = compose_email(subject=subject, body_text=body_text, body_html=body_html, to=to,
                                      sender=OutboxMessage.Sender.COMPANY)
    except LookupError as error:
        raise AccessError(AccessError.EMAIL_NOT_CONFIGURED) from error
    email.send()
