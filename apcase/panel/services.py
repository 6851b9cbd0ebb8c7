"""Scheduling meetings, declarations of interest and the panel's joint decisions.

Rules:
- LA officers schedule meetings of their own LA's panel; a new meeting takes every
  submitted referral that beat its cut-off and was waiting for a meeting, every deferred
  referral, and every emergency placement awaiting a ratification meeting.
- A decision is joint: it names the members present (members of the meeting who hold a
  panel role in the LA; anyone who declared an interest in the item does not count),
  at least the quorum (APCASE_PANEL_QUORUM), the outcome and the reasons. It is
  recorded by the chair or an LA officer, whose name is kept with it.
- An approval names the provider — assured, or accepted with a recorded reason — the
  site, proposed start date, sessions per week and first review date, and who
  commissions the placement (the school, by default: under a school's AP policy the
  school applies and remains the commissioner; or the LA) under which power; it creates
  the placement in "planned", commissioned as the decision says.
"""

import datetime
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import record_event
from apcase.core import words
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.directory import selectors as directory_selectors
from apcase.placements import workflow as placement_workflow
from apcase.placements.models import Placement
from apcase.placements.plan import commissioning_errors
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import EmergencyPlacement, Referral

from . import notify, pack
from .audit import PanelAction
from .models import DeclarationOfInterest, InclusionPanel, PanelDecision, PanelMeeting, quorum
from .schedule import monthly_dates
from .selectors import la_panel_people

Outcome = PanelDecision.Outcome


def provider_is_assured(provider: Organisation) -> bool:
    return directory_selectors.provider_is_assured(provider)


@dataclass(frozen=True)
class MeetingPlace:
    """Where, at what time and with whom a panel meets: what a single meeting and a
    monthly series share."""

    start_time: datetime.time = datetime.time(9, 30)
    venue: str = ""
    online_link: str = ""
    chair: User | None = None
    members: tuple[User, ...] = ()


@transaction.atomic
def schedule_meeting(
    *,
    by: User,
    panel: InclusionPanel,
    date: datetime.date,
    place: MeetingPlace,
    is_extra: bool = False,
) -> PanelMeeting:
    if not policies.can_schedule_meetings_for(by, panel):
        raise NotPermitted("You cannot schedule meetings of this panel.")
    start_time, venue, online_link, chair = (
        place.start_time,
        place.venue,
        place.online_link,
        place.chair,
    )
    errors: dict[str | None, list[str]] = {}
    if not venue.strip() and not online_link.strip():
        errors["venue"] = ["Enter a venue or an online meeting link."]
    if date < timezone.localdate():
        errors["date"] = ["The meeting date must be today or in the future."]
    if PanelMeeting.objects.filter(panel=panel, date=date, start_time=start_time).exists():
        errors["date"] = ["The panel already meets at that date and time."]
    people = set(la_panel_people(panel).values_list("pk", flat=True))
    chosen = list(place.members)
    if chair is not None and chair.pk not in people:
        errors["chair"] = ["The chair must hold a panel role in this local authority."]
    if any(member.pk not in people for member in chosen):
        errors["members"] = ["Members must hold a panel role in this local authority."]
    if errors:
        raise ValidationFailed("Check the meeting details.", errors)
    meeting = PanelMeeting.objects.create(
        panel=panel,
        date=date,
        start_time=start_time,
        venue=venue.strip(),
        online_link=online_link.strip(),
        chair=chair,
        is_extra=is_extra,
        scheduled_by=by,
    )
    meeting.members.set(chosen + ([chair] if chair else []))
    record_event(
        by=by,
        action=PanelAction.MEETING_SCHEDULED,
        target=meeting,
        organisation=panel.local_authority,
        summary=f"Panel meeting scheduled for {date:%-d %B %Y}",
        changes={"date": [None, date.isoformat()]},
    )
    _gather_waiting_items(meeting, by=by)
    return meeting


