"""Each duty's colour alone, for the board's order, filters and counts over every row.

The board sorts (most red first), filters and counts every child in AP it shows, over a
thousand at one local authority's scale, but a page shows fifty. Building every row's
cells (duties.py: the words, the dates written out, the links) only to count their
colours cost most of the page's time, so the colours of the rows not shown are worked
out here: the same branches as duties.py, without the words. tests/test_keys.py holds
each function to its duty over generated facts, boundaries included, and
tests/test_board.py holds the board's order, counts and filters to the rows built whole.

Fail safe, as duties.py: whatever is missing is red here too, never green."""

import datetime
from collections.abc import Collection, Iterable

from apcase.directory.assurance import Status as AssuranceStatus

from .duties import (
    ATTENDANCE_AMBER_FROM,
    ATTENDANCE_GREEN_FROM,
    PART_TIME_SOON_DAYS,
    REVIEW_SOON_DAYS,
    VISIT_SOON_DAYS,
    Colour,
)

GREEN, AMBER, RED = Colour.GREEN, Colour.AMBER, Colour.RED


def named_staff(*, named: bool, works_there: bool) -> Colour:
    """duties.named_staff: nobody named, or someone who left, is red."""
    return GREEN if named and works_there else RED


def plan(
    *,
    has_timetable: bool,
    is_emergency_unagreed: bool,
    all_agreed: bool,
    ever_agreed: bool,
) -> Colour:
    """duties.plan: `all_agreed` is every party's agreement to the current version."""
    if not has_timetable or is_emergency_unagreed:
        return RED
    if all_agreed:
        return GREEN
    return AMBER if ever_agreed else RED


def assurance(*, status: str | None, not_assured: bool) -> Colour:
    """duties.assurance."""
    if not_assured or status in (None, AssuranceStatus.MISSING, AssuranceStatus.EXPIRED):
        return RED
    if status == AssuranceStatus.EXPIRING:
        return AMBER
    return GREEN if status == AssuranceStatus.ASSURED else RED


def todays_register(
    *, expected: Iterable[str], marked: Collection[str], cutoffs_passed: Collection[str]
) -> Colour:
    """duties.todays_register."""
    colour = GREEN
    for session in expected:
        if session in marked:
            continue
        if session in cutoffs_passed:
            return RED
        colour = AMBER
    return colour


def attendance(*, present: int, possible: int) -> Colour:
    """duties.attendance, the rates compared as whole numbers (exactly, as Fractions)."""
    if not possible:
        return RED
    if present * ATTENDANCE_GREEN_FROM.denominator >= ATTENDANCE_GREEN_FROM.numerator * possible:
        return GREEN
    if present * ATTENDANCE_AMBER_FROM.denominator >= ATTENDANCE_AMBER_FROM.numerator * possible:
        return AMBER
    return RED


def _due(due: datetime.date, today: datetime.date, soon_days: int, arranged: bool) -> Colour:
    if due < today:
        return RED
    if due == today:
        return AMBER
    if (due - today).days <= soon_days and not arranged:
        return AMBER
    return GREEN


def review(*, due: datetime.date, missing: bool, requested: bool, today: datetime.date) -> Colour:
    """duties.review."""
    if missing:
        return RED
    colour = _due(due, today, REVIEW_SOON_DAYS, False)
    if requested and colour is not RED:
        return AMBER
    return colour


def visit(*, due: datetime.date, scheduled: datetime.date | None, today: datetime.date) -> Colour:
    """duties.visit."""
    arranged = scheduled is not None and today <= scheduled <= due
    return _due(due, today, VISIT_SOON_DAYS, arranged)


def alert_tasks(*, earliest_open: datetime.date | None, today: datetime.date) -> Colour:
    """duties.alert_tasks, from the earliest open follow-up's date (None: none open)."""
    if earliest_open is None:
        return GREEN
    return RED if earliest_open < today else AMBER


def part_time(*, on_part_time: bool, ends_on: datetime.date | None, today: datetime.date) -> Colour:
    """duties.part_time: `on_part_time` False is duties.part_time(None, ...)."""
    if not on_part_time:
        return GREEN
    if ends_on is None or ends_on < today:
        return RED
    return AMBER if (ends_on - today).days <= PART_TIME_SOON_DAYS else GREEN


def concerns(*, new: int, open_: int) -> Colour:
    """duties.concerns."""
    if new:
        return RED
    return AMBER if open_ else GREEN
