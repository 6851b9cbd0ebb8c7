"""Panel meeting status. Every move of `PanelMeeting.status` is here.

- scheduled → held: the chair (or an LA officer) closes the meeting, on or after its
  date, never before. Recording decisions does not hold a meeting.
- scheduled → postponed: an LA officer moves it to a new date, with a reason. A new
  meeting at the new date takes its agenda; the postponed one points to it.
- scheduled → cancelled: an LA officer cancels it, with a reason. Its agenda moves to
  the next scheduled meeting, or waits for one.
- Held, postponed and cancelled meetings move no further. A meeting with decisions
  recorded at it has sat: it is closed, not postponed or cancelled.

Whatever a meeting leaves undecided when it is closed, postponed or cancelled moves
on, and the schools whose items are on the agenda are told.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_event
from apcase.core.errors import (
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
    check_transition,
)
from apcase.referrals import workflow as referral_workflow

from . import notify
from .audit import PanelAction
from .models import PanelMeeting
from .selectors import undecided_items

M = PanelMeeting.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    M.SCHEDULED: frozenset({M.HELD, M.POSTPONED, M.CANCELLED}),
    M.HELD: frozenset(),
    M.POSTPONED: frozenset(),
    M.CANCELLED: frozenset(),
}


def _locked(meeting: PanelMeeting) -> PanelMeeting:
    return PanelMeeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)


def _check_move(meeting: PanelMeeting, to: str) -> None:
    check_transition(
        meeting,
        "status",
        to,
        ALLOWED_TRANSITIONS,
        states=M,
        refused="This meeting is {now}: it cannot be {to}.",
    )


def _move(meeting: PanelMeeting, to: str, *, by: User, action: PanelAction, summary: str) -> None:
    old = meeting.status
    meeting.status = to
    meeting.save(update_fields=["status", "status_reason", "postponed_to", "updated_at"])
    changes: dict[str, list[Any]] = {"status": [old, to]}
    if meeting.status_reason:
        changes["reason"] = [None, meeting.status_reason]
    if meeting.postponed_to_id:
        changes["postponed_to"] = [None, str(meeting.postponed_to_id)]
    record_event(
        by=by,
        action=action,
        target=meeting,
        organisation=meeting.panel.local_authority,
        changes=changes,
        summary=summary[:500],
    )


def _required_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed("Enter the reason.", {"reason": ["Enter the reason."]})
    return reason.strip()


def _next_meeting(meeting: PanelMeeting) -> PanelMeeting | None:
    """The first other scheduled meeting of the panel, from today and after `meeting`."""
    floor = max(meeting.date, timezone.localdate())
    return (
        PanelMeeting.objects.filter(panel=meeting.panel, status=M.SCHEDULED, date__gte=floor)
        .exclude(pk=meeting.pk)
        .exclude(date=meeting.date, start_time__lt=meeting.start_time)
        .order_by("date", "start_time")
        .first()
    )


@dataclass(frozen=True)
class AgendaMove:
    """Where an agenda went, and why: what the schools are told."""

    to: PanelMeeting | None
    why: str


def move_agenda(meeting: PanelMeeting, move: AgendaMove, *, by: User) -> int:
    """Move the undecided items of `meeting` to `move.to` (or back to waiting), telling
    each school. Returns how many items moved."""
    referrals, emergencies = undecided_items(meeting)
    for referral in referrals:
        referral_workflow.move_referral(referral, meeting=move.to, by=by, why=move.why)
    for emergency in emergencies:
        referral_workflow.move_emergency(emergency, meeting=move.to, by=by, why=move.why)
    notify.agenda_moved(meeting, [*referrals, *emergencies], to=move.to, why=move.why)
    return len(referrals) + len(emergencies)


@transaction.atomic
def close_meeting(meeting: PanelMeeting, *, by: User) -> PanelMeeting:
    """The chair or an LA officer closes the meeting: it has been held. Not before its
    date. Items it did not reach go to the next scheduled meeting (or wait for one)."""
    meeting = _locked(meeting)
    if not policies.can_record_decision(by, meeting):
        raise NotPermitted("Only the panel chair or an LA officer closes a meeting.")
    _check_move(meeting, M.HELD)
    if meeting.date > timezone.localdate():
        raise TransitionNotAllowed(
            f"This meeting is on {meeting.date:%-d %B %Y}: it can be closed on that day "
            "or after, not before."
        )
    held_on = f"{meeting.date:%-d %B %Y}"
    move_agenda(
        meeting,
        AgendaMove(_next_meeting(meeting), f"Not reached at the panel meeting on {held_on}."),
        by=by,
    )
    _move(
        meeting,
        M.HELD,
        by=by,
        action=PanelAction.MEETING_HELD,
        summary=f"Panel meeting on {held_on} closed as held",
    )
    return meeting


def _check_not_sat(meeting: PanelMeeting) -> None:
    if meeting.decisions.exists():
        raise TransitionNotAllowed(
            "Decisions have been recorded at this meeting: it has sat. Close it instead."
        )


@transaction.atomic
def cancel_meeting(meeting: PanelMeeting, *, by: User, reason: str) -> PanelMeeting:
    meeting = _locked(meeting)
    if not policies.can_schedule_meetings_for(by, meeting.panel):
        raise NotPermitted("Only an LA officer cancels the panel's meetings.")
    _check_move(meeting, M.CANCELLED)
    _check_not_sat(meeting)
    meeting.status_reason = _required_reason(reason)
    on = f"{meeting.date:%-d %B %Y}"
    move_agenda(
        meeting,
        AgendaMove(
            _next_meeting(meeting),
            f"The panel meeting on {on} was cancelled: {meeting.status_reason}",
        ),
        by=by,
    )
    _move(
        meeting,
        M.CANCELLED,
        by=by,
        action=PanelAction.MEETING_CANCELLED,
        summary=f"Panel meeting on {on} cancelled: {meeting.status_reason}",
    )
    return meeting


@transaction.atomic
def postpone_meeting(
    meeting: PanelMeeting, *, by: User, to: datetime.date, reason: str
) -> PanelMeeting:
    """Postpone to the date `to` (same time, place and members): a new meeting takes
    the agenda. Returns the new meeting."""
    meeting = _locked(meeting)
    if not policies.can_schedule_meetings_for(by, meeting.panel):
        raise NotPermitted("Only an LA officer postpones the panel's meetings.")
    _check_move(meeting, M.POSTPONED)
    _check_not_sat(meeting)
    errors: dict[str | None, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Enter the reason."]
    if to <= meeting.date or to < timezone.localdate():
        errors["date"] = ["The new date must be after the meeting's date, and not in the past."]
    elif PanelMeeting.objects.filter(
        panel=meeting.panel, date=to, start_time=meeting.start_time
    ).exists():
        errors["date"] = ["The panel already meets at that date and time."]
    if errors:
        raise ValidationFailed("Check the new date and the reason.", errors)
    later = PanelMeeting.objects.create(
        panel=meeting.panel,
        date=to,
        start_time=meeting.start_time,
        venue=meeting.venue,
        online_link=meeting.online_link,
        chair=meeting.chair,
        is_extra=meeting.is_extra,
        scheduled_by=by,
    )
    later.members.set(meeting.members.all())
    meeting.status_reason = reason.strip()
    meeting.postponed_to = later
    on, new = f"{meeting.date:%-d %B %Y}", f"{to:%-d %B %Y}"
    record_event(
        by=by,
        action=PanelAction.MEETING_SCHEDULED,
        target=later,
        organisation=meeting.panel.local_authority,
        summary=f"Panel meeting scheduled for {new}, postponed from {on}",
        changes={"date": [None, to.isoformat()]},
    )
    move_agenda(
        meeting,
        AgendaMove(later, f"The panel meeting on {on} was postponed to {new}: {reason.strip()}"),
        by=by,
    )
    _move(
        meeting,
        M.POSTPONED,
        by=by,
        action=PanelAction.MEETING_POSTPONED,
        summary=f"Panel meeting on {on} postponed to {new}: {meeting.status_reason}",
    )
    return later
