"""Messages about panel decisions (through `notifications.messages`)."""

from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications import messages
from apcase.placements.models import Placement
from apcase.placements.watch import named_staff_member_now
from apcase.referrals.models import EmergencyPlacement, Referral
from apcase.referrals.notify import school_leads

from .models import PanelDecision, PanelMeeting
from .selectors import undecided_items


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
        decided_on=decision.decided_on,
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


def _item_link(item: Referral | EmergencyPlacement) -> str:
    if isinstance(item, Referral):
        return reverse("referrals:detail", args=[item.pk])
    return reverse("referrals:emergency_detail", args=[item.pk])


def agenda_moved(
    meeting: PanelMeeting,
    items: list[Referral | EmergencyPlacement],
    *,
    to: PanelMeeting | None,
    why: str,
) -> None:
    """Tell each school whose referral or emergency placement was on `meeting`'s agenda
    where it has gone, and why."""
    for item in items:
        messages.send(
            "panel/messages/agenda_moved.txt",
            to=school_leads(item.school),
            child=item.pupil,
            link=_item_link(item),
            panel=meeting.panel,
            was_on=meeting.date,
            now_on=to.date if to else None,
            why=why,
            is_emergency=isinstance(item, EmergencyPlacement),
        )


def meeting_changed(meeting: PanelMeeting, *, changed: list[str], reason: str) -> None:
    """Tell each school with an item on the agenda that the meeting's details changed."""
    referrals, emergencies = undecided_items(meeting)
    items: list[Referral | EmergencyPlacement] = [*referrals, *emergencies]
    for item in items:
        messages.send(
            "panel/messages/meeting_changed.txt",
            to=school_leads(item.school),
            child=item.pupil,
            link=_item_link(item),
            meeting=meeting,
            panel=meeting.panel,
            changed=", ".join(changed),
            reason=reason,
        )
