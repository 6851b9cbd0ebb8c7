"""The part-time timetable rules of a reintegration plan, as plain functions of the plan.

- A week has FULL_WEEK_SESSIONS half-day sessions (a morning and an afternoon, Monday
  to Friday). A phase is **part time** when its sessions at the home school and at the
  provider together are fewer than that: the child is then out of education for the rest.
- Every weekday session of a phase is exactly one of: at school, at the provider, or
  `C2` (leave of absence for a part-time timetable: neither at school nor at the
  provider). A session cannot be both at school and at the provider.
- While any phase is part time, the plan cannot be agreed without: the agreement of a
  parent or carer the pupil lives with (who, when, how), the agreed times and dates, an
  end date for the part-time timetable (on or after the last part-time day) and a review
  date on or before that end date (`part_time_missing`).

Sources: School Attendance (Pupil Registration) (England) Regulations 2024 (the C2
code); DfE "Working together to improve school attendance" (2024), part-time timetables.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from apcase.reference.attendance import Session, Weekday

from .models import Phase, PlanStatus, ReintegrationPlan, ReviewPoint

# Two sessions a day, five days a week (the School Attendance (Pupil Registration)
# (England) Regulations 2024 take the register each morning and afternoon session).
FULL_WEEK_SESSIONS = 10
SESSIONS: tuple[str, ...] = tuple(
    f"{day}-{half}" for day in Weekday.values for half in Session.values
)
# The code for a session missed because of the part-time timetable: leave of absence
# for a part-time timetable (School Attendance (Pupil Registration) (England) Regulations
# 2024, Schedule; "Working together to improve school attendance", 2024).
PART_TIME_CODE = "C2"
SCHOOL, PROVIDER = "school", "provider"


def session_label(key: str) -> str:
    day, half = key.split("-")
    return f"{Weekday(int(day)).label} {Session(half).label.lower()}"


def clean_sessions(values: Iterable[Any]) -> set[str]:
    return {str(v) for v in values if str(v) in SESSIONS}


def is_part_time(phase: Phase) -> bool:
    taught = clean_sessions(phase.at_school) | clean_sessions(phase.at_provider)
    return len(taught) < FULL_WEEK_SESSIONS


def place_of(phase: Phase, session: str) -> str:
    """Where the child is for one weekday session of the phase: school, provider or C2."""
    if session in clean_sessions(phase.at_school):
        return SCHOOL
    if session in clean_sessions(phase.at_provider):
        return PROVIDER
    return PART_TIME_CODE


def first_day(plan: ReintegrationPlan, phase: Phase) -> datetime.date:
    return plan.start_date + datetime.timedelta(weeks=phase.from_week - 1)


def last_day(plan: ReintegrationPlan, phase: Phase) -> datetime.date:
    return plan.start_date + datetime.timedelta(weeks=phase.to_week, days=-1)


@dataclass(frozen=True)
class Week:
    """One week of a part-time phase: each weekday session's place (school, provider, C2)."""

    number: int
    starts: datetime.date
    cells: tuple[tuple[str, str], ...]  # (session key, place), Monday morning first

    @property
    def c2_sessions(self) -> list[str]:
        return [key for key, place in self.cells if place == PART_TIME_CODE]

    @property
    def c2_labels(self) -> list[str]:
        return [session_label(key) for key in self.c2_sessions]


def part_time_weeks(plan: ReintegrationPlan, phases: Iterable[Phase]) -> list[Week]:
    """Every week of every part-time phase, with the sessions recorded as C2."""
    weeks = []
    for phase in phases:
        if not is_part_time(phase):
            continue
        cells = tuple((key, place_of(phase, key)) for key in SESSIONS)
        for number in range(phase.from_week, phase.to_week + 1):
            starts = plan.start_date + datetime.timedelta(weeks=number - 1)
            weeks.append(Week(number, starts, cells))
    return weeks


def phase_problems(
    plan: ReintegrationPlan,
    *,
    from_week: int,
    to_week: int,
    at_school: set[str],
    at_provider: set[str],
    others: Iterable[Phase],
) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    if from_week < 1 or to_week < from_week:
        errors["to_week"] = ["The last week must be the same as or after the first week."]
        return errors
    if both := sorted(at_school & at_provider, key=SESSIONS.index):
        errors["at_provider"] = [
            "A session is either at school or at the provider, not both: "
            + ", ".join(session_label(s) for s in both)
            + "."
        ]
    starts = plan.start_date + datetime.timedelta(weeks=from_week - 1)
    if starts >= plan.target_full_time_date:
        errors["from_week"] = [
            f"Week {from_week} starts on {starts:%-d %B %Y}, on or after the target date to be "
            f"back full time ({plan.target_full_time_date:%-d %B %Y})."
        ]
    if overlaps := [
        f"weeks {o.from_week} to {o.to_week}"
        for o in others
        if from_week <= o.to_week and o.from_week <= to_week
    ]:
        errors["from_week"] = [
            f"Weeks {from_week} to {to_week} overlap another phase: {', '.join(overlaps)}."
        ]
    return errors


def part_time_missing(
    plan: ReintegrationPlan, phases: list[Phase], review_points: list[ReviewPoint]
) -> list[tuple[str, str]]:
    """(field, what is missing) for the part-time timetable rules; empty when no phase is
    part time or nothing is missing."""
    part_time = [p for p in phases if is_part_time(p)]
    if not part_time:
        return []
    missing: list[tuple[str, str]] = []
    carer = plan.agreed_by
    if carer is None or carer.pupil_id != plan.placement.pupil_id:
        missing.append(
            ("agreed_by", "the agreement of a parent or carer the pupil lives with (who agreed)")
        )
    elif not carer.lives_with_pupil:
        missing.append(
            (
                "agreed_by",
                f"the agreement of a parent or carer the pupil lives with: {carer.name} does "
                "not live with the pupil",
            )
        )
    if plan.agreed_on is None:
        missing.append(("agreed_on", "the date the parent or carer agreed"))
    if not plan.agreed_how:
        missing.append(("agreed_how", "how the parent or carer agreed"))
    if not plan.agreed_times.strip():
        missing.append(("agreed_times", "the agreed times and dates of the part-time timetable"))
    ends = plan.part_time_ends_on
    last = max(last_day(plan, p) for p in part_time)
    if ends is None:
        missing.append(("part_time_ends_on", "an end date for the part-time timetable"))
    elif ends < last:
        missing.append(
            (
                "part_time_ends_on",
                f"an end date for the part-time timetable on or after its last part-time day "
                f"({last:%-d %B %Y})",
            )
        )
    if not any(ends is None or point.date <= ends for point in review_points):
        missing.append(("review_date", "a review date while the timetable is part time"))
    return missing


def missing_before_agreeing(
    plan: ReintegrationPlan, phases: list[Phase], review_points: list[ReviewPoint]
) -> list[tuple[str, str]]:
    missing = []
    if not phases:
        missing.append(("phases", "at least one phase with its sessions"))
    return missing + part_time_missing(plan, phases, review_points)


def is_past_target(plan: ReintegrationPlan, today: datetime.date | None = None) -> bool:
    """An open plan (draft or agreed) past its target date to be back full time."""
    today = today or timezone.localdate()
    open_ = plan.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE)
    return open_ and plan.target_full_time_date < today
