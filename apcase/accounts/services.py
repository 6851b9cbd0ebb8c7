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
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apcase.access import policies
from apcase.chronology.services import added, changed_fields, record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import queue_email

from .audit import AccountAction
from .models import (
    Invitation,
    Membership,
    Organisation,
    PasswordResetRequest,
    User,
    hash_token,
    new_token,
)
from .roles import OrganisationKind, role_fits_kind
from .selectors import check_confirmed, check_usable, existing_user_for

KINDS_UNDER_A_LOCAL_AUTHORITY = frozenset({OrganisationKind.SCHOOL, OrganisationKind.PROVIDER})
ORGANISATION_FIELDS = (
    "name",
    "local_authority",
    "urn",
    "ukprn",
    "la_code",
    "status",
    "street",
    "town",
    "postcode",
    "website",
)


# --- invitations -------------------------------------------------------------------


def invite_user(
    *,
    by: User,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    site_url: str,
) -> Invitation:
    """Invite `email` to hold `role` in `organisation` and queue the email with the
    one-time link (built on `site_url`, e.g. "https://apcase.example")."""
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
            _ask_for_confirmation(invitation, site_url)
        else:
            _send_invitation_link(invitation, token, site_url)
    return invitation


def _send_invitation_link(invitation: Invitation, token: str, site_url: str) -> None:
    link = site_url.rstrip("/") + reverse("accounts:accept_invitation", args=[token])
    queue_email(
        to=invitation.email,
        subject=f"You have been invited to {settings.APCASE_SERVICE_NAME}",
        body=render_to_string(
            "accounts/email/invitation.txt",
            {
                "invitation": invitation,
                "link": link,
                "hours": settings.APCASE_INVITATION_HOURS,
                "service_name": settings.APCASE_SERVICE_NAME,
                "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
            },
        ),
    )


def _ask_for_confirmation(invitation: Invitation, site_url: str) -> None:
    """Tell everyone who could confirm the grant that it is waiting for them."""
    link = site_url.rstrip("/") + reverse(
        "organisations:confirm_invitation", args=[invitation.organisation_id, invitation.pk]
    )
    organisation = invitation.organisation
    candidates = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        organisation_id__in=[organisation.pk, organisation.local_authority_id],
    ).select_related("user")
    sent: set[str] = set()
    for membership in candidates:
        user = membership.user
        if user.email in sent or not policies.can_confirm_invitation(user, invitation):
            continue
        sent.add(user.email)
        queue_email(
            to=user.email,
            subject=f"Confirm a new {invitation.get_role_display()} for {organisation}",
            body=render_to_string(
                "accounts/email/confirm_invitation.txt",
                {"invitation": invitation, "link": link, "confirmer": user},
            ),
        )


def confirm_invitation(*, by: User, invitation: Invitation, site_url: str) -> Invitation:
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
            update_fields=[
                "token_hash",
                "confirmed_at",
                "confirmed_by",
                "expires_at",
                "updated_at",
            ]
        )
        record_event(
            by=by,
            action=AccountAction.INVITATION_CONFIRMED,
            target=locked,
            organisation=locked.organisation,
            changes=added({"email": locked.email, "role": locked.role}),
            summary=f"Confirmed the invitation of {locked.email} as {locked.get_role_display()}",
        )
        _send_invitation_link(locked, token, site_url)
    return locked


def pending_invitation_exists(*, organisation: Organisation, email: str, role: str) -> bool:
    return Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


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


# --- password reset ----------------------------------------------------------------


def request_password_reset(
    *,
    email: str,
    ip: str | None,
    domain: str,
    use_https: bool,
    token_generator: Any = default_token_generator,
    subject_template: str = "accounts/email/password_reset_subject.txt",
    body_template: str = "accounts/email/password_reset.txt",
) -> None:
    """Someone (signed out, so no `by`) asks for a reset link for `email`.

    The same happens whatever the address: one PasswordResetRequest row and one audit
    event are written, and nothing is sent inside the request. For an active account the
    email is only queued; the outbox sender (send_outbox, every minute) delivers it after
    the response, so the answer's timing does not say whether the address has an
    account. Over APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR for the address, or
    APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR for the client address, nothing is queued and
    the page answers as usual."""
    email = User.objects.normalize_email(email).strip().lower()
    email_hash = hash_token(email)
    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        over = recent.filter(email_hash=email_hash).count() >= (
            settings.APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR
        )
        if ip and not over:
            over = recent.filter(ip_address=ip).count() >= (
                settings.APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR
            )
        row = PasswordResetRequest.objects.create(
            email_hash=email_hash, ip_address=ip, over_limit=over
        )
        record_event(
            by=None,
            action=AccountAction.PASSWORD_RESET_REQUESTED,
            target=row,
            changes=added({"over_limit": over}),
            summary="A password reset link was asked for"
            + (" over the rate limit: nothing queued" if over else ""),
        )
        if over:
            return
        users = [
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if user.has_usable_password()
        ]
        # Without an account the same work is done for a stand-in that is never saved
        # or sent, and the request row is written again in place of the outbox row, so
        # the answer takes as long either way (docs/security.md has the figures).
        for user in users or [User(email=email)]:
            context = {
                "email": user.email,
                "domain": domain,
                "site_name": settings.APCASE_SERVICE_NAME,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": token_generator.make_token(user),
                "protocol": "https" if use_https else "http",
            }
            subject = "".join(render_to_string(subject_template, context).splitlines())
            body = render_to_string(body_template, context)
            if user.pk is None:
                row.save(update_fields=["updated_at"])
                continue
            # Queued only (no delivery when the request commits): see the docstring.
            OutboxMessage.objects.create(to=user.email, subject=subject[:200], body=body)


