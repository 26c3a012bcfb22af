import secrets

from django.db import connection
from django.utils import timezone

from portal_core.access.errors import AccessError
from portal_core.access.models import token_hash
from portal_core.accounts.models import User, normalize_email
from portal_core.erp.events import event_record
from portal_core.mail.selectors import company_email_configured
from portal_core.mail.services import email_queue, link_context
from portal_core.models import (
    AccountLink,
    Customer,
    OwnerNotice,
    Supplier,
)


def invitation_email_lock(email: str) -> None:
    """Until the transaction ends, only this one may create or renew `email`'s invitation in
    this portal. Two first invitations of one email at once (two admins, or two titulares) would
    otherwise both find none and both insert it; the second failed on the unique constraint."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:invitation:{email}"])


def _require_email() -> None:
    if not company_email_configured():
        raise AccessError(AccessError.EMAIL_NOT_CONFIGURED)


def _party_events(*, kind: str, email: str, parties) -> None:
    """One event for the ERP per party an account was linked to, named as the ERP knows it."""
    for party in parties:
        if party is not None:
            event_record(kind=kind, resource="customers" if isinstance(party, Customer) else "suppliers",
                         external_id=party.external_id, data={"email": email, "party": party.business_name})


def _party_ref(party) -> str:
    return f"{'c' if isinstance(party, Customer) else 's'}:{party.external_id} {party.business_name}"


def _account_link(*, user: User, customer: Customer | None, supplier: Supplier | None, base_url: str,
                  role: str = AccountLink.Role.TITULAR, invited_by: User | None = None,
                  permissions: list[str] = ()) -> list[str]:
    """Link an account to its parties (as their titular, or as a colleague a titular invited);
    each party whose ERP email is not the account's is told who got access and how to object.
    Returns the addresses told."""
    AccountLink.objects.create(user=user, customer=customer, supplier=supplier, role=role, invited_by=invited_by,
                               permissions=sorted(permissions))
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
            **link_context(base_url, f"/aviso/{token}/")})
        told.append(owner_email)
    return told
