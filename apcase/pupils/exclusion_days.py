"""School days of exclusion, counted on the school's calendar: which days each
suspension covers, the runs of consecutive days they make (the 6th-day duty), and the
school year each day falls in (the 45-day limit). Pure arithmetic on a
`SchoolCalendar`: no queries.

Rules (docs/regulations.md, "Suspensions and exclusions"):

- A suspension of L school days covers the first ⌈L⌉ school days from its first day
  (its start date, or the next school day when that is not one). A suspension records
  only its length, not which day was the part day, so the part day (a half day or a
  lunchtime, 0.5) is taken to be its last.
- A part day is a day of exclusion: it counts 0.5 towards the 45-day total and one whole
  day of a run. So 5.5 days reach a 6th day, and a lunchtime between two suspensions
  joins them rather than breaking the run. This is the protective reading: the duty to
  arrange full-time education never starts later because a day was only partly missed.
- Suspensions form one *run* when no school day falls between the last day of one and
  the first day of the next, however many there are. Full-time education must be
  arranged (by the school) from the run's 6th school day.
- A permanent exclusion's 6th school day (the local authority's duty) is counted from
  its own first day.
- Each school day counts towards the school year it falls in, so a suspension over the
  summer counts partly in each year.
- Fail safe: counting uses `SchoolCalendar.is_expected_day`. In a school year whose term
  dates are not all entered every weekday counts, so a 6th day comes no later than the
  real one and days are not lost from the total; every figure touched by such a year
  carries the years in `provisional_years`, to be shown as provisional."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from apcase.reference.census import PROVISION_FROM_SCHOOL_DAY
from apcase.schooldays.calculator import SchoolCalendar, TermDatesMissing, school_year_of

ONE_DAY = timedelta(days=1)
_MAX_DAYS_SEARCHED = 3 * 366


@dataclass(frozen=True)
class Suspension:
    """What the arithmetic needs of one suspension."""

    key: int
    start: date
    length: Decimal


@dataclass(frozen=True)
class CoveredDays:
    """The school days one suspension covers, with how much of each (1 or 0.5)."""

    suspension: Suspension
    days: tuple[tuple[date, Decimal], ...]
    provisional_years: tuple[int, ...]

    @property
    def last_day(self) -> date:
        return self.days[-1][0]


@dataclass(frozen=True)
class Run:
    """Consecutive school days of exclusion made up of one or more suspensions."""

    days: tuple[date, ...]
    keys: tuple[int, ...]  # the suspensions in it, in order
    provision_from: date | None  # its 6th school day, if it has one
    provisional_years: tuple[int, ...]

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def last_day(self) -> date:
        return self.days[-1]


def covered_days(calendar: SchoolCalendar, suspension: Suspension) -> CoveredDays:
    whole = math.ceil(suspension.length)
    days: list[date] = []
    day, searched = suspension.start, 0
    while len(days) < whole:
        if calendar.is_expected_day(day):
            days.append(day)
        day += ONE_DAY
        searched += 1
        if searched > _MAX_DAYS_SEARCHED:
            raise TermDatesMissing(
                f"No school days were found after {suspension.start:%-d %B %Y}: check the "
                "term and closure dates."
            )
    amounts = [Decimal("1")] * whole
    if amounts:
        amounts[-1] = suspension.length - (whole - 1)
    unknown = calendar.unknown_years_between(suspension.start, days[-1]) if days else []
    return CoveredDays(suspension, tuple(zip(days, amounts, strict=True)), tuple(unknown))


def _next_expected_day(calendar: SchoolCalendar, day: date) -> date:
    return calendar.add_school_days(day, 1, fail_safe=True)


def runs(calendar: SchoolCalendar, suspensions: Iterable[Suspension]) -> list[Run]:
    """Every run of consecutive school days of suspension, in date order."""
    covers = sorted(
        (covered_days(calendar, s) for s in suspensions),
        key=lambda c: (c.days[0][0], c.suspension.key),
    )
    owners: dict[date, list[int]] = {}
    starts: dict[int, date] = {}
    for cover in covers:
        starts[cover.suspension.key] = cover.suspension.start
        for day, _ in cover.days:
            owners.setdefault(day, []).append(cover.suspension.key)
    groups: list[list[date]] = []
    for day in sorted(owners):
        if groups and _next_expected_day(calendar, groups[-1][-1]) == day:
            groups[-1].append(day)
        else:
            groups.append([day])
    out = []
    for days in groups:
        keys: list[int] = []
        for day in days:
            keys.extend(k for k in owners[day] if k not in keys)
        sixth = (
            days[PROVISION_FROM_SCHOOL_DAY - 1] if len(days) >= PROVISION_FROM_SCHOOL_DAY else None
        )
        earliest = min(starts[k] for k in keys)
        unknown = calendar.unknown_years_between(earliest, days[-1])
        out.append(Run(tuple(days), tuple(keys), sixth, tuple(unknown)))
    return out


def permanent_provision_from(calendar: SchoolCalendar, start: date) -> tuple[date, tuple[int, ...]]:
    """The 6th school day of a permanent exclusion, and the years it is provisional for."""
    sixth = calendar.nth_school_day(start, PROVISION_FROM_SCHOOL_DAY, fail_safe=True)
    return sixth, tuple(calendar.unknown_years_between(start, sixth))


@dataclass(frozen=True)
class YearSplit:
    """School days of suspension per school year, and the years that are provisional."""

    days: dict[int, Decimal]
    provisional_years: frozenset[int]


def days_by_school_year(calendar: SchoolCalendar, suspensions: Iterable[Suspension]) -> YearSplit:
    totals: dict[int, Decimal] = {}
    provisional: set[int] = set()
    for suspension in suspensions:
        cover = covered_days(calendar, suspension)
        for day, amount in cover.days:
            year = school_year_of(day)
            totals[year] = totals.get(year, Decimal("0")) + amount
        if cover.provisional_years:
            first, last = school_year_of(suspension.start), school_year_of(cover.last_day)
            provisional.update(range(first, last + 1))
    return YearSplit(totals, frozenset(provisional))
