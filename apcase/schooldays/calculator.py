"""Counting school days for one school.

A school day is a weekday inside one of the school's local authority's terms that is
not a closure day for the school, its local authority or the whole country. The school
year runs from 1 September to 31 August and is named by the year it starts in
(2026 for 2026/27).

When is a school year's calendar known? Term dates are data an LA admin keeps, one row
per term, and England's school year has six half-terms. A school year counts as *known*
only once its local authority has entered at least `settings.APCASE_TERMS_PER_SCHOOL_YEAR`
terms (6) starting in it. We count rather than ask the admin to tick "complete":
entering the sixth half-term is something the admin does anyway, and a count cannot be
ticked too early (a premature "complete" would turn every missing term into a holiday).
A term may not run across 31 August (`services._check_term_dates`), so every term
belongs to exactly one school year.

Two ways to ask, for two kinds of caller:
- Strict (`is_school_day`, `add_school_days`, `nth_school_day`, `school_days_between`):
  in a year that is not known they raise `TermDatesMissing` rather than guess.
- Fail-safe (`is_expected_day` and the `fail_safe=True` arithmetic): never raise. In a
  year that is not known, every weekday that is not an entered closure day counts as a
  school day. Monitoring uses this, so a missing calendar never hides an absence; the
  exclusion arithmetic uses it and marks the result provisional (a 6th day then comes
  no later than the real one), naming the years whose term dates are missing
  (`unknown_years_between`, `missing_term_dates_message`)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from apcase.accounts.models import Organisation
from apcase.core.errors import DomainError

from .models import ClosureDay, Term

ONE_DAY = timedelta(days=1)
# No count of school days the service makes spans more than this: a guard against a
# calendar that has no school days left to find.
_MAX_DAYS_SEARCHED = 3 * 366


class TermDatesMissing(DomainError):
    """The local authority has not entered all the term dates of the school year asked
    about."""


def terms_per_school_year() -> int:
    return int(getattr(settings, "APCASE_TERMS_PER_SCHOOL_YEAR", 6))


def school_year_of(day: date) -> int:
    """The school year a date belongs to, named by its starting year (1 Sept–31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


def years_to_watch(today: date) -> list[int]:
    """The school years whose term dates must be complete by `today`: the current one,
    and the next from `settings.APCASE_NEXT_YEAR_TERMS_DUE_FROM` (1 June) on."""
    year = school_year_of(today)
    month, day = getattr(settings, "APCASE_NEXT_YEAR_TERMS_DUE_FROM", (6, 1))
    if today.month < 9 and (today.month, today.day) >= (month, day):
        return [year, year + 1]
    return [year]


@dataclass
class SchoolCalendar:
    """One school's calendar, loaded once and then asked many questions."""

    school: Organisation
    terms: list[tuple[date, date]] = field(default_factory=list)
    closures: set[date] = field(default_factory=set)
    terms_in_year: Counter[int] = field(default_factory=Counter)

    @classmethod
    def for_school(cls, school: Organisation) -> "SchoolCalendar":
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
        counts = Counter(school_year_of(start) for start, _ in terms)
        return cls(school=school, terms=terms, closures=closures, terms_in_year=counts)

    # --- is the year known? ------------------------------------------------------

    def is_known_year(self, year: int) -> bool:
        return self.terms_in_year[year] >= terms_per_school_year()

    def unknown_years_between(self, start: date, end: date) -> list[int]:
        """The school years from `start` to `end` whose term dates are incomplete."""
        first, last = school_year_of(min(start, end)), school_year_of(max(start, end))
        return [year for year in range(first, last + 1) if not self.is_known_year(year)]

    def missing_term_dates_message(self, year: int) -> str:
        la = getattr(self.school, "local_authority", None) or "this school’s local authority"
        entered, needed = self.terms_in_year[year], terms_per_school_year()
        if entered == 0:
            return (
                f"There are no term dates for {school_year_label(year)} for {la}. A local "
                "authority administrator needs to add them before school days can be counted."
            )
        return (
            f"Only {entered} of the {needed} terms of {school_year_label(year)} are entered "
            f"for {la}. A local authority administrator needs to add the rest before school "
            "days can be counted."
        )

    def _check_known(self, day: date) -> None:
        year = school_year_of(day)
        if not self.is_known_year(year):
            raise TermDatesMissing(self.missing_term_dates_message(year))

    # --- one day -------------------------------------------------------------------

    def _in_term(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.terms)

    def is_school_day(self, day: date) -> bool:
        """Strict: raises TermDatesMissing in a year whose term dates are incomplete."""
        self._check_known(day)
        if day.weekday() >= 5 or day in self.closures:
            return False
        return self._in_term(day)

    def is_expected_day(self, day: date) -> bool:
        """Fail-safe, never raises: a school day in a known year; in a year whose term
        dates are incomplete, any weekday that is not an entered closure day."""
        if day.weekday() >= 5 or day in self.closures:
            return False
        if not self.is_known_year(school_year_of(day)):
            return True
        return self._in_term(day)

    def _counts(self, day: date, fail_safe: bool) -> bool:
        return self.is_expected_day(day) if fail_safe else self.is_school_day(day)

    # --- arithmetic ----------------------------------------------------------------

    def add_school_days(self, start: date, n: int, *, fail_safe: bool = False) -> date:
        """The date `n` school days after `start` (`start` itself not counted); `start`
        for n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, searched = start, 0, 0
        while counted < n:
            day += ONE_DAY
            searched += 1
            if searched > _MAX_DAYS_SEARCHED:
                raise TermDatesMissing(
                    f"No school days were found after {start:%-d %B %Y}: check the term dates."
                )
            if self._counts(day, fail_safe):
                counted += 1
        return day

    def nth_school_day(self, start: date, n: int, *, fail_safe: bool = False) -> date:
        """The n-th school day of a period beginning on `start`, counting `start` as the
        first when it is a school day (the "6th school day" of a suspension)."""
        if n < 1:
            raise ValueError("n must be 1 or more")
        return self.add_school_days(start - ONE_DAY, n, fail_safe=fail_safe)

    def school_days_between(self, start: date, end: date, *, fail_safe: bool = False) -> int:
        """How many school days from `start` to `end`, both included."""
        count, day = 0, start
        while day <= end:
            if self._counts(day, fail_safe):
                count += 1
            day += ONE_DAY
        return count


def is_school_day(day: date, *, school: Organisation) -> bool:
    return SchoolCalendar.for_school(school).is_school_day(day)


def is_expected_day(day: date, *, school: Organisation) -> bool:
    return SchoolCalendar.for_school(school).is_expected_day(day)


def add_school_days(start: date, n: int, *, school: Organisation) -> date:
    return SchoolCalendar.for_school(school).add_school_days(start, n)


def nth_school_day(start: date, n: int, *, school: Organisation) -> date:
    return SchoolCalendar.for_school(school).nth_school_day(start, n)


def school_days_between(start: date, end: date, *, school: Organisation) -> int:
    return SchoolCalendar.for_school(school).school_days_between(start, end)
