"""The compliance board's duties: for each, the rule that turns a child's records into
green, amber or red, as plain functions of what the board read (board.py), so each
boundary is tested on its own (tests/test_duties.py). docs/compliance-board.md lists
each duty, its thresholds and their source.

Fail safe, never quiet: when the data a duty needs is missing (no plan, nobody named,
no timetable, no marks), the duty is red and says what is missing; it is never green.
"""

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from apcase.core.words import counted
from apcase.directory.assurance import Status as AssuranceStatus
from apcase.reference import attendance as codes


class Colour(enum.Enum):
    """A duty's state; `rank` orders a row's cells for "most red first"."""

    GREEN = ("green", "green", 0)
    AMBER = ("amber", "yellow", 1)
    RED = ("red", "red", 2)

    def __init__(self, word: str, tag: str, rank: int) -> None:
        self.word = word
        self.tag = tag  # the GOV.UK tag colour
        self.rank = rank


@dataclass(frozen=True)
class Cell:
    """One duty of one child: its colour, the tag's words, what it means, where to fix it.

    Where to fix it (`href`) is worked out only when asked for: a page of the board
    links fifty rows, while its order and counts (and the download) read every row's
    colours and words but no link."""

    colour: Colour
    label: str
    detail: str
    link: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def href(self) -> str:
        return self.link() if self.link is not None else ""

    @property
    def is_red(self) -> bool:
        return self.colour is Colour.RED


def green(label: str, detail: str = "") -> Cell:
    return Cell(Colour.GREEN, label, detail)


def amber(label: str, detail: str) -> Cell:
    return Cell(Colour.AMBER, label, detail)


def red(label: str, detail: str) -> Cell:
    return Cell(Colour.RED, label, detail)


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# --- thresholds (docs/compliance-board.md, with their sources) ----------------------

# Attendance: green from 90% (a child who misses 10% or more of possible sessions is
# persistently absent, DfE "Working together to improve school attendance", 2024); red
# below 50% (missing half or more is severe absence, the same guidance). The board
# counts exactly 90% as green and exactly 50% as amber.
ATTENDANCE_GREEN_FROM = 1 - codes.PERSISTENT_ABSENCE
ATTENDANCE_AMBER_FROM = 1 - codes.SEVERE_ABSENCE
# A review or visit due within this many days is amber: time to arrange it. Fourteen
# days is when the provider is asked for its report before a review.
REVIEW_SOON_DAYS = 14
VISIT_SOON_DAYS = 14
# A part-time timetable ending within this many days is amber: decide what comes next.
PART_TIME_SOON_DAYS = 7


# --- the duties -------------------------------------------------------------------


def named_staff(*, named: str | None, left: bool) -> Cell:
    """A named member of school staff who still works at the school."""
    if named is None:
        return red("Missing", "Nobody is named to support the child, visit and follow up.")
    if left:
        return red("Left", f"{named} no longer works at the school: name someone else.")
    return green("Named", named)


@dataclass(frozen=True)
class PlanFacts:
    has_timetable: bool
    is_emergency_unagreed: bool
    agreed_parties: frozenset[str]  # parties who agreed the plan's current version
    ever_agreed: bool  # any agreement, to any version
    parties: tuple[str, ...]  # every party whose agreement is needed, as words


def plan(facts: PlanFacts) -> Cell:
    """The placement plan agreed (school, parent or carer, provider) with a timetable."""
    if not facts.has_timetable:
        return red(
            "No timetable", "No weekly timetable: the child is expected every weekday session."
        )
    if facts.is_emergency_unagreed:
        return red("Not agreed", "Emergency placement: the full plan is not agreed yet.")
    missing = [p for p in facts.parties if p not in facts.agreed_parties]
    if not missing:
        return green("Agreed")
    who = ", ".join(missing)
    if facts.ever_agreed:
        return amber("Changed", f"The plan changed since it was agreed; still to agree: {who}.")
    return red("Not agreed", f"No agreement recorded from: {who}.")


def assurance(
    *, status: str | None, not_assured: bool, reasons: Iterable[str], expiring_label: str
) -> Cell:
    """The provider's vetting and assurance evidence in date (directory.assurance)."""
    why = "; ".join(reasons)
    if not_assured:
        return red("Not assured", f"Not assured: {why}." if why else "Not assured.")
    if status is None or status == AssuranceStatus.MISSING:
        return red("Missing", "Some required assurance evidence is missing.")
    if status == AssuranceStatus.EXPIRED:
        return red("Expired", "Some assurance evidence has expired.")
    if status == AssuranceStatus.EXPIRING:
        return amber("Expiring", f"{expiring_label}.")
    if status != AssuranceStatus.ASSURED:
        # Green only for evidence known to be in date: a status this rule does not know
        # (one added later, say) is never taken for it.
        return red("Unknown", f"Assurance status not recognised: {status}.")
    return green("In date")


