"""Invitations: who may invite whom to which role, the safeguarding roles that another
person must confirm first, the one-time link, and accepting it."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.chronology.services import added, record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications import messages

from ..audit import AccountAction
from ..models import Invitation, Membership, Organisation, User, hash_token, new_token
from ..roles import role_fits_kind
from ..selectors import check_confirmed, check_usable, existing_user_for


def invite_user(
    *, by: User, organisation: Organisation, email: str, full_name: str, role: str
) -> Invitation:
    """Invite `email` to hold `role` in `organisation` and queue the email with the
    one-time link (a full link on the service's own address, APCASE_BASE_URL, never on
    the address the request came in on)."""
    if not policies.can_invite_users(by, organisation):
        raise NotPermitted("You cannot invite people to this organisation.")
    email = User.objects.normalize_email(email).strip().lower()
    full_name = full_name.strip()
    if not role_fits_kind(role, organisation.kind):
        raise ValidationFailed(
            "That role is not held in this kind of organisation.",
            {"role": [f"Select a role held in a {organisation.get_kind_display().lower()}"]},
        )
    # Nobody hands themselves a role: for a system admin that would be a way round the
    # rule that the platform's operators see no pupil data.
    if email == (by.email or "").lower():
        raise ValidationFailed(
            "You cannot invite yourself.",
            {"email": ["Enter the email address of the person you are inviting, not your own"]},
        )
    if not policies.can_grant_role(by, organisation, role):
        raise ValidationFailed(
            "A system administrator cannot invite people into roles that see pupil data.",
            {
                "role": [
                    "Select a role that sees no pupil data, or ask the organisation's "
                    "administrator to invite this person"
                ]
            },
        )
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role, is_active=True
    ).exists():
        raise ValidationFailed(
            "This person already has this role here.",
            {"email": ["This person already has this role in this organisation"]},
        )
    if pending_invitation_exists(organisation=organisation, email=email, role=role):
        raise ValidationFailed(
            "This person already has an invitation waiting.",
            {"email": ["This person already has an invitation for this role waiting"]},
        )
    needs_confirmation = policies.grant_needs_confirmation(role)
    token = new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            full_name=full_name,
            role=role,
            token_hash=hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(hours=settings.APCASE_INVITATION_HOURS),
            needs_confirmation=needs_confirmation,
        )
        waiting = " (waiting for confirmation)" if needs_confirmation else ""
        record_event(
            by=by,
            action=AccountAction.INVITATION_SENT,
            target=invitation,
            organisation=organisation,
            changes=added({"email": email, "role": role, "needs_confirmation": needs_confirmation}),
            summary=f"Invited {email} as {invitation.get_role_display()}{waiting}",
        )
        if needs_confirmation:
            # The token just made is thrown away: the link is made and sent only on
            # confirmation, so nothing can be accepted before then.
            _ask_for_confirmation(invitation)
        else:
            _send_invitation_link(invitation, token)
    return invitation


def _send_invitation_link(invitation: Invitation, token: str) -> None:
    messages.send(
        "accounts/messages/invitation.txt",
        to=[invitation.email],  # an address: the person may have no account yet
        link=reverse("accounts:accept_invitation", args=[token]),
        invitation=invitation,
        hours=settings.APCASE_INVITATION_HOURS,
        has_account=User.objects.filter(email__iexact=invitation.email).exists(),
    )


def _ask_for_confirmation(invitation: Invitation) -> None:
    """Tell everyone who could confirm the grant that it is waiting for them."""
    organisation = invitation.organisation
    candidates = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        organisation_id__in=[organisation.pk, organisation.local_authority_id],
    ).select_related("user")
    messages.send(
        "accounts/messages/confirm_invitation.txt",
        to=[
            membership.user
            for membership in candidates
            if policies.can_confirm_invitation(membership.user, invitation)
        ],
        link=reverse(
            "organisations:confirm_invitation", args=[invitation.organisation_id, invitation.pk]
        ),
        invitation=invitation,
    )


def confirm_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """The second person's confirmation of a safeguarding-role grant: only now is the
    one-time link made and sent to the invited person."""
    with transaction.atomic():
        locked = (
            # Only the invitation's own row: PostgreSQL refuses FOR UPDATE across the
            # nullable local-authority join.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "organisation__local_authority")
            .get(pk=invitation.pk)
        )
        check_usable(locked)
        if not locked.awaiting_confirmation:
            raise ValidationFailed("This invitation does not need confirming.")
        if not policies.can_confirm_invitation(by, locked):
            raise NotPermitted("You cannot confirm this invitation.")
        token = new_token()
        locked.token_hash = hash_token(token)
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        locked.expires_at = locked.confirmed_at + timedelta(hours=settings.APCASE_INVITATION_HOURS)
        locked.save(
            update_fields=["token_hash", "confirmed_at", "confirmed_by", "expires_at", "updated_at"]
        )
        record_event(
            by=by,
            action=AccountAction.INVITATION_CONFIRMED,
            target=locked,
            organisation=locked.organisation,
            changes=added({"email": locked.email, "role": locked.role}),
            summary=f"Confirmed the invitation of {locked.email} as {locked.get_role_display()}",
        )
        _send_invitation_link(locked, token)
    return locked


def pending_invitation_exists(*, organisation: Organisation, email: str, role: str) -> bool:
    return (
        Invitation.objects.usable()
        .filter(organisation=organisation, email__iexact=email, role=role)
        .exists()
    )


def accept_invitation(
    *, token: str, full_name: str = "", password: str = "", by: User | None = None
) -> Membership:
    """Use the link once: create the account (name and password required) or, if the
    address already has one, add the role to it. `by` is ignored: the person accepting
    is the invited person, named by the link, signed in or not."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )
        check_usable(invitation)
        assert invitation is not None  # noqa: S101 - _check_usable raised otherwise
        check_confirmed(invitation)
        user = existing_user_for(invitation)
        created = user is None
        if user is None:
            user = _new_user(invitation.email, full_name or invitation.full_name, password)
        membership, _ = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at", "updated_at"])
        record_event(
            by=user,
            action=AccountAction.INVITATION_ACCEPTED,
            target=membership,
            organisation=invitation.organisation,
            changes=added({"role": invitation.role, "new_account": created}),
            summary=f"Accepted an invitation as {membership.get_role_display()}",
        )
    return membership


def _new_user(email: str, full_name: str, password: str) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationFailed("Enter your full name.", {"full_name": ["Enter your full name"]})
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            "Choose a stronger password.", {"password1": error.messages}
        ) from None
    user.set_password(password)
    user.save()
    return user


def revoke_invitation(*, by: User, invitation: Invitation) -> Invitation:
    if not policies.can_invite_users(by, invitation.organisation):
        raise NotPermitted("You cannot withdraw invitations to this organisation.")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_usable(locked)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            by=by,
            action=AccountAction.INVITATION_REVOKED,
            target=locked,
            organisation=locked.organisation,
            summary=f"Withdrew the invitation for {locked.email}",
        )
    return locked
