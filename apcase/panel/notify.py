"""Messages about panel decisions (through `notifications.messages`)."""

from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications import messages
from apcase.placements.models import Placement
from apcase.placements.watch import named_staff_member_now
from apcase.referrals.notify import school_leads

from .models import PanelDecision


def decision_made(decision: PanelDecision) -> None:
    referral = decision.referral
    if referral is None:
        raise ValueError("decision_made tells a school of a decision on its referral.")
    messages.send(
        "panel/messages/decision_made.txt",
        to=school_leads(referral.school),
        child=referral.pupil,
        link=reverse("panel:decision_detail", args=[decision.pk]),
        panel=decision.meeting.panel,
        met_on=decision.meeting.date,
        outcome=decision.get_outcome_display(),
    )


def placement_planned(decision: PanelDecision, placement: Placement) -> None:
    recipients = holders(placement.provider, {Role.PROVIDER_MANAGER})
    if named := named_staff_member_now(placement):
        recipients.append(named)
    messages.send(
        "panel/messages/placement_planned.txt",
        to=recipients,
        child=placement.pupil,
        link=reverse("placements:detail", args=[placement.pk]),
        panel=decision.meeting.panel,
        provider=placement.provider,
        start=placement.start_date,
        sessions=placement.sessions_per_week,
    )
