"""Writes of notifications: the admin's and the accounts' choices, unsubscribing by link, and
turning pending notifications into emails through the outbox."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from portal_core.accounts.models import User
from portal_core.activity.services import Kind, audit_record
from portal_core.formats import money
from portal_core.mail.services import email_queue
from portal_core.models import AccountLink, Notification, NotificationPreference, SupplierPayment
from portal_core.tenancy import require_portal_schema
from tenants.hosts import portal_origin

from . import kinds as k
from .errors import NotificationError
from .models import Delivery
from .producers import CURRENT_PARTY, due_dates_record
from .selectors import kinds_available, notification_settings

DUE_SOON_DAYS = (1, 30)
BATCH = 500  # notifications taken per transaction
ITEMS_SHOWN = 30  # per kind in one email; the rest are counted ("y 12 más") and the portal lists them


# --- Choices -------------------------------------------------------------------------------


@transaction.atomic
def notification_settings_save(*, enabled_kinds: set[str], due_soon_days: int, by: User | None) -> None:
    """Perfil → Notificaciones: which kinds exist, and how many days before a due date "por
    vencer" starts. A kind turned off stops pending ones too."""
    require_portal_schema()
    if not DUE_SOON_DAYS[0] <= due_soon_days <= DUE_SOON_DAYS[1]:
        raise NotificationError(NotificationError.DAYS_OUT_OF_RANGE, low=DUE_SOON_DAYS[0], high=DUE_SOON_DAYS[1])
    if set(enabled_kinds) - set(k.KINDS):
        raise NotificationError(NotificationError.UNKNOWN_KIND)
    row = notification_settings()
    disabled = sorted(set(k.KINDS) - set(enabled_kinds))
    if row.pk and row.disabled_kinds == disabled and row.due_soon_days == due_soon_days:
        return
    row.disabled_kinds, row.due_soon_days = disabled, due_soon_days
    row.save()
    Notification.objects.filter(status=Notification.Status.PENDING, kind__in=disabled).update(
        status=Notification.Status.SKIPPED)
    audit_record(kind=Kind.SETTINGS_PROFILE, actor=by, target="notifications",
                 detail={"disabled_kinds": disabled, "due_soon_days": due_soon_days})


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, str]) -> None:
    """Mi cuenta → Notificaciones: {kind: delivery} for kinds available to the account (another
    kind: NotificationError UNKNOWN_KIND, nothing saved). Pending notifications follow."""
    available = {kind.code for kind in kinds_available(link=AccountLink.objects.filter(user=user).first())}
    if set(choices) - available or set(choices.values()) - set(Delivery.values):
        raise NotificationError(NotificationError.UNKNOWN_KIND)
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
        pending = Notification.objects.filter(user=user, kind=kind, status=Notification.Status.PENDING)
        if delivery == Delivery.OFF:
            pending.update(status=Notification.Status.SKIPPED)
        else:
            pending.update(delivery=delivery)


# --- Unsubscribing by link (RFC 8058) ------------------------------------------------------


def _salt() -> str:
    # Per portal: another portal's valid link is not one here.
    return f"portal_core.notifications.unsubscribe:{connection.schema_name}"


def unsubscribe_token(*, user: User, kinds: list[str]) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(kinds)}, salt=_salt())


def unsubscribe_target(*, token: str) -> tuple[User, list[str]]:
    """The account and kinds a link names; NotificationError INVALID_LINK for a tampered or
    foreign link, or an account that is gone."""
    try:
        payload = signing.loads(token, salt=_salt())
        user = User.objects.get(pk=int(payload["u"]), is_active=True)
        kinds = [kind for kind in payload["k"] if kind in k.KINDS]
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise NotificationError(NotificationError.INVALID_LINK) from error
    if not kinds:
        raise NotificationError(NotificationError.INVALID_LINK)
    return user, kinds


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, list[str]]:
    """One click: the link's kinds turned off for its account (no login: the signature is the
    proof). Returns the account and kinds."""
    user, kinds = unsubscribe_target(token=token)
    for kind in kinds:
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": Delivery.OFF})
    Notification.objects.filter(user=user, kind__in=kinds, status=Notification.Status.PENDING).update(
        status=Notification.Status.SKIPPED)
    return user, kinds


# --- Retention -----------------------------------------------------------------------------

# Kinds recorded again whenever a sync rewrites their payment order (any change to it, for as
# long as it exists): their rows are what keeps that from telling the same thing twice.
KEYED_BY_LIVE_PAYMENT = (k.PAYMENT_READY, k.WITHHOLDING_CERTIFICATE)
# Shorter would forget a key that can still come back: a due date's is recorded up to 30 days
# ahead (DUE_SOON_DAYS), a new document's for documents up to 30 days old.
MIN_RETENTION_DAYS = 60