def _gather_waiting_items(meeting: PanelMeeting, *, by: User) -> None:
    """Referrals and emergencies waiting for a meeting join this one if it is the
    first that fits them."""
    from .selectors import meeting_for_submission, next_meeting_after, next_meeting_from

    today = timezone.localdate()
    # A referral waiting now (submitted with no meeting open, or whose meeting was
    # cancelled) joins the first meeting whose cut-off has not passed today.
    takes_waiting = meeting_for_submission(meeting.panel, on=today) == meeting
    for referral in Referral.objects.filter(panel=meeting.panel, status=Referral.Status.SUBMITTED):
        if takes_waiting:
            referral_workflow.schedule_referral(referral, meeting=meeting, by=by)
    for referral in Referral.objects.filter(panel=meeting.panel, status=Referral.Status.DEFERRED):
        decided_on = timezone.localdate(referral.decided_at or timezone.now())
        if next_meeting_after(meeting.panel, day=decided_on) == meeting:
            referral_workflow.schedule_referral(referral, meeting=meeting, by=by)
    for emergency in EmergencyPlacement.objects.filter(
        panel=meeting.panel,
        ratification=EmergencyPlacement.Ratification.AWAITING,
        meeting__isnull=True,
    ):
        if next_meeting_from(meeting.panel, day=today) == meeting:
            referral_workflow.assign_emergency_to_meeting(emergency, meeting=meeting, by=by)


@dataclass(frozen=True)
class MeetingChange:
    """What an LA officer may change on a scheduled meeting, and why."""

    date: datetime.date
    start_time: datetime.time
    venue: str
    online_link: str
    reason: str


def _change_errors(meeting: PanelMeeting, change: MeetingChange) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    if not change.reason.strip():
        errors["reason"] = ["Enter the reason for the change."]
    if not change.venue.strip() and not change.online_link.strip():
        errors["venue"] = ["Enter a venue or an online meeting link."]
    if change.date != meeting.date:
        if change.date < timezone.localdate():
            errors["date"] = ["The meeting date must be today or in the future."]
        elif meeting.decisions.exists():
            errors["date"] = ["Decisions have been recorded at this meeting: its date stays."]
    clash = PanelMeeting.objects.filter(
        panel=meeting.panel, date=change.date, start_time=change.start_time
    ).exclude(pk=meeting.pk)
    if clash.exists():
        errors["date"] = ["The panel already meets at that date and time."]
    return errors


@transaction.atomic
def edit_meeting(*, by: User, meeting: PanelMeeting, change: MeetingChange) -> PanelMeeting:
    """Change a scheduled meeting's date, time, venue or link, with a reason kept in
    the audit event; the schools with items on its agenda are told."""
    meeting = PanelMeeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
    if not policies.can_schedule_meetings_for(by, meeting.panel):
        raise NotPermitted("Only an LA officer changes the panel's meetings.")
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise TransitionNotAllowed(
            f"This meeting is {meeting.get_status_display().lower()}: it is not changed."
        )
    errors = _change_errors(meeting, change)
    if errors:
        raise ValidationFailed("Check the meeting details.", errors)
    new = {
        "date": change.date,
        "start_time": change.start_time,
        "venue": change.venue.strip(),
        "online_link": change.online_link.strip(),
    }
    labels = {"date": "date", "start_time": "time", "venue": "venue", "online_link": "link"}
    changes = {
        name: [str(getattr(meeting, name)), str(value)]
        for name, value in new.items()
        if getattr(meeting, name) != value
    }
    if not changes:
        raise ValidationFailed("Nothing was changed.", {None: ["Change at least one detail."]})
    for name, value in new.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*new, "updated_at"])
    pack.prepare_after_commit({meeting.pk})  # the pack prints the meeting's details
    record_event(
        by=by,
        action=PanelAction.MEETING_EDITED,
        target=meeting,
        organisation=meeting.panel.local_authority,
        changes={**changes, "reason": [None, change.reason.strip()]},
        summary=f"Panel meeting details changed ({', '.join(labels[n] for n in changes)}): "
        f"{change.reason.strip()}"[:500],
    )
    notify.meeting_changed(
        meeting, changed=[labels[n] for n in changes], reason=change.reason.strip()
    )
    return meeting


