"""The figures a review is given for its period (since the previous review, or the
start): read with monitoring's own functions, so a review says what the monitoring
pages say, and copied onto the review when it is held."""

import datetime
from dataclasses import dataclass

from apcase.core.words import counted, percent
from apcase.monitoring import selectors as monitoring
from apcase.monitoring.models import FollowUpTask, Visit
from apcase.placements.models import Placement

# Follow-up tasks that are attendance alerts (a wellbeing check-in task is not).
ATTENDANCE_ALERT_KINDS = (FollowUpTask.Kind.ABSENCE, FollowUpTask.Kind.REGISTER_MISSING)


@dataclass(frozen=True)
class Figures:
    """A period's figures, each named as the review's field it is copied onto."""

    period_start: datetime.date
    period_end: datetime.date
    sessions_possible: int
    sessions_present: int
    persistent_absence: bool
    severe_absence: bool
    check_ins: int
    engagement_trend: str
    wellbeing_trend: str
    attendance_alerts: int
    visits_held: int

    @property
    def attendance_percent(self) -> str:
        return percent(self.sessions_present, self.sessions_possible)


def trend(scores: list[int]) -> str:
    """The first and last weekly score of the period (1 to 5), and which way it went."""
    if not scores:
        return "No check-ins in the period"
    first, last = scores[0], scores[-1]
    if len(scores) == 1:
        return f"{last} of 5 (one check-in)"
    way = "up" if last > first else "down" if last < first else "steady"
    return f"{first} to {last} of 5 ({way}, {counted(len(scores), 'check-in')})"


def period_start(placement: Placement, previous_held_on: datetime.date | None) -> datetime.date:
    """The day after the previous review, or the placement's start."""
    if previous_held_on is None:
        return placement.start_date
    return previous_held_on + datetime.timedelta(days=1)


def period_figures(placement: Placement, start: datetime.date, end: datetime.date) -> Figures:
    marks = monitoring.current_marks(placement=placement, date__gte=start, date__lte=end)
    attendance = monitoring.summarise([mark.home_code for mark in marks])
    check_ins = [c for c in monitoring.check_ins_of(placement) if start <= c.week_starting <= end]
    alerts = (
        monitoring.follow_ups_of(placement)
        .filter(kind__in=ATTENDANCE_ALERT_KINDS, date__gte=start, date__lte=end)
        .count()
    )
    visits = [
        v
        for v in monitoring.visits_of(placement)
        if v.status == Visit.Status.DONE and v.visited_on and start <= v.visited_on <= end
    ]
    return Figures(
        period_start=start,
        period_end=end,
        sessions_possible=attendance.possible,
        sessions_present=attendance.present,
        persistent_absence=attendance.persistent_absence,
        severe_absence=attendance.severe_absence,
        check_ins=len(check_ins),
        engagement_trend=trend([c.engagement for c in check_ins]),
        wellbeing_trend=trend([c.wellbeing for c in check_ins]),
        attendance_alerts=alerts,
        visits_held=len(visits),
    )