def notifications_prune(*, now=None) -> int:
    """Delete sent and discarded notifications older than NOTIFICATIONS_RETENTION_DAYS (at least
    MIN_RETENTION_DAYS; beat, daily, per portal), except those of a payment order still in the
    portal. The other kinds' keys cannot come back that late: a new document's is recorded when
    the sync inserts it, a due date's within days of it, an overdue reminder's names its week, a
    statement's its month."""
    days = max(settings.NOTIFICATIONS_RETENTION_DAYS, MIN_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = Notification.objects.filter(created_at__lt=cutoff).exclude(status=Notification.Status.PENDING)
    live = old.filter(kind__in=KEYED_BY_LIVE_PAYMENT, object_id__in=SupplierPayment.objects.values("id"))
    deleted, _ = old.exclude(id__in=live.values("id")).delete()
    return deleted


# --- Sending -------------------------------------------------------------------------------


def due_dates_run(*, today: date | None = None) -> int:
    """The daily run: record what is due soon or overdue, then send the digests."""
    recorded = due_dates_record(today=today or timezone.localdate())
    notifications_send(delivery=Delivery.IMMEDIATE)
    notifications_send(delivery=Delivery.DIGEST)
    return recorded


def notifications_send(*, delivery: str = Delivery.IMMEDIATE) -> int:
    """Pending notifications into emails through the outbox: immediate ones as one email per
    account and kind, digest ones as one email per account. Returns the emails queued."""
    queued = 0
    while True:
        done, emails = _send_batch(delivery)
        queued += emails
        if not done:
            return queued


@transaction.atomic
def _send_batch(delivery: str) -> tuple[int, int]:
    """(notifications taken, emails queued) of one batch. Rows another worker holds are skipped."""
    rows = list(Notification.objects.select_for_update(skip_locked=True)
                .filter(status=Notification.Status.PENDING, delivery=delivery).order_by("id")[:BATCH])
    if not rows:
        return 0, 0
    true = _still_true(rows)
    groups: dict[int, dict[str, list[Notification]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.id in true:
            groups[row.user_id][row.kind].append(row)
    users = User.objects.in_bulk(list(groups))
    emails = 0
    for user_id, by_kind in groups.items():
        if delivery == Delivery.DIGEST:
            emails += _email(users[user_id], by_kind)
        else:
            for kind, items in by_kind.items():
                emails += _email(users[user_id], {kind: items})
    now = timezone.now()
    sent = [row.id for row in rows if row.id in true]
    Notification.objects.filter(id__in=sent).update(status=Notification.Status.SENT, sent_at=now)
    Notification.objects.filter(id__in=[row.id for row in rows if row.id not in true]).update(
        status=Notification.Status.SKIPPED)
    return len(rows), emails


def _still_true(rows: list[Notification]) -> set[int]:
    """Ids of the notifications still worth sending: the account is active, still linked to the
    party the row belongs to, still gets the kind, and the row is still as told (not voided,
    balance still open, payment still ready)."""
    user_ids = {row.user_id for row in rows}
    links = {link.user_id: link for link in AccountLink.objects.filter(user_id__in=user_ids, user__is_active=True)}
    off = set(NotificationPreference.objects.filter(user_id__in=user_ids, delivery=Delivery.OFF)
              .values_list("user_id", "kind"))
    available = {user_id: {kind.code for kind in kinds_available(link=link)} for user_id, link in links.items()}
    party_of: dict[str, dict[int, int]] = {}
    for kind in {row.kind for row in rows}:
        party_of[kind] = dict(CURRENT_PARTY[kind]([row.object_id for row in rows if row.kind == kind]))
    true = set()
    for row in rows:
        link = links.get(row.user_id)
        if link is None or row.kind not in available[row.user_id] or (row.user_id, row.kind) in off:
            continue
        party = link.customer_id if k.KINDS[row.kind].audience == k.CUSTOMER else link.supplier_id
        if party is not None and party_of[row.kind].get(row.object_id) == party:
            true.add(row.id)
    return true


def _email(user: User, by_kind: dict[str, list[Notification]]) -> int:
    origin = portal_origin(connection.tenant)
    kinds = sorted(by_kind, key=list(k.KINDS).index)
    token = unsubscribe_token(user=user, kinds=kinds)
    unsubscribe_url = f"{origin}/avisos/baja/{token}/"
    sections = [{
        # the kind's page, or the one its notice names (the statement's period)
        "heading": k.KINDS[kind].heading, "url": origin + (by_kind[kind][0].data.get("path") or k.KINDS[kind].path),
        "items": [_item(row.data) for row in by_kind[kind][:ITEMS_SHOWN]],
        "more": max(0, len(by_kind[kind]) - ITEMS_SHOWN),
        "unsubscribe_url": unsubscribe_url if len(kinds) == 1
        else f"{origin}/avisos/baja/{unsubscribe_token(user=user, kinds=[kind])}/",
    } for kind in kinds]
    digest = len(kinds) > 1 or by_kind[kinds[0]][0].delivery == Delivery.DIGEST
    email_queue(to=user.email, kind="notif_digest" if digest else f"notif_{kinds[0]}",
                template="notification_digest" if digest else "notification",
                context={"sections": sections, "section": sections[0], "digest": digest,
                         "count": sum(len(s["items"]) for s in sections),
                         "preferences_url": f"{origin}/mi-cuenta/notificaciones/",
                         "unsubscribe_url": unsubscribe_url},
                headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    return 1


def _item(data: dict) -> dict:
    return {"title": f"{data.get('doc_type', '')} {data.get('number', '')}".strip(),
            "date": _date(data.get("date")), "due_date": _date(data.get("due_date")),
            "amount": money(data.get("amount"), data.get("currency", "ARS")),
            "detail": data.get("method") or (f"Orden de pago {data['payment']}" if data.get("payment") else "")}


def _date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
