"""Date arithmetic for the monthly series ("the second Tuesday of each month").

A series that would run past December 9999, the last month a date can hold, raises
ValueError before any date is worked out; the service turns it into a message."""

import calendar
import datetime


def nth_weekday(year: int, month: int, *, weekday: int, nth: int) -> datetime.date:
    """The nth (1-4, or -1 for the last) given weekday (0 = Monday) of a month."""
    days = [
        datetime.date(year, month, day)
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if datetime.date(year, month, day).weekday() == weekday
    ]
    return days[-1] if nth == -1 else days[nth - 1]


def monthly_dates(
    *, first_month: datetime.date, count: int, weekday: int, nth: int
) -> list[datetime.date]:
    year, month = first_month.year, first_month.month
    if (year * 12 + month - 1) + (count - 1) > datetime.MAXYEAR * 12 + 11:
        raise ValueError("The series would run past December 9999.")
    dates = []
    for _ in range(count):
        dates.append(nth_weekday(year, month, weekday=weekday, nth=nth))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return dates
