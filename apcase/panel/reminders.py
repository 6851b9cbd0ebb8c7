"""Reminders (notifications.reminders) of the inclusion panel, each once:

- **emergency placement awaiting ratification**: to the local authority's officers and
  the meeting's chair while they still hold a panel role at the authority, once per
  emergency placement and meeting date from REMIND_DAYS_BEFORE days before the meeting
  that is to ratify it, and once more when that meeting has passed without ratifying it
  (`referrals.workflow.is_overdue`, the rule of the home page's 'Overdue'); one with no
  meeting to ratify it is reminded at once, keyed on its start date: nothing may leave
  it unratified unnoticed;
- **panel papers published**: to the meeting's members and chair who still hold a panel
  role at the authority, once per meeting and date, from the meeting's cut-off (when
  the agenda closes and the pack is complete) until the meeting."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications.reminders import Due, key, key_ahead_or_passed
from apcase.referrals import workflow
from apcase.referrals.models import EmergencyPlacement

from .models import PanelMeeting

REMIND_DAYS_BEFORE = 7
PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER)


def ratifications_awaited(today: datetime.date) -> Iterator[Due]:
    emergencies = (
        EmergencyPlacement.objects.filter(ratification=EmergencyPlacement.Ratification.AWAITING)
        .select_related("pupil", "panel", "panel__local_authority", "meeting", "placement")
        .order_by("pk")
    )
    for emergency in emergencies:
        meeting = emergency.meeting
        if meeting is not None and meeting.date > today + datetime.timedelta(
            days=REMIND_DAYS_BEFORE
        ):
            continue
        due = meeting.date if meeting is not None else emergency.placement.start_date
        to = holders(emergency.panel.local_authority, [Role.LA_OFFICER])
        chair = meeting.chair if meeting is not None else None
        if chair is not None and chair.pk in _panel_role_holders(emergency.panel):
            to.append(chair)
        overdue = workflow.is_overdue(emergency, today=today)
        yield Due(
            key=key_ahead_or_passed(
                "ratification", f"emergency:{emergency.pk}", due, passed=overdue
            ),
            template="panel/messages/ratification_awaited.txt",
            to=to,
            child=emergency.pupil,
            link=reverse("referrals:emergency_detail", args=[emergency.pk]),
            context={"meeting": meeting, "overdue": overdue},
        )


def _panel_role_holders(panel: Any) -> set[int]:
    """The ids of whoever holds a panel role at the panel's authority now: a chair
    named on a meeting who has since left is not told (whoever holds a role now is who
    may act)."""
    return {person.pk for person in holders(panel.local_authority, PANEL_ROLES)}


def papers_published(today: datetime.date) -> Iterator[Due]:
    meetings = (
        PanelMeeting.objects.filter(
            status=PanelMeeting.Status.SCHEDULED,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=60),
        )
        .select_related("panel", "panel__local_authority", "chair")
        .prefetch_related("members")
        .order_by("date", "pk")
    )
    for meeting in meetings:
        if today < meeting.cutoff_date:
            continue
        current = _panel_role_holders(meeting.panel)
        people = [*meeting.members.all(), *([meeting.chair] if meeting.chair else [])]
        yield Due(
            key=key("panel_papers", f"meeting:{meeting.pk}", meeting.date),
            template="panel/messages/papers_published.txt",
            to=[person for person in people if person.pk in current],
            link=reverse("panel:meeting_detail", args=[meeting.pk]),
            context={"meeting": meeting},
        )
