"""Access to a portal (DESIGN, Access): registration requests, their approval, invitations,
activation of accounts and password recovery. Called with the portal's schema active.

Every action that sends an email to a customer or supplier refuses to start while the company
has not configured email (AccessError EMAIL_NOT_CONFIGURED) and changes nothing, so requests
and invitations stay pending until it does.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal_core.accounts.models import User, normalize_email
from portal_core.models import (
    AccountLink,
    Customer,
    Invitation,
    InvitationBatch,
    OutboxMessage,
    RegistrationRequest,
    Supplier,
)
from portal_core.models.access import token_hash
from portal_core.outbox import company_email_configured, compose_email, email_queue, render_email
from portal_core.selectors import invitation_candidates
from portal_core.tokens import password_reset_tokens


class AccessError(Exception):
    EMAIL_NOT_CONFIGURED = "email_not_configured"
    NOT_PENDING = "not_pending"
    PARTY_NOT_FOUND = "party_not_found"
    ACCOUNT_EXISTS = "account_exists"
    LINK_INVALID = "link_invalid"
    NOTHING_SELECTED = "nothing_selected"
    OWN_ACCOUNT = "own_account"

    MESSAGES = {
        EMAIL_NOT_CONFIGURED: _("Para enviar emails primero configure el envío de email del portal. "
                                "Hasta entonces todo queda pendiente: no se pierde nada."),
        NOT_PENDING: _("Esta petición ya fue resuelta."),
        PARTY_NOT_FOUND: _("Elija un cliente o proveedor de la lista."),
        ACCOUNT_EXISTS: _("Ya existe una cuenta con el email %(email)s."),
        LINK_INVALID: _("El enlace no es válido, ya fue usado o venció. Pida uno nuevo."),
        NOTHING_SELECTED: _("Seleccione al menos un cliente o proveedor."),
        OWN_ACCOUNT: _("No puede desactivar su propia cuenta ni la de otro administrador."),
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


# --- Requests (peticiones) -------------------------------------------------------------------

def registration_submit(*, email: str, password: str, full_name: str = "", tax_id: str = "",
                        message: str = "", base_url: str) -> None:
    """Store a pending request. Says nothing about the outcome: an email that already has an
    account or a pending request changes nothing, and the caller answers the same."""
    email = normalize_email(email)
    password_hash = make_password(password)  # always hashed, so every outcome takes as long
    if User.objects.filter(email=email).exists():
        return
    try:
        with transaction.atomic():
            registration = RegistrationRequest.objects.create(
                email=email, password=password_hash, full_name=full_name.strip(), tax_id=tax_id,
                message=message.strip())
    except IntegrityError:  # a pending request for this email exists
        return
    if company_email_configured():
        for admin_email in User.objects.filter(is_portal_admin=True, is_active=True).values_list("email", flat=True):
            email_queue(to=admin_email, kind="new_request", template="new_request", context={
                "registration": registration, **_link_context(base_url, "/administrador/activaciones/?tipo=P")})


@transaction.atomic
def registration_approve(*, registration_id: int, party: Customer | Supplier | None, by: User,
                         base_url: str) -> User:
    """Link the request's email to a customer or supplier of this portal and activate the
    account with the password the person chose; an email tells them they can log in."""
    _require_email()
    registration = (RegistrationRequest.objects.select_for_update()
                    .filter(pk=registration_id, status=RegistrationRequest.Status.PENDING).first())
    if registration is None:
        raise AccessError(AccessError.NOT_PENDING)
    if party is None:
        raise AccessError(AccessError.PARTY_NOT_FOUND)
    if User.objects.filter(email=registration.email).exists():
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=registration.email)
    user = User.objects.create(email=registration.email, password=registration.password,
                               full_name=registration.full_name)
    AccountLink.objects.create(user=user, customer=party if isinstance(party, Customer) else None,
                               supplier=party if isinstance(party, Supplier) else None)
    registration.status, registration.decided_at, registration.decided_by = (
        RegistrationRequest.Status.APPROVED, timezone.now(), by)
    registration.save(update_fields=["status", "decided_at", "decided_by"])
    Invitation.objects.filter(email=user.email, accepted_at=None).delete()  # the way in it no longer needs
    email_queue(to=user.email, kind="approved", template="approved",
                context={"user": user, "party": party, **_link_context(base_url, "/ingresar/")})
    return user


def registration_reject(*, registration_id: int, by: User) -> None:
    updated = RegistrationRequest.objects.filter(pk=registration_id, status=RegistrationRequest.Status.PENDING) \
        .update(status=RegistrationRequest.Status.REJECTED, decided_at=timezone.now(), decided_by=by)
    if not updated:
        raise AccessError(AccessError.NOT_PENDING)


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
    transaction.on_commit(lambda: _enqueue_batch(batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from .tasks import invitation_batch_run as task

    try:
        task.delay(batch_id)
    except Exception:  # broker down: the outbox sweep resumes stalled batches
        pass


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
    return invitation


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
def invitation_accept(*, token: str, password: str) -> User:
    """Set the password of an invitation's account: the account is created, linked and active.
    The link works once."""
    invitation = (Invitation.objects.select_for_update()
                  .filter(token_hash=token_hash(token or ""), accepted_at=None).first())
    if invitation is None or invitation.is_expired:
        raise AccessError(AccessError.LINK_INVALID)
    if User.objects.filter(email=invitation.email).exists():
        raise AccessError(AccessError.ACCOUNT_EXISTS, email=invitation.email)
    user = User.objects.create(email=invitation.email, password=make_password(password))
    AccountLink.objects.create(user=user, customer_id=invitation.customer_id, supplier_id=invitation.supplier_id)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # A request the same person left pending is settled by this way in.
    RegistrationRequest.objects.filter(email=user.email, status=RegistrationRequest.Status.PENDING).update(
        status=RegistrationRequest.Status.APPROVED, decided_at=invitation.accepted_at)
    return user


# --- Accounts --------------------------------------------------------------------------------

def account_set_active(*, user_id: int, active: bool, by: User) -> User:
    """Activar / Desactivar. A deactivated account cannot log in, and its open sessions end at
    their next request (Django checks `is_active` on every request)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise AccessError(AccessError.PARTY_NOT_FOUND)
    if user.is_portal_admin or user.pk == by.pk:
        raise AccessError(AccessError.OWN_ACCOUNT)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


# --- Password recovery -----------------------------------------------------------------------

def password_reset_request(*, email: str, base_url: str) -> None:
    """Queue a reset email if an active account has this email; nothing otherwise. The caller
    answers the same either way. Portal admins get it through the platform's server while the
    company has no email configured (they may be the ones who forgot, before configuring it)."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
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
                         **_link_context(base_url, path)})


def test_email_send(*, to: str) -> None:
    """"Enviar prueba": sent at once, not through the outbox, so the admin sees any SMTP failure
    (raised as it comes; `tenants.mail.smtp_failure_message` puts it in plain words)."""
    subject, body_text, body_html = render_email("test", {})
    try:
        email, _where = compose_email(subject=subject, body_text=body_text, body_html=body_html, to=to,
                                      sender=OutboxMessage.Sender.COMPANY)
    except LookupError as error:
        raise AccessError(AccessError.EMAIL_NOT_CONFIGURED) from error
    email.send()