@transaction.atomic
def schedule_monthly_series(
    *,
    by: User,
    panel: InclusionPanel,
    first_month: datetime.date,
    count: int,
    weekday: int,
    nth: int,
    place: MeetingPlace,
) -> list[PanelMeeting]:
    if not policies.can_schedule_meetings_for(by, panel):
        raise NotPermitted("You cannot schedule meetings of this panel.")
    if not 1 <= count <= 12:
        raise ValidationFailed(
            "Schedule between 1 and 12 meetings at a time.",
            {"count": ["Enter a number from 1 to 12."]},
        )
    if weekday not in range(5) or nth not in (1, 2, 3, 4, -1):
        raise ValidationFailed("Choose the week and a weekday for the series.")
    try:
        dates = monthly_dates(first_month=first_month, count=count, weekday=weekday, nth=nth)
    except ValueError:
        raise ValidationFailed(
            "The series would run past December 9999.",
            {
                "first_month": [
                    "The meetings would run past December 9999: choose an earlier first "
                    "month or fewer meetings."
                ]
            },
        ) from None
    today = timezone.localdate()
    meetings = []
    for date in dates:
        if date < today:
            continue
        if PanelMeeting.objects.filter(
            panel=panel, date=date, start_time=place.start_time
        ).exists():
            continue
        meetings.append(schedule_meeting(by=by, panel=panel, date=date, place=place))
    return meetings


@transaction.atomic
def declare_interest(
    *, by: User, meeting: PanelMeeting, interest: str, referral: Referral | None = None
) -> DeclarationOfInterest:
    if not policies.can_declare_interest(by, meeting):
        raise NotPermitted("Only panel members declare interests.")
    if not interest.strip():
        raise ValidationFailed("Describe the interest.", {"interest": ["Describe the interest."]})
    if referral is not None and referral.meeting_id != meeting.pk:
        raise ValidationFailed("That referral is not on this meeting's agenda.")
    declaration = DeclarationOfInterest.objects.create(
        meeting=meeting, member=by, referral=referral, interest=interest.strip()
    )
    record_event(
        by=by,
        action=PanelAction.INTEREST_DECLARED,
        target=declaration,
        organisation=meeting.panel.local_authority,
        pupil_id=referral.pupil_id if referral else None,
        summary="Declaration of interest recorded",
    )
    return declaration


def counting_members(
    meeting: PanelMeeting, present: list[Any], *, referral: Referral | None
) -> list[Any]:
    """Those present who count towards the quorum: members of this meeting with a panel
    role in its LA, less anyone who declared an interest in the item."""
    from .selectors import sitting_members

    eligible = {user.pk for user in sitting_members(meeting)}
    conflicted: set[int] = set()
    if referral is not None:
        conflicted = set(
            meeting.declarations.filter(referral=referral).values_list("member_id", flat=True)
        )
    return [user for user in present if user.pk in eligible and user.pk not in conflicted]


@dataclass(frozen=True)
class ApprovalTerms:
    """What an approval commissions: the provider (assured, or accepted with a recorded
    reason), the site, proposed start date, sessions a week and first review date, and
    who commissions the placement under which power. Kept only with an approval."""

    provider: Organisation | None = None
    provider_acceptance_reason: str = ""
    site: str = ""
    proposed_start_date: datetime.date | None = None
    sessions_per_week: int | None = None
    first_review_date: datetime.date | None = None
    commissioned_by: str = Placement.ArrangedBy.SCHOOL
    commissioning_power: str = Placement.CommissioningPower.SCHOOL_ARRANGED

    @classmethod
    def take_from(cls, values: dict[str, Any]) -> "ApprovalTerms":
        """Move the terms a form's values hold out of them, into one object."""
        return cls(**{f.name: values.pop(f.name) for f in fields(cls) if f.name in values})


NOT_AN_APPROVAL = ApprovalTerms()


