"""Reads of a portal's data. Called with the portal's schema active."""

import hashlib
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_core.accounts.models import User, normalize_email
from portal_core.cuit import cuit_normalize
from portal_core.models import (
    AccountLink,
    ApiKey,
    Customer,
    Invitation,
    OutboxMessage,
    PortalSettings,
    RegistrationRequest,
    Supplier,
    SyncState,
)
from portal_core.sync.resources import RESOURCES


def portal_settings(request=None) -> "PortalSettings":
    """The portal's settings (defaults until the admin changes them), read once per request."""
    cached = getattr(request, "_portal_settings", None) if request is not None else None
    if cached is None:
        cached = PortalSettings.objects.order_by("id").first() or PortalSettings()
        if request is not None:
            request._portal_settings = cached
    return cached


_NO_LINK = object()


def account_link(user) -> AccountLink | None:
    """The account's customer/supplier link (with both parties), read once per request."""
    if not user.is_authenticated:
        return None
    if User.link.is_cached(user):  # read with the account by the auth backend
        try:
            return user.link
        except AccountLink.DoesNotExist:
            return None
    cached = getattr(user, "_portal_link", _NO_LINK)
    if cached is _NO_LINK:
        cached = AccountLink.objects.select_related("customer", "supplier").filter(user=user).first()
        user._portal_link = cached
    return cached


def api_key_for_secret(*, key: str) -> ApiKey | None:
    """The active key with this secret in the current portal, or None."""
    return ApiKey.objects.filter(key_hash=ApiKey.hash_secret(key), revoked_at=None).first()


def api_keys_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("revoked_at", "-created_at")


def sync_states() -> dict[str, SyncState]:
    return {state.resource: state for state in SyncState.objects.all()}


def _sync_marks(request=None) -> dict:
    """Every resource's last sync, read once per request (one small query): when the data was
    last updated, and a version of it. Each ERP batch stamps its resource's SyncState in the
    batch's own transaction, so the version changes exactly when synced data does, and reads
    cached under it (billing_views.selectors) are never older than the data they came from."""
    cached = getattr(request, "_sync_marks", None) if request is not None else None
    if cached is None:
        stamps = sorted(SyncState.objects.values_list("resource", "last_synced_at"))
        fingerprint = "|".join(f"{resource}@{synced_at.isoformat()}" for resource, synced_at in stamps)
        cached = {
            "updated_at": max(dict(stamps).values(), default=None),
            "version": hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest(),
        }
        if request is not None:
            request._sync_marks = cached
    return cached


def data_updated_at(request=None):
    """When the ERP last synced anything: "Datos actualizados al ..." (None before any sync)."""
    return _sync_marks(request)["updated_at"]


def sync_version(request=None) -> str:
    """Changes with every ERP batch of any resource: the key of reads kept until the next sync."""
    return _sync_marks(request)["version"]


def access_api_key(*, key_id: int) -> ApiKey:
    """A key of this portal, or 404 (the same for a missing id and another portal's key)."""
    return get_object_or_404(ApiKey, pk=key_id)


def sync_status_rows() -> list[dict]:
    """Each resource with its label and last sync, in the order the ERP should send them."""
    states = sync_states()
    return [
        {"name": name, "label": spec.label, "state": states.get(name)}
        for name, spec in RESOURCES.items()
    ]


# --- Activaciones ------------------------------------------------------------------------------

REQUEST, INVITATION, ACCOUNT = "P", "I", "C"
ACTIVATION_STATUSES = {"pending": gettext_lazy("Pendiente"), "rejected": gettext_lazy("Rechazada"),
                       "invited": gettext_lazy("Invitación enviada"),
                       "expired": gettext_lazy("Invitación vencida"), "active": gettext_lazy("Activa"),
                       "inactive": gettext_lazy("Desactivada")}


def _party_label(customer, supplier) -> str:
    return " · ".join(str(party) for party in (customer, supplier) if party is not None)


def activation_rows(*, kind: str = "", status: str = "", query: str = "") -> list[dict]:
    """Activaciones: requests (P), open invitations (I) and the customers' and suppliers'
    accounts (C) in one list, newest first. `status` is one of ACTIVATION_STATUSES."""
    query = query.strip().lower()
    rows = []
    if kind in ("", REQUEST):
        requests = RegistrationRequest.objects.exclude(status=RegistrationRequest.Status.APPROVED)
        if query:
            requests = requests.filter(email__icontains=query)
        for item in requests:
            rows.append({"kind": REQUEST, "id": item.pk, "email": item.email, "party": "", "item": item,
                         "status": item.status, "status_label": item.get_status_display(), "date": item.created_at})
    if kind in ("", INVITATION):
        now = timezone.now()
        invitations = Invitation.objects.filter(accepted_at=None).select_related("customer", "supplier")
        if query:
            invitations = invitations.filter(email__icontains=query)
        for item in invitations:
            expired = item.expires_at <= now
            rows.append({"kind": INVITATION, "id": item.pk, "email": item.email, "item": item,
                         "party": _party_label(item.customer, item.supplier),
                         "status": "expired" if expired else "invited",
                         "status_label": str(ACTIVATION_STATUSES["expired" if expired else "invited"]),
                         "date": item.sent_at})
    if kind in ("", ACCOUNT):
        accounts = User.objects.filter(is_portal_admin=False).select_related("link__customer", "link__supplier")
        if query:
            accounts = accounts.filter(email__icontains=query)
        for item in accounts:
            link = getattr(item, "link", None)
            state = "active" if item.is_active else "inactive"
            rows.append({"kind": ACCOUNT, "id": item.pk, "email": item.email, "item": item,
                         "party": _party_label(link and link.customer, link and link.supplier),
                         "status": state, "status_label": str(ACTIVATION_STATUSES[state]),
                         "date": item.date_joined})
    if status:
        rows = [row for row in rows if row["status"] == status]
    rows.sort(key=lambda row: row["date"], reverse=True)
    return rows


