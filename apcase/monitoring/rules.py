"""Monitoring settings, each with its default from the guidance. Override in Django
settings: APCASE_REGISTER_CUTOFFS = {"am": "10:00", "pm": "14:00"} (local time by which
a provider's register must be in), APCASE_VISIT_INTERVAL_WEEKS = 6,
APCASE_REGISTER_LOOKBACK_DAYS = 7 (how many days back the cut-off check looks for
sessions left unmarked, so a run missed while the server was down is made up)."""

import datetime

from django.conf import settings
from django.utils import timezone

DEFAULT_CUTOFFS = {"am": "10:00", "pm": "14:00"}
DEFAULT_VISIT_INTERVAL_WEEKS = 6
DEFAULT_REGISTER_LOOKBACK_DAYS = 7
# Check-in scores at or below this, or a fall of at least FALL_ALERT points since the
# previous week, alert the named staff member.
LOW_SCORE = 2
FALL_ALERT = 2


def cutoff_time(session: str) -> datetime.time:
    cutoffs = {**DEFAULT_CUTOFFS, **getattr(settings, "APCASE_REGISTER_CUTOFFS", {})}
    hours, minutes = cutoffs[session].split(":")
    return datetime.time(int(hours), int(minutes))


def cutoff_at(day: datetime.date, session: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, cutoff_time(session)))


def visit_interval() -> datetime.timedelta:
    weeks = int(getattr(settings, "APCASE_VISIT_INTERVAL_WEEKS", DEFAULT_VISIT_INTERVAL_WEEKS))
    return datetime.timedelta(weeks=weeks)


def register_lookback_days() -> int:
    return int(getattr(settings, "APCASE_REGISTER_LOOKBACK_DAYS", DEFAULT_REGISTER_LOOKBACK_DAYS))


def current_session(now: datetime.datetime | None = None) -> str:
    local = timezone.localtime(now)
    return "am" if local.time() < datetime.time(12, 30) else "pm"


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
