"""Emails about panel decisions, queued through the outbox after commit."""

from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.referrals.notify import people_with_roles, pupil_label, school_leads, send_email

from .models import PanelDecision


def decision_made(decision: PanelDecision) -> None:
    referral = decision.referral
    if referral is None:
        raise ValueError("decision_made tells a school of a decision on its referral.")
    send_email(
        school_leads(referral.school),
        f"Panel decision for {pupil_label(referral.pupil)}",
        f"The {decision.meeting.panel} met on {decision.meeting.date:%-d %B %Y} and made a "
        f"decision on your referral: {decision.get_outcome_display()}. Sign in to read the "
        "reasons and the decision letters.",
    )


def placement_planned(decision: PanelDecision, placement: Placement) -> None:
    recipients = people_with_roles(placement.provider, {Role.PROVIDER_MANAGER})
    if placement.named_staff_member is not None:
        recipients.append(placement.named_staff_member.email)
    send_email(
        recipients,
        "New placement planned",
        f"The {decision.meeting.panel} has approved a placement for "
        f"{pupil_label(placement.pupil)} at {placement.provider}, starting "
        f"{placement.start_date:%-d %B %Y}, {placement.sessions_per_week} sessions a week.",
    )