# --- memberships -------------------------------------------------------------------


def deactivate_membership(*, by: User, membership: Membership) -> Membership:
    if not policies.can_manage_users(by, membership.organisation):
        raise NotPermitted("You cannot manage this organisation's users.")
    if policies.is_own_last_admin_membership(by, membership):
        raise ValidationFailed(
            "You cannot deactivate your own last administrator role here. "
            "Ask another administrator to do it."
        )
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if not locked.is_active:
            raise ValidationFailed("This role is already deactivated.")
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        record_event(
            by=by,
            action=AccountAction.MEMBERSHIP_DEACTIVATED,
            target=locked,
            organisation=locked.organisation,
            changes={"is_active": [True, False]},
            summary=f"Deactivated {locked.user} as {locked.get_role_display()}",
        )
        if not Membership.objects.filter(user=locked.user, is_active=True).exists():
            end_sessions_of(locked.user)
    policies.forget_memberships(by)
    return locked


def reactivate_membership(*, by: User, membership: Membership) -> Membership:
    if not policies.can_manage_users(by, membership.organisation):
        raise NotPermitted("You cannot manage this organisation's users.")
    if not role_fits_kind(membership.role, membership.organisation.kind):
        raise ValidationFailed("This role is not held in this kind of organisation.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if locked.is_active:
            raise ValidationFailed("This role is already active.")
        if not policies.can_reactivate_membership(by, locked):
            raise ValidationFailed(
                "Restoring this role needs someone who could confirm it: the "
                "headteacher or provider manager (not the person themselves)."
            )
        locked.is_active = True
        locked.save(update_fields=["is_active", "updated_at"])
        record_event(
            by=by,
            action=AccountAction.MEMBERSHIP_REACTIVATED,
            target=locked,
            organisation=locked.organisation,
            changes={"is_active": [False, True]},
            summary=f"Reactivated {locked.user} as {locked.get_role_display()}",
        )
    return locked


def end_sessions_of(user: User) -> int:
    """Delete every live server-side session of `user`. Sessions are few (they expire
    after 30 idle minutes), so reading them is cheap enough for a rare admin action."""
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


# --- organisations -----------------------------------------------------------------


def create_organisation(*, by: User, kind: str, name: str, **details: Any) -> Organisation:
    """A new school, local authority, provider or platform organisation; `details` are
    any of ORGANISATION_FIELDS."""
    if not policies.can_manage_organisations(by):
        raise NotPermitted("Only system administrators can add organisations.")
    if kind not in OrganisationKind.values:
        raise ValidationFailed("Choose a kind of organisation.", {"kind": ["Select a kind"]})
    organisation = Organisation(kind=kind)
    _apply(organisation, {"name": name, **details})
    with transaction.atomic():
        organisation.save()
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_CREATED,
            target=organisation,
            organisation=organisation,
            changes=added({"kind": kind, "name": organisation.name}),
            summary=f"Added {organisation.get_kind_display().lower()} {organisation.name}",
        )
    return organisation


def update_organisation(*, by: User, organisation: Organisation, **details: Any) -> Organisation:
    if not policies.can_manage_organisations(by):
        raise NotPermitted("Only system administrators can change organisations.")
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = changed_fields(locked, details)
        _apply(locked, details)
        if not changes:
            return locked
        locked.save()
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_UPDATED,
            target=locked,
            organisation=locked,
            changes=changes,
            summary=f"Changed the details of {locked.name}",
        )
    return locked


def _apply(organisation: Organisation, details: dict[str, Any]) -> None:
    unknown = set(details) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Not organisation fields: {sorted(unknown)}")
    for field, value in details.items():
        setattr(organisation, field, value.strip() if isinstance(value, str) else value)
    errors: dict[str | None, list[str]] = {}
    if not organisation.name:
        errors["name"] = ["Enter the organisation's name"]
    la = organisation.local_authority
    if organisation.kind in KINDS_UNDER_A_LOCAL_AUTHORITY and la is None:
        errors["local_authority"] = [
            f"Select the local authority this {organisation.get_kind_display().lower()} belongs to"
        ]
    elif organisation.kind not in KINDS_UNDER_A_LOCAL_AUTHORITY and la is not None:
        errors["local_authority"] = ["Only schools and providers belong to a local authority"]
    elif la is not None and la.kind != OrganisationKind.LOCAL_AUTHORITY:
        errors["local_authority"] = ["Select a local authority"]
    urn = organisation.urn
    if (
        urn is not None
        and Organisation.objects.filter(urn=urn).exclude(pk=organisation.pk).exists()
    ):
        errors["urn"] = ["Another organisation already has this URN"]
    if errors:
        raise ValidationFailed("Check the organisation's details.", errors)