@transaction.atomic
def record_decision(
    *,
    by: User,
    meeting: PanelMeeting,
    item: Referral | EmergencyPlacement,
    members_present: list[Any],
    outcome: str,
    reasons: str,
    conditions: str = "",
    terms: ApprovalTerms = NOT_AN_APPROVAL,
) -> PanelDecision:
    """A decision on one agenda item: a referral, or an emergency placement to ratify."""
    referral = item if isinstance(item, Referral) else None
    emergency = item if isinstance(item, EmergencyPlacement) else None
    meeting = PanelMeeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
    if not policies.can_record_decision(by, meeting):
        raise NotPermitted("Only the panel chair or an LA officer records the panel's decisions.")
    _check_meeting_sits(meeting)
    if (referral is None) == (emergency is None):
        raise ValidationFailed("A decision is on one agenda item.")
    errors: dict[str | None, list[str]] = {}
    allowed = PanelDecision.REFERRAL_OUTCOMES if referral else PanelDecision.RATIFICATION_OUTCOMES
    if outcome not in allowed:
        errors["outcome"] = ["Select the panel's decision."]
    if not reasons.strip():
        errors["reasons"] = ["Enter the reasons for the decision."]
    counted = counting_members(meeting, members_present, referral=referral)
    if len(counted) < quorum():
        errors["members_present"] = [
            f"The panel is not quorate: {words.counted(len(counted), 'eligible member')} "
            f"present, {quorum()} needed."
        ]
    if outcome == Outcome.APPROVED:
        errors.update(_approval_errors(terms))
        errors.update(commissioning_errors(terms.commissioned_by, terms.commissioning_power))
    if errors:
        raise ValidationFailed("The decision could not be recorded.", errors)
    approving = outcome == Outcome.APPROVED
    decision = PanelDecision.objects.create(
        meeting=meeting,
        referral=referral,
        emergency=emergency,
        outcome=outcome,
        reasons=reasons.strip(),
        conditions=conditions.strip(),
        provider=terms.provider if approving else None,
        provider_acceptance_reason=terms.provider_acceptance_reason.strip() if approving else "",
        site=terms.site.strip() if approving else "",
        proposed_start_date=terms.proposed_start_date if approving else None,
        sessions_per_week=terms.sessions_per_week if approving else None,
        first_review_date=terms.first_review_date if approving else None,
        commissioned_by=terms.commissioned_by if approving else "",
        commissioning_power=terms.commissioning_power if approving else "",
        recorded_by=by,
    )
    decision.members_present.set(members_present)
    record_event(
        by=by,
        action=PanelAction.DECISION_RECORDED,
        target=decision,
        organisation=meeting.panel.local_authority,
        pupil_id=item.pupil_id,
        summary=f"Panel decision: {decision.get_outcome_display()}. Present: "
        + ", ".join(user.full_name for user in members_present),
        changes={
            "outcome": [None, outcome],
            "members_present": [None, [str(user.pk) for user in members_present]],
        },
    )
    if referral is not None:
        referral_workflow.decide_referral(referral, by=by, decision=decision)
        if approving:
            placement = placement_workflow.create_planned_placement(
                by=by,
                pupil=referral.pupil,
                terms=placement_workflow.PlacementTerms(
                    provider=terms.provider,  # type: ignore[arg-type]
                    site=terms.site.strip(),
                    start_date=terms.proposed_start_date,  # type: ignore[arg-type]
                    sessions_per_week=terms.sessions_per_week,  # type: ignore[arg-type]
                    first_review_date=terms.first_review_date,
                ),
                commissioning=placement_workflow.Commissioning(
                    arranged_by=terms.commissioned_by, power=terms.commissioning_power
                ),
                decision=decision,
                # The referral's author is named only while they still work at the
                # school; otherwise the plan asks for someone (and the inclusion lead
                # stands in meanwhile).
                named_staff_member=(
                    referral.created_by
                    if policies.roles_in(referral.created_by, referral.pupil.school)
                    else None
                ),
            )
            notify.placement_planned(decision, placement)
        notify.decision_made(decision)
    else:
        assert emergency is not None  # noqa: S101
        referral_workflow.ratify_emergency(emergency, by=by, decision=decision)
    return decision


def _check_meeting_sits(meeting: PanelMeeting) -> None:
    """Decisions are recorded at a scheduled meeting, on its day or after: not at one
    still to come, nor at one closed, postponed or cancelled."""
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise TransitionNotAllowed(
            f"This meeting is {meeting.get_status_display().lower()}: "
            "no more decisions are recorded at it."
        )
    if meeting.date > timezone.localdate():
        raise TransitionNotAllowed(
            f"This meeting is on {meeting.date:%-d %B %Y}: record the panel's decisions "
            "on that day or after, not before."
        )


def _approval_errors(terms: ApprovalTerms) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    provider, start = terms.provider, terms.proposed_start_date
    if provider is None:
        errors["provider"] = ["Select the provider."]
    elif not provider_is_assured(provider) and not terms.provider_acceptance_reason.strip():
        errors["provider_acceptance_reason"] = [
            f"{provider} is not assured in the directory: enter why the panel accepts it."
        ]
    if start is None:
        errors["proposed_start_date"] = ["Enter the proposed start date."]
    if terms.sessions_per_week is None or not 1 <= terms.sessions_per_week <= 10:
        errors["sessions_per_week"] = ["Enter sessions per week, from 1 to 10."]
    if terms.first_review_date is None:
        errors["first_review_date"] = ["Enter the first review date."]
    elif start and terms.first_review_date <= start:
        errors["first_review_date"] = ["The first review must be after the start date."]
    return errors
