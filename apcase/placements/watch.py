"""What the school must know to watch a child in a placement, and what is missing.

Monitoring never waits for a complete plan: a child in an active placement is expected
at the provider until someone ends the placement (monitoring.selectors.expected_on).
This module says, loudly and every day, what is missing or overdue so that someone puts
it right:

- an emergency placement whose full plan is not agreed yet (the child is expected every
  weekday session meanwhile), and what the plan still lacks;
- no timetable (every weekday session is expected), no site, or no named member of staff
  who still works at the school;
- the planned end date is within the warning window (settings
  APCASE_PLACEMENT_END_WARNING_SCHOOL_DAYS, 10 school days by default) or has passed
  without the placement being ended or extended.

School days are counted with the home school's calendar, failing safe: a weekday in a
school year whose term dates are incomplete counts as a school day."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apcase.access import policies
from apcase.schooldays.calculator import SchoolCalendar

from .models import Placement


def end_warning_school_days() -> int:
    return int(getattr(settings, "APCASE_PLACEMENT_END_WARNING_SCHOOL_DAYS", 10))


@dataclass(frozen=True)
class Concern:
    """One thing missing or overdue on a placement, for its page and home pages."""

    key: str  # "end_passed", "end_near", "emergency_plan", "no_timetable", ...
    title: str
    detail: str
    urgent: bool


def named_staff_member_now(placement: Placement) -> Any:
    """The named staff member if they still work at the pupil's school; None when
    nobody is named or they have left (then the inclusion lead acts instead): whoever
    holds a role now is who may act."""
    person = placement.named_staff_member
    if person is None or not person.is_active:
        return None
    if not policies.roles_in(person, placement.pupil.school):
        return None
    return person


def end_date_concern(
    placement: Placement, *, today: datetime.date, calendar: SchoolCalendar | None = None
) -> Concern | None:
    end = placement.planned_end_date
    if placement.status != Placement.Status.ACTIVE or end is None:
        return None
    name = placement.pupil.display_name
    if end < today:
        return Concern(
            "end_passed",
            f"Placement past its end date: {name}",
            f"The placement at {placement.provider} was planned to end on "
            f"{end:%-d %B %Y}. {name} is still expected there every timetabled session "
            "until the placement is ended or extended.",
            urgent=True,
        )
    calendar = calendar or SchoolCalendar.for_school(placement.pupil.school)
    left = calendar.school_days_between(today + datetime.timedelta(days=1), end, fail_safe=True)
    if left <= end_warning_school_days():
        return Concern(
            "end_near",
            f"Placement ending soon: {name}",
            f"The placement at {placement.provider} is planned to end on {end:%-d %B %Y}, "
            f"in {left} school day{'s' if left != 1 else ''}. Plan the return, extend the "
            "placement or end it.",
            urgent=False,
        )
    return None


def concerns(placement: Placement, *, today: datetime.date) -> list[Concern]:
    """Everything missing or overdue on an open placement, most urgent first."""
    if placement.status == Placement.Status.ENDED:
        return []
    found: list[Concern] = []
    name = placement.pupil.display_name
    has_timetable = bool(placement.sessions.all())  # type: ignore[attr-defined]
    if placement.status == Placement.Status.ACTIVE:
        if placement.is_emergency and placement.full_plan_agreed_on is None:
            from .plan import missing_before_start

            missing = list(missing_before_start(placement))
            found.append(
                Concern(
                    "emergency_plan",
                    f"Emergency placement without an agreed plan: {name}",
                    f"Until the full plan is agreed, {name} is expected at "
                    f"{placement.provider} every weekday session. Still to do: "
                    + (" ".join(missing) if missing else "confirm the plan is agreed."),
                    urgent=True,
                )
            )
        elif not has_timetable:
            found.append(
                Concern(
                    "no_timetable",
                    f"No timetable: {name}",
                    f"{name} is expected at {placement.provider} every weekday session until "
                    "the weekly timetable is set.",
                    urgent=True,
                )
            )
        if end := end_date_concern(placement, today=today):
            found.append(end)
    if placement.status != Placement.Status.ACTIVE:
        # A planned placement's gaps are listed on its page as what it needs to start.
        return found
    if named_staff_member_now(placement) is None:
        found.append(
            Concern(
                "no_named_staff",
                f"No named member of staff: {name}",
                "Nobody at the school is named to support the pupil, visit and follow up "
                "absence; follow-ups go to the inclusion lead until someone is named.",
                urgent=True,
            )
        )
    if not placement.sites.all():  # type: ignore[attr-defined]
        found.append(
            Concern(
                "no_site",
                f"No site recorded: {name}",
                f"The school must know every address where {name} is taught: choose the "
                f"sites of {placement.provider} on the placement plan.",
                urgent=True,
            )
        )
    return sorted(found, key=lambda c: not c.urgent)