def access_registration(*, registration_id: int) -> RegistrationRequest:
    """A request of this portal, whatever its status, or 404 (as for another portal's id)."""
    return get_object_or_404(RegistrationRequest, pk=registration_id)


def access_invitation(*, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id)


def access_account(*, user_id: int) -> User:
    """An account of this portal, or 404."""
    return get_object_or_404(User, pk=user_id)


def registration_pending(*, registration_id: int):
    """A pending request of this portal, or 404."""

    return get_object_or_404(RegistrationRequest, pk=registration_id, status=RegistrationRequest.Status.PENDING)


def party_search(*, query: str, limit: int = 15) -> list[dict]:
    """Customers and suppliers whose razón social contains `query` or whose CUIT starts with it."""
    query = query.strip()
    if len(query) < 2:
        return []
    digits = cuit_normalize(query)
    condition = Q(business_name__icontains=query)
    if digits.isdigit():
        condition |= Q(tax_id__startswith=digits)
    found = []
    for prefix, label, model in (("c", "Cliente", Customer), ("s", "Proveedor", Supplier)):
        for party in model.objects.filter(condition).order_by("business_name")[:limit]:
            found.append(_party_choice(prefix, label, party))
    return found


def _party_choice(prefix: str, label: str, party) -> dict:

    return {"value": f"{prefix}:{party.pk}", "kind": _(label), "name": party.business_name,
            "tax_id": party.tax_id_display, "email": party.email}


def party_suggestions(*, registration) -> list[dict]:
    """The parties whose CUIT (or else email) matches the request's: proposed first in the dialog."""
    condition = Q(email__iexact=registration.email)
    if registration.tax_id:
        condition |= Q(tax_id=registration.tax_id)
    return [_party_choice(prefix, label, party)
            for prefix, label, model in (("c", "Cliente", Customer), ("s", "Proveedor", Supplier))
            for party in model.objects.filter(condition).order_by("business_name")[:5]]


CUSTOMERS, SUPPLIERS = "customers", "suppliers"


def invitation_candidates(*, kinds: set[str]) -> tuple[list[dict], list[dict]]:
    """"Cargar clientes/proveedores": the active customers and/or suppliers that have an email
    and no account. Returns (rows, duplicates): a row is one email with its customer and/or
    supplier (one company can be both: one account sees both); an email shared by two
    customers or two suppliers is a duplicate the admin must fix in the ERP, and is left out."""
    by_email: dict[str, dict[str, list]] = defaultdict(lambda: {CUSTOMERS: [], SUPPLIERS: []})
    for kind, model in ((CUSTOMERS, Customer), (SUPPLIERS, Supplier)):
        if kind in kinds:
            for party in model.objects.filter(active=True).exclude(email="").order_by("business_name"):
                by_email[normalize_email(party.email)][kind].append(party)
    with_account = set(User.objects.filter(email__in=list(by_email)).values_list("email", flat=True))
    invited = {invitation.email: invitation for invitation in Invitation.objects.filter(
        accepted_at=None, email__in=list(by_email))}
    rows, duplicates = [], []
    for email in sorted(by_email):
        if email in with_account:
            continue
        parties = by_email[email]
        if len(parties[CUSTOMERS]) > 1 or len(parties[SUPPLIERS]) > 1:
            duplicates.append({"email": email, "parties": parties[CUSTOMERS] + parties[SUPPLIERS]})
            continue
        rows.append({"email": email, "customer": (parties[CUSTOMERS] or [None])[0],
                     "supplier": (parties[SUPPLIERS] or [None])[0], "invitation": invited.get(email)})
    return rows, duplicates


def outbox_unsent_counts() -> dict[str, int]:
    """How many emails wait (pending) and how many failed their last attempt (error)."""
    counts = dict(OutboxMessage.objects.filter(status__in=OutboxMessage.UNSENT).values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in OutboxMessage.UNSENT}


def outbox_recent(*, limit: int = 50):

    return OutboxMessage.objects.order_by("-created_at").defer("body_text", "body_html")[:limit]