def todays_register(
    *, expected: Iterable[str], marked: Iterable[str], cutoffs_passed: Iterable[str]
) -> Cell:
    """Today's attendance received from the provider for each session the child is
    expected: red once a session's cut-off has passed without a mark."""
    expected, marked, passed = list(expected), set(marked), set(cutoffs_passed)
    if not expected:
        return green("Not expected", "Not expected at the provider today.")
    late = [s for s in expected if s not in marked and s in passed]
    waiting = [s for s in expected if s not in marked and s not in passed]
    if late:
        words = " and ".join(codes.Session(s).label.lower() for s in late)
        return red("Missing", f"No register for the {words}, past its cut-off.")
    if waiting:
        words = " and ".join(codes.Session(s).label.lower() for s in waiting)
        return amber("Awaited", f"The {words} register is not in yet (before its cut-off).")
    return green("Received", "Every session today is marked.")


def attendance(*, present: int, possible: int) -> Cell:
    """Attendance at the provider over the placement, in the home school's codes."""
    if not possible:
        return red("No marks", "No attendance recorded yet for this placement.")
    rate = Fraction(present, possible)
    text = f"{float(rate) * 100:.1f}% ({present} of {counted(possible, 'session')})"
    if rate >= ATTENDANCE_GREEN_FROM:
        return green(f"{float(rate) * 100:.1f}%", text)
    if rate >= ATTENDANCE_AMBER_FROM:
        return amber(f"{float(rate) * 100:.1f}%", f"{text}: persistently absent.")
    return red(f"{float(rate) * 100:.1f}%", f"{text}: severely absent.")


def _due(
    what: str, due: datetime.date, *, today: datetime.date, soon_days: int, arranged: bool = False
) -> Cell:
    if due < today:
        return red("Overdue", f"{what} was due on {_day(due)}.")
    if due == today:
        return amber("Due today", f"{what} is due today.")
    if (due - today).days <= soon_days and not arranged:
        return amber("Due soon", f"{what} is due on {_day(due)}.")
    return green("In date", f"{what} is due on {_day(due)}.")


def review(*, due: datetime.date, missing: str, requested: bool, today: datetime.date) -> Cell:
    """The placement review held at least every review interval (reviews.schedule)."""
    if missing and due < today:
        return red("Overdue", f"{missing} The review was due by {_day(due)}.")
    if missing:
        return red("Not scheduled", f"{missing} The review is due by {_day(due)}.")
    cell = _due("The next review", due, today=today, soon_days=REVIEW_SOON_DAYS)
    if requested and not cell.is_red:
        return amber("Requested", "A parent asked in writing for a review; hold one.")
    return cell


def visit(*, due: datetime.date, scheduled: datetime.date | None, today: datetime.date) -> Cell:
    """The named staff member's visit to the provider, every visit interval."""
    arranged = scheduled is not None and today <= scheduled <= due
    return _due("A visit", due, today=today, soon_days=VISIT_SOON_DAYS, arranged=arranged)


def alert_tasks(*, open_dates: Iterable[datetime.date], today: datetime.date) -> Cell:
    """Open follow-ups of attendance alerts (unexplained absence, register missing)."""
    dates = sorted(open_dates)
    if not dates:
        return green("None open")
    count = f"{len(dates)} open"
    if dates[0] < today:
        return red(count, f"Open since {_day(dates[0])}: follow up today.")
    return amber(count, "Raised today: follow up today.")


@dataclass(frozen=True)
class PartTime:
    """A reintegration plan's part-time timetable in effect (agreed)."""

    ends_on: datetime.date | None


def part_time(timetable: PartTime | None, *, today: datetime.date) -> Cell:
    """A part-time timetable has an end date and is still in date."""
    if timetable is None:
        return green("None", "Not on a part-time timetable.")
    if timetable.ends_on is None:
        return red("No end date", "The part-time timetable has no end date.")
    if timetable.ends_on < today:
        return red("Expired", f"The part-time timetable ended on {_day(timetable.ends_on)}.")
    if (timetable.ends_on - today).days <= PART_TIME_SOON_DAYS:
        return amber("Ending", f"The part-time timetable ends on {_day(timetable.ends_on)}.")
    return green("In date", f"Ends on {_day(timetable.ends_on)}.")


def concerns(*, new: int, open_: int) -> Cell:
    """Open safeguarding concerns (the school's DSL sees this column only)."""
    if new:
        return red(f"{new} new", f"{new} not yet acknowledged; {open_} open.")
    if open_:
        return amber(f"{open_} open", "Being handled.")
    return green("None open")
