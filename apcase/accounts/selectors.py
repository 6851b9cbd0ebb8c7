"""Reads of organisations and users, scoped to what the acting user may manage."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.roles import CONFIRMING_ROLE, ORGANISATION_ADMIN_ROLES, OrganisationKind, Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import ValidationFailed
from apcase.core.queries import one_or_404

from .audit import AccountAction
from .models import CalendarFeed, Invitation, Membership, Organisation, User, hash_token


def staff_of(organisation: Organisation) -> QuerySet[User]:
    """The people who work at `organisation` now (an active account and an active
    membership there, as policies.works_at asks), by name: whom a form may name as a
    child's named staff member or named adult."""
    return (
        User.objects.filter(
            is_active=True, memberships__organisation=organisation, memberships__is_active=True
        )
        .distinct()
        .order_by("full_name")
    )


def organisations_managed_by(user: User) -> QuerySet[Organisation]:
    """Organisations whose users `user` may manage: their own as an admin; all for a
    system admin."""
    if policies.is_system_admin(user):
        return Organisation.objects.all()
    ids = policies.organisation_ids_for(user, ORGANISATION_ADMIN_ROLES)
    return Organisation.objects.filter(pk__in=ids)


def get_managed_organisation_for(user: User, organisation_id: int) -> Organisation:
    """The organisation, if `user` may manage its users; 404 for missing and forbidden."""
    return one_or_404(organisations_managed_by(user), organisation_id, "No such organisation.")


def memberships_in(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user")


def get_membership_for(user: User, organisation: Organisation, membership_id: int) -> Membership:
    """A membership of an organisation `user` manages (the caller fetched
    `organisation` through get_managed_organisation_for); 404 otherwise."""
    return one_or_404(memberships_in(organisation), membership_id, "No such member.")


def member_rows_for(user: User, organisation: Organisation) -> list[dict[str, Any]]:
    """The members table: each membership with the actions `user` may take on it."""
    return [
        {
            "membership": membership,
            "can_deactivate": policies.can_deactivate_membership(user, membership),
            "can_reactivate": policies.can_reactivate_membership(user, membership),
        }
        for membership in memberships_in(organisation).order_by(
            "-is_active", "user__full_name", "role"
        )
    ]


def pending_invitations_in_any() -> QuerySet[Invitation]:
    return Invitation.objects.usable()


def pending_invitations_in(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        pending_invitations_in_any()
        .filter(organisation=organisation)
        .select_related("invited_by", "confirmed_by")
    )


def get_pending_invitation_for(
    user: User, organisation: Organisation, invitation_id: int
) -> Invitation:
    return one_or_404(pending_invitations_in(organisation), invitation_id, "No such invitation.")


def local_authorities() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)


class InvitationUnusable(ValidationFailed):
    """The link was used, withdrawn, has expired, or never existed; `reason` says which."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid.", reason="unknown")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("This invitation has already been used.", reason="used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("This invitation has been withdrawn.", reason="revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("This invitation has expired.", reason="expired")


def check_confirmed(invitation: Invitation) -> None:
    if invitation.awaiting_confirmation:
        raise InvitationUnusable(
            "This invitation is waiting for confirmation.", reason="unconfirmed"
        )


def invitations_to_confirm_for(user: User) -> list[Invitation]:
    """Open invitations to safeguarding roles that `user` may confirm: in organisations
    where they hold the confirming role, or (where nobody else does) in schools and
    providers of the local authority they administer."""
    own = policies.organisation_ids_for(user, set(CONFIRMING_ROLE.values()))
    las = policies.organisation_ids_for(user, {Role.LA_ADMIN})
    open_ones = (
        pending_invitations_in_any()
        .filter(needs_confirmation=True, confirmed_at__isnull=True)
        .filter(Q(organisation_id__in=own) | Q(organisation__local_authority_id__in=las))
        .select_related("organisation", "organisation__local_authority", "invited_by")
    )
    return [i for i in open_ones if policies.can_confirm_invitation(user, i)]


def get_invitation_to_confirm_for(
    user: User, organisation_id: int, invitation_id: int
) -> Invitation:
    """An invitation `user` may confirm; 404 for missing and forbidden alike."""
    for invitation in invitations_to_confirm_for(user):
        if invitation.pk == invitation_id and invitation.organisation_id == organisation_id:
            return invitation
    raise Http404("No such invitation.")


ROLE_GRANT_ACTIONS = (
    AccountAction.INVITATION_SENT,
    AccountAction.INVITATION_CONFIRMED,
    AccountAction.INVITATION_ACCEPTED,
    AccountAction.INVITATION_REVOKED,
    AccountAction.MEMBERSHIP_DEACTIVATED,
    AccountAction.MEMBERSHIP_REACTIVATED,
    AccountAction.MEMBERSHIP_ROLE_CHANGED,
)


def role_changes_in(organisation: Organisation, *, limit: int = 50) -> QuerySet[AuditEvent]:
    """The latest role grants and removals in `organisation`, from the audit trail."""
    return AuditEvent.objects.filter(
        organisation_id=organisation.pk, action__in=ROLE_GRANT_ACTIONS
    ).order_by("-occurred_at", "-id")[:limit]


def usable_invitation(token: str) -> Invitation:
    """The invitation a link names, or InvitationUnusable saying why it cannot be used.
    Public: the token itself is the credential."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    check_usable(invitation)
    assert invitation is not None  # noqa: S101 - check_usable raised otherwise
    return invitation


def existing_user_for(invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def holders(organisation: Organisation | None, roles: Iterable[str]) -> list[User]:
    """Everyone who holds one of `roles` at `organisation` now (an active membership of
    an active account), once each, by email: whom a message goes to is decided by who
    holds the role today, never by a name stored on a record."""
    if organisation is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=list(roles),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def calendar_feed_owner(token: str) -> User:
    """The person whose calendar feed `token` opens (the token itself is the credential:
    the feed is fetched by a calendar program with no session). 404, the same whatever
    the reason, for an unknown or revoked token, an inactive account, or one that holds
    no role now."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True)
        .first()
    )
    if feed is None or not policies.can_use_service(feed.user):
        raise Http404("No such calendar.")
    return feed.user


def has_calendar_feed(user: User) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()
