"""Writes to users, memberships, invitations and organisations.

Rules:
- Organisation admins manage the users of their own organisation; system admins
  manage every organisation and create and edit organisations.
- An invitation is a one-time link: only its token's hash is stored, it expires after
  APCASE_INVITATION_HOURS, and accepting, revoking or expiry each end it.
- Accepting creates the account, or, when the address already has one, adds the role
  to it without touching its name or password (whoever holds the mailbox could reset
  that password anyway; the invitation proves the same thing).
- A role must fit the kind of organisation it is held in.
- Access comes only from active memberships, read afresh on every request, so a
  deactivated member loses access on their next request; a person left with no active
  membership at all is also signed out everywhere.
- Nobody can deactivate the membership that is their own last way to manage an
  organisation's users.
- Every change records exactly one audit event in its own transaction.

The functions live by subject (organisations, invitations, passwords, memberships);
importing them from here keeps working."""

from .invitations import (
    accept_invitation,
    confirm_invitation,
    invite_user,
    pending_invitation_exists,
    revoke_invitation,
)
from .memberships import (
    deactivate_membership,
    end_sessions_of,
    reactivate_membership,
)
from .organisations import (
    KINDS_UNDER_A_LOCAL_AUTHORITY,
    ORGANISATION_FIELDS,
    create_organisation,
    update_organisation,
)
from .passwords import (
    request_password_reset,
)
from .preferences import make_calendar_feed, revoke_calendar_feed, set_email_choice

__all__ = [
    "KINDS_UNDER_A_LOCAL_AUTHORITY",
    "ORGANISATION_FIELDS",
    "accept_invitation",
    "confirm_invitation",
    "create_organisation",
    "deactivate_membership",
    "end_sessions_of",
    "invite_user",
    "make_calendar_feed",
    "pending_invitation_exists",
    "reactivate_membership",
    "request_password_reset",
    "revoke_calendar_feed",
    "revoke_invitation",
    "set_email_choice",
    "update_organisation",
]
