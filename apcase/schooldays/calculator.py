"""Counting school days for one school.

A school day is a weekday inside one of the school's local authority's terms that is
not a closure day for the school, its local authority or the whole country. The school
year runs from 1 September to 31 August and is named by the year it starts in
(2026 for 2026/27).

Term dates are data an LA admin keeps. When the LA has no terms at all for the school
year a date falls in, the calculator cannot tell a school day from a holiday and raises
`TermDatesMissing` rather than guess."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from apcase.core.errors import DomainError

from .models import ClosureDay, Term

ONE_DAY = timedelta(days=1)


class TermDatesMissing(DomainError):
    """The local authority has no term dates for the school year asked about."""


def school_year_of(day: date) -> int:
    """The school year a date belongs to, named by its starting year (1 Sept–31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


@dataclass
class SchoolCalendar:
    """One school's calendar, loaded once and then asked many questions."""

    school: Any
    terms: list[tuple[date, date]] = field(default_factory=list)
    closures: set[date] = field(default_factory=set)
    years_with_terms: set[int] = field(default_factory=set)

    @classmethod
    def for_school(cls, school: Any) -> "SchoolCalendar":
        la_id = getattr(school, "local_authority_id", None)
        terms = list(
            Term.objects.filter(local_authority_id=la_id)
            .order_by("start_date")
            .values_list("start_date", "end_date")
        )
        scope = Q(school__isnull=True, local_authority__isnull=True) | Q(school_id=school.pk)
        if la_id is not None:
            scope |= Q(local_authority_id=la_id)
        closures = set(ClosureDay.objects.filter(scope).values_list("date", flat=True))
        years = {school_year_of(start) for start, _ in terms} | {
            school_year_of(end) for _, end in terms
        }
        return cls(school=school, terms=terms, closures=closures, years_with_terms=years)

    def _check_known(self, day: date) -> None:
        year = school_year_of(day)
        if year not in self.years_with_terms:
            la = getattr(self.school, "local_authority", None)
            raise TermDatesMissing(
                f"There are no term dates for {school_year_label(year)} for "
                f"{la or 'this school’s local authority'}. A local authority administrator "
                "needs to add them before school days can be counted."
            )

    def is_school_day(self, day: date) -> bool:
        self._check_known(day)
        if day.weekday() >= 5 or day in self.closures:
            return False
        return any(start <= day <= end for start, end in self.terms)

    def add_school_days(self, start: date, n: int) -> date:
        """The date `n` school days after `start` (`start` itself not counted); `start`
        for n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            if self.is_school_day(day):
                counted += 1
        return day

    def nth_school_day(self, start: date, n: int) -> date:
        """The n-th school day of a period beginning on `start`, counting `start` as the
        first when it is a school day (the "6th school day" of a suspension)."""
        if n < 1:
            raise ValueError("n must be 1 or more")
        return self.add_school_days(start - ONE_DAY, n)

    def school_days_between(self, start: date, end: date) -> int:
        """How many school days from `start` to `end`, both included."""
        count, day = 0, start
        while day <= end:
            if self.is_school_day(day):
                count += 1
            day += ONE_DAY
        return count


def is_school_day(day: date, *, school: Any) -> bool:
    return SchoolCalendar.for_school(school).is_school_day(day)


def add_school_days(start: date, n: int, *, school: Any) -> date:
    return SchoolCalendar.for_school(school).add_school_days(start, n)


def nth_school_day(start: date, n: int, *, school: Any) -> date:
    return SchoolCalendar.for_school(school).nth_school_day(start, n)


def school_days_between(start: date, end: date, *, school: Any) -> int:
    return SchoolCalendar.for_school(school).school_days_between(start, end)
