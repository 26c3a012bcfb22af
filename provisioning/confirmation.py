"""Confirming the owner email of a portal made on the public site.

The portal works at once; its admin sees a banner asking to confirm the email, and the link
goes out through the platform's sender (via the portal's outbox, so an SMTP outage loses
nothing). The token is signed (no row to store), single-purpose (its own salt) and names the
company and the owner email, so it confirms nothing else. A portal still unconfirmed after
PORTAL_CONFIRM_DAYS is suspended for that reason (see `provisioning.sweep`); the link keeps
working while it is, and confirming reactivates it. An operator's suspension stays.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_core.mail.services import email_queue
from portal_core.models import OutboxMessage
from tenants.models import Company

TOKEN_SALT = "provisioning.owner-email-confirm"
RESEND_INTERVAL = timedelta(minutes=1)
RESEND_MAX_INTERVAL = timedelta(days=1)
EMAIL_KIND = "owner_confirm"


class OwnerConfirmError(Exception):
    INVALID = "invalid"  # not one of our tokens: forged, truncated, another purpose
    EXPIRED = "expired"
    OTHER_PORTAL = "other_portal"
    OTHER_EMAIL = "other_email"  # the owner email changed since it was sent

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def link_max_age() -> timedelta:
    """A link lasts as long as an unused unconfirmed portal does: it must still work on the
    suspended page, and a portal that outlives it can ask for a new one."""
    return timedelta(days=settings.PORTAL_UNUSED_DELETE_DAYS)


def token_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=TOKEN_SALT)


def owner_confirm_token(*, company: Company) -> str:
    return token_signer().sign_object({"company": company.pk, "email": company.owner_email}, compress=True)


def resend_interval(sends: int) -> timedelta:
    """How long after the last of `sends` emails the next may go: a minute after the first, then
    twice as long each time, at most a day (a stranger's "Reenviar" on the suspended page must
    not turn the platform into a way to flood the owner's inbox)."""
    return min(RESEND_INTERVAL * 2 ** max(sends - 1, 0), RESEND_MAX_INTERVAL)


def owner_confirm_send(*, company: Company, origin: str) -> bool:
    """Queue the confirmation email to the owner, unless the last one went out less than
    `resend_interval` ago (the banner's and the suspended page's "Reenviar" are open to repeated
    posts). `origin` is the portal's `scheme://host[:port]`. Returns False, sending nothing, when
    asked again too soon or when there is nothing to confirm."""
    now = timezone.now()
    with transaction.atomic():  # the row lock: two posts at once cannot both send
        row = (Company.objects.select_for_update().filter(pk=company.pk, owner_email_confirmed_at=None)
               .exclude(owner_email="").first())
        if row is None or (row.owner_confirm_sent_at is not None
                           and now < row.owner_confirm_sent_at + resend_interval(row.owner_confirm_sends)):
            return False
        row.owner_confirm_sent_at, row.owner_confirm_sends = now, row.owner_confirm_sends + 1
        row.save(update_fields=["owner_confirm_sent_at", "owner_confirm_sends"])
    company.owner_confirm_sent_at, company.owner_confirm_sends = row.owner_confirm_sent_at, row.owner_confirm_sends
    path = reverse("owner_email_confirm", urlconf=settings.ROOT_URLCONF,
                   kwargs={"token": owner_confirm_token(company=company)})
    with tenant_context(company):
        # Outside any transaction the outbox enqueues at once, with this portal's schema active.
        email_queue(to=company.owner_email, kind=EMAIL_KIND, template="owner_confirm",
                    sender=OutboxMessage.Sender.PLATFORM, supersede=True,
                    context={"url": origin.rstrip("/") + path, "email": company.owner_email,
                             "confirm_days": settings.PORTAL_CONFIRM_DAYS})
    return True


def owner_email_confirm(*, company: Company, token: str) -> Company:
    """Confirm the owner email of `company` with a link's token, or raise OwnerConfirmError and
    change nothing. Confirming again is harmless. Lifts a suspension for being unconfirmed,
    never an operator's."""
    signer = token_signer()
    try:
        payload = signer.unsign_object(token)  # whose link is it, before saying anything more
    except (signing.BadSignature, ValueError) as error:
        raise OwnerConfirmError(OwnerConfirmError.INVALID) from error
    if not isinstance(payload, dict) or payload.get("company") != company.pk:
        raise OwnerConfirmError(OwnerConfirmError.OTHER_PORTAL)
    try:
        signer.unsign_object(token, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise OwnerConfirmError(OwnerConfirmError.EXPIRED) from error
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        if payload.get("email") != company.owner_email:
            raise OwnerConfirmError(OwnerConfirmError.OTHER_EMAIL)
        fields = []
        if company.owner_email_confirmed_at is None:
            company.owner_email_confirmed_at = timezone.now()
            fields.append("owner_email_confirmed_at")
        if company.is_suspended_unconfirmed:
            company.status, company.suspended_reason = Company.Status.ACTIVE, ""
            fields += ["status", "suspended_reason"]
        if fields:
            company.save(update_fields=fields)
    return company
