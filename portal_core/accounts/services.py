from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal_core.accounts.models import User, normalize_email
from portal_core.accounts.tokens import password_reset_tokens
from portal_core.activity.services import Kind, audit_record
from portal_core.mail.selectors import company_email_configured
from portal_core.mail.services import duration_words, email_queue, link_context
from portal_core.models import AccountLink, Customer, OutboxMessage, Supplier
from portal_core.tenancy import require_portal_schema


def admin_account_create(*, email: str, password_hash: str) -> User:
    """Create the portal's administrator account.

    Takes an already computed hash so callers can run the (deliberately slow) Argon2 hash
    before they open a transaction, keeping locks short.
    """
    require_portal_schema()
    return User.objects.create(email=normalize_email(email), password=password_hash, is_portal_admin=True)


@transaction.atomic
def party_account_create(
    *, email: str, password: str, customer: Customer | None = None, supplier: Supplier | None = None
) -> User:
    """An active account that sees the documents of its customer and/or supplier."""
    require_portal_schema()
    if customer is None and supplier is None:
        raise ValueError("A party account needs a customer or a supplier")
    user = User.objects.create(email=normalize_email(email), password=make_password(password))
    AccountLink.objects.create(user=user, customer=customer, supplier=supplier)
    return user


def password_reset_email_queue(*, email: str, base_url: str) -> None:
    """Queue a reset email if an active account has this email; nothing otherwise. Portal
    admins get it through the platform's server while the company has no email configured
    (they may be the ones who forgot, before configuring it)."""
    user = User.objects.filter(email=email, is_active=True).first()
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
                context={"user": user, "valid_for": duration_words(settings.PASSWORD_RESET_TIMEOUT),
                         **link_context(base_url, path)})


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> None:
    """Nueva contraseña from a recovery link. The new hash ends every session of the account."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(kind=Kind.PASSWORD_RESET, actor=user, target=user.email)
