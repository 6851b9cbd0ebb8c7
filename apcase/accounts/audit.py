"""Audit actions of accounts: invitations, memberships, organisations, sign-in."""

from apcase.chronology.actions import AuditAction, register


@register
class AccountAction(AuditAction):
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_CONFIRMED = "invitation_confirmed", "Invitation confirmed"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
    MEMBERSHIP_DEACTIVATED = "membership_deactivated", "Role removed"
    MEMBERSHIP_REACTIVATED = "membership_reactivated", "Role restored"
    # No operation writes this yet (a role is granted by invitation and removed by
    # deactivation); the members page lists it among role changes for when one does.
    MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", "Role changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
    ORGANISATION_CREATED = "organisation_created", "Organisation added"
    ORGANISATION_UPDATED = "organisation_updated", "Organisation details changed"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor authentication set up"
    EMAIL_CHOICE_CHANGED = "email_choice_changed", "Email choice changed"
    CALENDAR_FEED_CREATED = "calendar_feed_created", "Calendar feed address made"
    CALENDAR_FEED_REVOKED = "calendar_feed_revoked", "Calendar feed address turned off"
