"""Memberships: an organisation's admin ends or restores someone's role there, and a
user's sessions end with their last role."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, ValidationFailed

from ..audit import AccountAction
from ..models import Membership, User
from ..roles import role_fits_kind


def deactivate_membership(*, by: User, membership: Membership) -> Membership:
    if not policies.can_manage_users(by, membership.organisation):
        raise NotPermitted("You cannot manage this organisation's users.")
    if policies.is_own_last_admin_membership(by, membership):
        raise ValidationFailed(
            "You cannot deactivate your own last administrator role here. "
            "Ask another administrator to do it."
        )
    with transaction.atomic():
        locked = _locked(membership)
        if not locked.is_active:
            raise ValidationFailed("This role is already deactivated.")
        _set_active(locked, False, by=by)
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
        locked = _locked(membership)
        if locked.is_active:
            raise ValidationFailed("This role is already active.")
        if not policies.can_reactivate_membership(by, locked):
            raise ValidationFailed(
                "Restoring this role needs someone who could confirm it: the "
                "headteacher or provider manager (not the person themselves)."
            )
        _set_active(locked, True, by=by)
    return locked


def _locked(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)


def _set_active(locked: Membership, active: bool, *, by: User) -> None:
    """Deactivate or reactivate a locked membership, and record which."""
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    action, verb = (
        (AccountAction.MEMBERSHIP_REACTIVATED, "Reactivated")
        if active
        else (AccountAction.MEMBERSHIP_DEACTIVATED, "Deactivated")
    )
    record_event(
        by=by,
        action=action,
        target=locked,
        organisation=locked.organisation,
        changes={"is_active": [not active, active]},
        summary=f"{verb} {locked.user} as {locked.get_role_display()}",
    )


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
