"""A census: its term, census day and collection period.

The census day follows the DfE's rule (`reference.census.CENSUS_DAY_RULE`). The
collection period of the alternative provision placements module runs from the day after
the previous census day to this census day; the DfE publishes both in each year's census
guide, so the page shows them and a school can enter the published dates instead."""

import datetime
from dataclasses import dataclass

from apcase.reference.census import CENSUS_DAY_RULE, CensusTerm

THURSDAY = 3
ORDER = [CensusTerm.AUTUMN, CensusTerm.SPRING, CensusTerm.SUMMER]


@dataclass(frozen=True)
class Census:
    term: str
    census_day: datetime.date
    period_start: datetime.date
    period_end: datetime.date

    @property
    def label(self) -> str:
        return f"{CensusTerm(self.term).label} census {self.census_day.year}"


def nth_thursday(year: int, month: int, n: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    offset = (THURSDAY - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (n - 1))


def census_day(term: str, calendar_year: int) -> datetime.date:
    month, n = CENSUS_DAY_RULE[term]
    return nth_thursday(calendar_year, month, n)


def _previous(term: str, calendar_year: int) -> tuple[str, int]:
    index = ORDER.index(CensusTerm(term))
    if index == 0:  # autumn follows the summer census of the same calendar year
        return CensusTerm.SUMMER, calendar_year
    if index == 1:  # spring follows the autumn census of the year before
        return CensusTerm.AUTUMN, calendar_year - 1
    return CensusTerm.SPRING, calendar_year


def census_of(term: str, calendar_year: int) -> Census:
    """The census of `term` in `calendar_year`, its period by the DfE's usual rule."""
    day = census_day(term, calendar_year)
    before = census_day(*_previous(term, calendar_year))
    return Census(term, day, before + datetime.timedelta(days=1), day)


def next_census(today: datetime.date) -> Census:
    """The first census on or after `today`."""
    for year in (today.year, today.year + 1):
        for term in (CensusTerm.SPRING, CensusTerm.SUMMER, CensusTerm.AUTUMN):
            found = census_of(term, year)
            if found.census_day >= today:
                return found
    raise AssertionError("unreachable: a census falls in every year")
