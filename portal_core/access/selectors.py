"""Reads of a portal's data. Called with the portal's schema active."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_core.accounts.models import User, normalize_email
from portal_core.cuit import cuit_normalize
from portal_core.models import (
    AccountLink,
    Customer,
    Invitation,
    OwnerNotice,
    RegistrationRequest,
    Supplier,
)


def account_link(*, user) -> AccountLink | None:
    """The account's customer/supplier link, with both parties. The auth backend reads it with
    the account; otherwise one query."""
    if User.link.is_cached(user):
        try:
            return user.link
        except AccountLink.DoesNotExist:
            return None
    return AccountLink.objects.select_related("customer", "supplier").filter(user=user).first()


# --- Activaciones ------------------------------------------------------------------------------

REQUEST, UNVERIFIED, INVITATION, ACCOUNT, OBJECTION = "P", "V", "I", "C", "O"
ACTIVATION_KINDS = {REQUEST: gettext_lazy("P · Petición"), UNVERIFIED: gettext_lazy("Sin verificar"),
                    INVITATION: gettext_lazy("I · Invitación"), ACCOUNT: gettext_lazy("C · Cuenta"),
                    OBJECTION: gettext_lazy("O · Objeción del titular")}
ACTIVATION_STATUSES = {"pending": gettext_lazy("Pendiente"), "unverified": gettext_lazy("Sin verificar"),
                       "rejected": gettext_lazy("Rechazada"),
                       "invited": gettext_lazy("Invitación enviada"),
                       "expired": gettext_lazy("Invitación vencida"), "active": gettext_lazy("Activa"),
                       "inactive": gettext_lazy("Desactivada"), "objected": gettext_lazy("Objetada")}


def party_label(customer, supplier) -> str:
    return " · ".join(str(party) for party in (customer, supplier) if party is not None)


def _request_rows(*, kind: str, query: str) -> list[dict]:
    """Verified requests are "P" (ready to approve); unverified ones are listed apart ("V")."""
    requests = RegistrationRequest.objects.exclude(status=RegistrationRequest.Status.APPROVED)
    if kind == REQUEST:
        requests = requests.exclude(status=RegistrationRequest.Status.UNVERIFIED)
    elif kind == UNVERIFIED:
        requests = requests.filter(status=RegistrationRequest.Status.UNVERIFIED)
    if query:
        requests = requests.filter(email__icontains=query)
    return [{"kind": UNVERIFIED if item.status == RegistrationRequest.Status.UNVERIFIED else REQUEST,
             "id": item.pk, "email": item.email, "party": "", "item": item, "status": item.status,
             "status_label": item.get_status_display(), "date": item.created_at} for item in requests]


def _objection_rows(*, query: str) -> list[dict]:
    notices = (OwnerNotice.objects.filter(resolved_at=None).exclude(objected_at=None)
               .select_related("user", "customer", "supplier"))
    if query:
        notices = notices.filter(Q(user__email__icontains=query) | Q(sent_to__icontains=query))
    return [{"kind": OBJECTION, "id": item.pk, "email": item.user.email, "item": item,
             "party": party_label(item.customer, item.supplier), "status": "objected",
             "status_label": str(ACTIVATION_STATUSES["objected"]), "date": item.objected_at} for item in notices]


def activation_rows(*, kind: str = "", status: str = "", query: str = "") -> list[dict]:
    """Activaciones: verified requests (P), unverified ones (V), open invitations (I), the
    customers' and suppliers' accounts (C) and their owners' objections (O) in one list,
    newest first. `status` is one of ACTIVATION_STATUSES."""
    query = query.strip().lower()
    rows = []
    if kind in ("", REQUEST, UNVERIFIED):
        rows += _request_rows(kind=kind, query=query)
    if kind in ("", OBJECTION):
        rows += _objection_rows(query=query)
    if kind in ("", INVITATION):
        now = timezone.now()
        invitations = Invitation.objects.filter(accepted_at=None).select_related("customer", "supplier")
        if query:
            invitations = invitations.filter(email__icontains=query)
        for item in invitations:
            expired = item.expires_at <= now
            rows.append({"kind": INVITATION, "id": item.pk, "email": item.email, "item": item,
                         "party": party_label(item.customer, item.supplier),
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
                         "party": party_label(link and link.customer, link and link.supplier),
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
    """A verified, pending request of this portal, or 404 (unverified ones cannot be linked)."""
    return get_object_or_404(RegistrationRequest, pk=registration_id, status=RegistrationRequest.Status.PENDING)


def access_objection(*, notice_id: int) -> OwnerNotice:
    return get_object_or_404(OwnerNotice, pk=notice_id)


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


def _party_choice(prefix: str, label: str, party, match: "Match | None" = None) -> dict:
    choice = {"value": f"{prefix}:{party.pk}", "kind": _(label), "name": party.business_name,
              "tax_id": party.tax_id_display, "email": party.email}
    if match is not None:
        choice.update(match=match.code, strong=match.strong, match_label=str(match.label))
    return choice


@dataclass(frozen=True)
class Match:
    """How well a request matches a party. Only the ERP's own email is strong: a CUIT is public,
    and anyone can have an address at a domain."""

    code: str  # "email", "cuit", "domain" or "none" (a party found by searching)
    label: str

    @property
    def strong(self) -> bool:
        return self.code == "email"


MATCH_LABELS = {
    "email": gettext_lazy("El email coincide con el del ERP"),
    "cuit": gettext_lazy("Solo coincide el CUIT"),
    "domain": gettext_lazy("Coincide el dominio del email"),
    "none": gettext_lazy("No coincide el email ni el CUIT"),
}
# Anyone can have an address at these: their domain says nothing about a company.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.com.ar", "outlook.com", "outlook.com.ar", "live.com",
    "live.com.ar", "yahoo.com", "yahoo.com.ar", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me",
    "fibertel.com.ar", "speedy.com.ar", "arnet.com.ar", "ciudad.com.ar", "msn.com",
})


def _company_domain(email: str) -> str:
    domain = normalize_email(email).rpartition("@")[2]
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def match_strength(*, email: str, tax_id: str, party) -> Match:
    email, party_email = normalize_email(email), normalize_email(party.email)
    if party_email and party_email == email:
        code = "email"
    elif tax_id and party.tax_id == tax_id:
        code = "cuit"
    elif _company_domain(email) and _company_domain(email) == _company_domain(party_email):
        code = "domain"
    else:
        code = "none"
    return Match(code=code, label=MATCH_LABELS[code])


def party_suggestions(*, registration) -> list[dict]:
    """The parties whose email, CUIT or email domain matches the request's, strongest first,
    each with how strong its match is."""
    condition = Q(email__iexact=registration.email)
    if registration.tax_id:
        condition |= Q(tax_id=registration.tax_id)
    domain = _company_domain(registration.email)
    if domain:
        condition |= Q(email__iendswith=f"@{domain}")
    suggestions = []
    for prefix, label, model in (("c", "Cliente", Customer), ("s", "Proveedor", Supplier)):
        for party in model.objects.filter(condition).order_by("business_name")[:5]:
            match = match_strength(email=registration.email, tax_id=registration.tax_id, party=party)
            suggestions.append(_party_choice(prefix, label, party, match))
    order = list(MATCH_LABELS)
    return sorted(suggestions, key=lambda choice: order.index(choice["match"]))


def party_accounts(*, customer=None, supplier=None) -> list[dict]:
    """The accounts linked to a customer or supplier (the admin's party view), with whether the
    party's ERP email was told about each."""
    links = AccountLink.objects.select_related("user", "invited_by").order_by("user__date_joined")
    links = links.filter(customer=customer) if customer is not None else links.filter(supplier=supplier)
    told = set(OwnerNotice.objects.filter(user__in=[link.user_id for link in links]).values_list("user_id", flat=True))
    return [{"email": link.user.email, "active": link.user.is_active, "since": link.user.date_joined,
             "owner_notified": link.user_id in told, "colleague": not link.is_titular,
             "invited_by": link.invited_by.email if link.invited_by_id else ""} for link in links]


# --- Registro de actividad ---------------------------------------------------------------------


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


