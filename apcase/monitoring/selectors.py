"""Reads for daily monitoring, scoped through placements.selectors: a provider sees and
marks only its own active placements; the school and LA read what they may read of the
placement."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.placements.models import Placement
from apcase.placements.selectors import get_placement_for, provider_ids_for

from . import codes, rules
from .models import AttendanceMark, CheckIn, FollowUpTask, Visit


def active_on(day: datetime.date) -> Q:
    return Q(status=Placement.Status.ACTIVE, start_date__lte=day) & (
        Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=day)
    )


def expected_placements(
    provider_ids: set[int] | list[int], day: datetime.date, session: str
) -> QuerySet[Placement]:
    """Active placements whose timetable has the pupil at one of the providers for this
    session."""
    return (
        Placement.objects.filter(active_on(day), provider_id__in=provider_ids)
        .filter(sessions__weekday=day.weekday(), sessions__session=session)
        .select_related("pupil", "provider", "named_staff_member")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def providers_of(user: Any) -> list[Any]:
    return [
        m.organisation
        for m in policies.active_memberships(user)
        if m.role in policies.PROVIDER_ROLES
    ]


@dataclass
class RegisterRow:
    placement: Placement
    current: AttendanceMark | None


def register_rows(provider: Any, day: datetime.date, session: str) -> list[RegisterRow]:
    """Every pupil expected this session with their current mark: two queries however
    many pupils."""
    placements = list(expected_placements([provider.pk], day, session))
    marks = {
        m.placement_id: m
        for m in AttendanceMark.objects.filter(
            placement__in=[p.pk for p in placements], date=day, session=session, is_current=True
        )
    }
    return [RegisterRow(p, marks.get(p.pk)) for p in placements]


# --- attendance % ----------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    possible: int
    present: int
    recorded: int  # every current mark, possible or not

    @property
    def missed(self) -> int:
        return self.possible - self.present

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.possible) if self.possible else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "–" if rate is None else f"{float(rate) * 100:.1f}%"

    @property
    def persistent_absence(self) -> bool:
        return (
            bool(self.possible) and Fraction(self.missed, self.possible) >= codes.PERSISTENT_ABSENCE
        )

    @property
    def severe_absence(self) -> bool:
        return bool(self.possible) and Fraction(self.missed, self.possible) >= codes.SEVERE_ABSENCE


def summarise(mark_codes: list[str]) -> AttendanceSummary:
    """Attendance over the given marks: sessions that are not possible (D, X, Y1–Y7, Q,
    Z, #) count neither way."""
    found = [codes.get(c) for c in mark_codes]
    return AttendanceSummary(
        possible=sum(1 for c in found if c.is_possible),
        present=sum(1 for c in found if c.is_present),
        recorded=len(found),
    )


def current_marks(**filters: Any) -> QuerySet[AttendanceMark]:
    return AttendanceMark.objects.filter(is_current=True, **filters).select_related(
        "recorded_by", "placement", "pupil"
    )


@dataclass(frozen=True)
class WeekBar:
    week_starting: datetime.date
    summary: AttendanceSummary
    # Geometry for the server-drawn SVG chart (a 0–100 scale).
    x: int
    height: int

    @property
    def y(self) -> int:
        return 110 - self.height


def weekly(marks: list[AttendanceMark]) -> list[WeekBar]:
    weeks: dict[datetime.date, list[str]] = defaultdict(list)
    for mark in marks:
        weeks[rules.week_start(mark.date)].append(mark.code)
    bars = []
    for index, (start, week_codes) in enumerate(sorted(weeks.items())):
        summary = summarise(week_codes)
        height = round(float(summary.rate or 0) * 100)
        bars.append(WeekBar(start, summary, x=50 + index * 40, height=height))
    return bars


def attendance_of_placement(
    placement: Placement,
) -> tuple[AttendanceSummary, list[WeekBar], list[AttendanceMark]]:
    marks = list(current_marks(placement=placement).order_by("date", "session"))
    return summarise([m.code for m in marks]), weekly(marks), marks


def attendance_of_pupil(pupil: Any) -> AttendanceSummary:
    """Across every placement the pupil has had."""
    return summarise(list(current_marks(pupil=pupil).values_list("code", flat=True)))


def mark_history(placement: Placement) -> QuerySet[AttendanceMark]:
    """Every mark ever recorded, corrections with what they replaced."""
    return (
        AttendanceMark.objects.filter(placement=placement)
        .select_related("recorded_by", "supersedes")
        .order_by("date", "session", "recorded_at")
    )


# --- follow-ups, check-ins, visits -------------------------------------------------


def open_follow_ups_for(user: Any) -> QuerySet[FollowUpTask]:
    """Open tasks assigned to the user, and those at the schools where they are DSL,
    inclusion lead or headteacher."""
    school_ids = policies.organisation_ids_for(user, policies.FOLLOW_UP_ROLES)
    return (
        FollowUpTask.objects.filter(status=FollowUpTask.Status.OPEN)
        .filter(Q(assigned_to_id=user.pk) | Q(placement__pupil__school_id__in=school_ids))
        .select_related("placement", "placement__pupil", "placement__provider", "assigned_to")
        .order_by("date", "id")
    )


def get_follow_up_to_close(user: Any, task_id: int) -> FollowUpTask:
    task = (
        FollowUpTask.objects.filter(pk=task_id)
        .select_related(
            "placement", "placement__pupil", "placement__pupil__school", "placement__provider"
        )
        .first()
    )
    if task is None or not policies.can_close_follow_up(user, task):
        raise Http404("No such task.")
    return task


def follow_ups_of(placement: Placement) -> QuerySet[FollowUpTask]:
    return placement.follow_ups.select_related("assigned_to", "closed_by")  # type: ignore[attr-defined]


def check_ins_of(placement: Placement) -> list[CheckIn]:
    return list(CheckIn.objects.filter(placement=placement).order_by("week_starting"))


def check_ins_of_pupil(pupil: Any) -> list[CheckIn]:
    """Every weekly check-in across the pupil's placements, oldest first. The caller has
    already been allowed to see the pupil."""
    return list(
        CheckIn.objects.filter(placement__pupil=pupil).order_by("week_starting", "placement_id")
    )


def get_placement_to_mark(user: Any, placement_id: int) -> Placement:
    placement = get_placement_for(user, placement_id)
    if not policies.can_mark_attendance(user, placement):
        raise Http404("No such placement.")
    return placement


def visits_of(placement: Placement) -> list[Visit]:
    return list(Visit.objects.filter(placement=placement))


def next_visit_due(placement: Placement, visits: list[Visit]) -> datetime.date:
    """Every visit interval after the last visit done, or after the start."""
    done = [v.visited_on for v in visits if v.status == Visit.Status.DONE and v.visited_on]
    return max([placement.start_date, *done]) + rules.visit_interval()


def overdue_visits_for(user: Any, *, today: datetime.date) -> list[tuple[Placement, datetime.date]]:
    placements = list(
        Placement.objects.filter(named_staff_member_id=user.pk, status=Placement.Status.ACTIVE)
        .select_related("pupil", "provider")
        .prefetch_related("visits")
    )
    overdue = []
    for placement in placements:
        due = next_visit_due(placement, list(placement.visits.all()))  # type: ignore[attr-defined]
        if due < today:
            overdue.append((placement, due))
    return overdue


def get_visit_for(user: Any, visit_id: int) -> Visit:
    visit = Visit.objects.filter(pk=visit_id).select_related("placement").first()
    if visit is None:
        raise Http404("No such visit.")
    placement = get_placement_for(user, visit.placement_id)
    if not policies.can_record_visit(user, placement):
        raise Http404("No such visit.")
    visit.placement = placement
    return visit


__all__ = ["provider_ids_for"]
