"""Access to a portal (DESIGN, Access): registration requests, their approval, invitations,
activation of accounts, the owner's notices, and the colleagues a party's titular invites
(usuarios de la empresa). Called with the portal's schema active.

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

from .colleagues import (
    colleague_invite,
    colleague_permissions_set,
    colleague_revoke,
    colleague_set_active,
    titular_link,
)
from .invitations import (
    invitation_accept,
    invitation_batch_run,
    invitation_batches_stalled,
    invitation_for_token,
    invitation_resend,
    invitation_send,
    invitations_start,
    stalled_invitation_batches,
)
from .owner_notices import (
    account_set_active,
    owner_notice_for_token,
    owner_objection_resolve,
    owner_objection_submit,
    party_for_choice,
)
from .registrations import (
    intake_process,
    intakes_stalled,
    password_reset_request,
    registration_approve,
    registration_reject,
    registration_submit,
    registration_verify,
    registrations_expired_delete,
    stalled_intakes,
)

__all__ = [
    "account_set_active",
    "colleague_invite",
    "colleague_permissions_set",
    "colleague_revoke",
    "colleague_set_active",
    "intake_process",
    "intakes_stalled",
    "invitation_accept",
    "invitation_batch_run",
    "invitation_batches_stalled",
    "invitation_for_token",
    "invitation_resend",
    "invitation_send",
    "invitations_start",
    "owner_notice_for_token",
    "owner_objection_resolve",
    "owner_objection_submit",
    "party_for_choice",
    "password_reset_request",
    "registration_approve",
    "registration_reject",
    "registration_submit",
    "registration_verify",
    "registrations_expired_delete",
    "stalled_intakes",
    "stalled_invitation_batches",
    "titular_link",
]
