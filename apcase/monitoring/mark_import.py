"""Importing a provider's attendance marks in bulk from a CSV file (format:
docs/attendance-import.md): a provider that keeps its registers in its own system sends
them all at once, instead of taking each register on its page.

The same rules as the register page (monitoring.services.submit_register), for every row:
- only the provider's own staff or manager imports, for pupils placed with it and
  expected that session (monitoring.selectors.ExpectedSessions, the rule of
  expected_on); a provider records what it observed, never a statutory code;
- marks are append-only: a session that already has a current mark is refused (correct
  it on the register, which keeps the old mark); no day that has not come yet;
- a mark entered after its register closed needs a reason: the import's reason is kept
  on every mark it adds.

All or nothing: every row is read and checked first; any problem is reported with its
line and column (the first MAX_LISTED, and how many there are) and nothing is written.
A file with no problems is written in one transaction, with COPY on PostgreSQL
(core.bulk.insert_rows; batches of INSERTs elsewhere), with no query per row: the provider's placements and their timetables are
read once, the sessions already marked in one query. Inside that transaction the
importer's memberships and the file's placements are read again (the placements locked):
a membership or placement that ended while a long file was checked refuses the file.

Audit: one event for each placement whose marks were imported (how many, the first and
last day, the reason), and one for the import as a whole, written together
(chronology.services.record_events), not one per mark. An absence with no reason in
the last `rules.register_lookback_days()` days raises the same follow-up as on the
register page; an older one is history, and waits in the home school's absences to code."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import Event, added, record_events
from apcase.core import csvimport
from apcase.core.bulk import insert_rows
from apcase.core.csvimport import RowError
from apcase.core.errors import ValidationFailed
from apcase.core.words import counted
from apcase.placements.models import Placement
from apcase.pupils.upn import normalise
from apcase.reference import attendance as codes

from . import rules
from .audit import MonitoringAction
from .models import AttendanceMark, Session
from .selectors import ExpectedSessions
from .services.registers import check_can_take_register, follow_up_absence

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_LISTED = 100  # problems listed; the count says how many there are

COLUMNS = {
    "upn": "UPN",
    "date": "Date",
    "session": "Session",
    "mark": "Mark",
    "minutes_late": "Minutes Late",
}
REQUIRED = ("upn", "date", "session", "mark")
_SESSIONS = {
    "am": Session.AM,
    "morning": Session.AM,
    "pm": Session.PM,
    "afternoon": Session.PM,
}
_MARK_WORDS = {
    **{value.casefold(): value for value in codes.Observation.values},
    **{codes.observation_label(v).casefold(): v for v in codes.Observation.values},
    **{short.casefold(): value for short, value in codes.SHORTHAND.items()},
}
_MARK_HELP = (
    "Give what you saw: "
    + ", ".join(codes.Observation.values)
    + " (or /, L, N). Only the home school gives an attendance code."
)


class MarkImportFailed(csvimport.RowsRefused):
    """The marks file's problems (the first MAX_LISTED, and how many in all); no mark
    was imported."""


@dataclass(frozen=True)
class MarkImportResult:
    marks: int
    placements: int
    follow_ups: int


@dataclass
class _Problems:
    listed: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(RowError(line, column, message))

    def raise_any(self) -> None:
        if self.total:
            raise MarkImportFailed(self.listed, self.total)


# One checked row: (line, placement, day, session, observed, minutes late).
_Row = tuple[int, Placement, datetime.date, str, str, int | None]


def import_marks(
    *,
    by: User,
    provider: Organisation,
    content: bytes,
    reason: str,
    now: datetime.datetime | None = None,
) -> MarkImportResult:
    """Check every row, then write them all in one transaction (see module docstring)."""
    check_can_take_register(by, provider)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Enter why these marks are imported: they are entered after their registers closed.",
            {"reason": ["Enter why these marks are imported."]},
        )
    if len(content) > MAX_BYTES:
        raise MarkImportFailed(
            [RowError(1, "", f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")]
        )
    now = now or timezone.now()
    try:
        text = csvimport.refuse_nul(csvimport.decode(content, utf16=True))
    except csvimport.BadFile as error:
        raise MarkImportFailed([RowError(error.line, "", str(error))]) from None
    placements = Placement.objects.filter(provider=provider).select_related("pupil")
    rows = _Checker(provider, list(placements), ExpectedSessions.of(placements), now).check(text)
    try:
        with transaction.atomic():
            # One register of this provider changes at a time (as submit_register).
            Organisation.objects.select_for_update().filter(pk=provider.pk).exists()
            # Checking a long file takes minutes: what it was checked against may have
            # changed since. Who imports and each placement are checked again, as now.
            _check_still_permitted(by, provider)
            _refuse_placements_changed(provider, rows)
            _refuse_sessions_marked(provider, rows)
            _write(rows, by=by, reason=reason, now=now)
            placements_marked = _record(rows, by=by, provider=provider, reason=reason)
            follow_ups = _follow_up_recent_absences(rows, by=by, now=now)
    except IntegrityError:
        # Someone took one of these registers while the file was being checked.
        raise MarkImportFailed(
            [RowError(1, "", "Marks were added while the file was imported. Try again.")]
        ) from None
    return MarkImportResult(marks=len(rows), placements=placements_marked, follow_ups=follow_ups)


class _Checker:
    """Checks the rows of one file, collecting every problem; caches what repeats
    (dates, sessions, marks), so a million rows cost no query and little time."""

    def __init__(
        self,
        provider: Organisation,
        placements: list[Placement],
        expected: ExpectedSessions,
        now: datetime.datetime,
    ) -> None:
        self.provider = provider
        self.expected = expected
        self.today = timezone.localdate(now)
        self.by_upn: dict[str, list[Placement]] = defaultdict(list)
        for placement in placements:
            self.by_upn[placement.pupil.upn].append(placement)
        self.problems = _Problems()
        self.days: dict[str, datetime.date | str] = {}
        self.first_line: dict[tuple[int, datetime.date, str], int] = {}

    def check(self, text: str) -> list[_Row]:
        reader = csvimport.reader(text)
        records = self._records(reader)
        try:
            header = next(records)
        except StopIteration:
            raise MarkImportFailed([RowError(1, "", "The file is empty.")]) from None
        columns = self._columns(header)
        rows: list[_Row] = []
        for record in records:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + self.problems.total >= MAX_ROWS:
                raise MarkImportFailed(
                    [RowError(reader.line_num, "", f"The file has more than {MAX_ROWS:,} marks.")]
                )
            row = self._row(reader.line_num, record, columns)
            if row is not None:
                rows.append(row)
        self.problems.raise_any()
        if not rows:
            raise MarkImportFailed([RowError(2, "", "The file has no marks in it.")])
        return rows

    @staticmethod
    def _records(reader: Any) -> Iterator[list[str]]:
        try:
            yield from csvimport.records(reader)
        except csvimport.BadFile as error:
            raise MarkImportFailed([RowError(error.line, "", str(error))]) from None

    def _columns(self, header: list[str]) -> dict[str, int]:
        positions = {csvimport.header_key(h): i for i, h in enumerate(header)}
        columns = {
            name: positions[csvimport.header_key(label)]
            for name, label in COLUMNS.items()
            if csvimport.header_key(label) in positions
        }
        problems = [
            RowError(1, COLUMNS[name], "This column is missing from the file.")
            for name in REQUIRED
            if name not in columns
        ]
        problems += [
            RowError(1, duplicate, "This column appears more than once.")
            for duplicate in csvimport.duplicate_columns(header)
        ]
        if problems:
            raise MarkImportFailed(problems)
        return columns

    def _row(self, line: int, record: list[str], columns: dict[str, int]) -> _Row | None:
        def cell(name: str) -> str:
            index = columns.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        before = self.problems.total
        day = self._day(line, cell("date"))
        session = _SESSIONS.get(cell("session").casefold())
        if session is None:
            self.problems.add(line, "Session", "Give the session as AM or PM.")
        observed = _MARK_WORDS.get(cell("mark").casefold())
        if observed is None:
            raw = cell("mark")
            self.problems.add(
                line,
                "Mark",
                f"“{raw}” is not a mark. {_MARK_HELP}"
                if raw
                else f"This cell is empty. {_MARK_HELP}",
            )
        minutes = self._minutes(line, observed, cell("minutes_late"))
        upn = normalise(cell("upn"))
        if not upn:
            self.problems.add(line, "UPN", "This cell is empty.")
        elif upn not in self.by_upn:
            self.problems.add(line, "UPN", "No pupil with this UPN is placed with you.")
        if self.problems.total > before or day is None or session is None or observed is None:
            return None
        placement = next((p for p in self.by_upn[upn] if self.expected(p, day, session)), None)
        if placement is None:
            self.problems.add(
                line,
                "UPN",
                f"This pupil is not expected at {self.provider} on {day:%-d %B %Y} "
                f"({Session(session).label.lower()}): check the date, the session and "
                "the placement's timetable.",
            )
            return None
        key = (placement.pk, day, session)
        if key in self.first_line:
            self.problems.add(
                line, "Date", f"This pupil's session is already on line {self.first_line[key]}."
            )
            return None
        self.first_line[key] = line
        return (line, placement, day, session, observed, minutes)

    def _day(self, line: int, raw: str) -> datetime.date | None:
        known = self.days.get(raw)
        if known is None:
            known = self.days[raw] = _parse_day(raw, self.today)
        if isinstance(known, str):
            self.problems.add(line, "Date", known)
            return None
        return known

    def _minutes(self, line: int, observed: str | None, raw: str) -> int | None:
        if observed != codes.Observation.LATE:
            if raw:
                self.problems.add(line, "Minutes Late", "Give minutes late only for a late mark.")
            return None
        if raw.isdigit() and 1 <= int(raw) <= 240:
            return int(raw)
        self.problems.add(line, "Minutes Late", "Enter how many minutes late, from 1 to 240.")
        return None


def _parse_day(raw: str, today: datetime.date) -> datetime.date | str:
    """The day, or what is wrong with it."""
    if not raw:
        return "This cell is empty."
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        if day > today:
            return "A register cannot be taken for a day that has not come yet."
        return day
    return f"“{raw}” is not a date. Use DD/MM/YYYY, for example 27/03/2026."


def _check_still_permitted(by: User, provider: Organisation) -> None:
    """NotPermitted unless `by` takes this provider's registers now: their account and
    memberships read again, not as they were when the file's check began."""
    policies.read_memberships_again(by)
    check_can_take_register(by, provider)


def _refuse_placements_changed(provider: Organisation, rows: list[_Row]) -> None:
    """Every row's pupil still expected at this provider that session, by the
    placements as they are now, locked until the marks are written (a placement ended
    or moved while the file was checked refuses the file). One query each for the
    placements and their timetables."""
    ids = {row[1].pk for row in rows}
    now_placements = Placement.objects.select_for_update().filter(pk__in=ids, provider=provider)
    fresh = {p.pk: p for p in now_placements}
    expected = ExpectedSessions.of(Placement.objects.filter(pk__in=list(fresh)))
    problems = _Problems()
    for line, placement, day, session, _observed, _minutes in rows:
        current = fresh.get(placement.pk)
        if current is None or not expected(current, day, session):
            problems.add(
                line,
                "UPN",
                f"This pupil is not expected at {provider} on {day:%-d %B %Y} "
                f"({Session(session).label.lower()}): their placement changed while the "
                "file was checked.",
            )
    problems.raise_any()


def _refuse_sessions_marked(provider: Organisation, rows: list[_Row]) -> None:
    """A session that already has a current mark is corrected on the register, which
    keeps the old mark: the import only adds. One query for the file's days."""
    first = min(row[2] for row in rows)
    last = max(row[2] for row in rows)
    marked = set(
        AttendanceMark.objects.filter(
            placement__provider=provider, is_current=True, date__range=(first, last)
        ).values_list("placement_id", "date", "session")
    )
    if not marked:
        return
    problems = _Problems()
    for line, placement, day, session, _observed, _minutes in rows:
        if (placement.pk, day, session) in marked:
            problems.add(
                line,
                "Date",
                "This pupil already has a mark for this session: correct it on the register.",
            )
    problems.raise_any()


_MARK_FIELDS = (
    "placement_id", "pupil_id", "date", "session", "observed", "minutes_late", "code",
    "coded_by_id", "is_current", "supersedes_id", "reason", "is_late", "recorded_by_id",
    "recorded_at",
)  # fmt: skip


def _write(rows: list[_Row], *, by: User, reason: str, now: datetime.datetime) -> None:
    """Every mark, as submit_register writes one (a current mark, no code yet), with
    COPY on PostgreSQL (core.bulk)."""
    late: dict[tuple[datetime.date, str], bool] = {}
    for _line, _placement, day, session, _observed, _minutes in rows:
        if (day, session) not in late:
            late[day, session] = now > rules.cutoff_at(day, session)
    insert_rows(
        AttendanceMark,
        _MARK_FIELDS,
        (
            (placement.pk, placement.pupil_id, day, session, observed, minutes, "", None,
             True, None, reason, late[day, session], by.pk, now)
            for _line, placement, day, session, observed, minutes in rows
        ),
    )  # fmt: skip


def _record(rows: list[_Row], *, by: User, provider: Organisation, reason: str) -> int:
    """One audit event a placement, one for the import; how many placements."""
    days: dict[int, list[datetime.date]] = {}
    count: dict[int, int] = defaultdict(int)
    placements: dict[int, Placement] = {}
    for _line, placement, day, _session, _observed, _minutes in rows:
        placements[placement.pk] = placement
        count[placement.pk] += 1
        span = days.setdefault(placement.pk, [day, day])
        span[0], span[1] = min(span[0], day), max(span[1], day)
    events = [
        Event(
            action=MonitoringAction.MARKS_IMPORTED,
            target=placement,
            pupil_id=placement.pupil_id,
            changes=added({"marks": count[pk], "first_day": days[pk][0], "last_day": days[pk][1]}),
            summary=f"{counted(count[pk], 'attendance mark')} imported, "
            f"{days[pk][0]:%-d %B %Y} to {days[pk][1]:%-d %B %Y}: {reason}",
        )
        for pk, placement in placements.items()
    ]
    events.append(
        Event(
            action=MonitoringAction.MARKS_IMPORTED,
            target=provider,
            changes=added({"marks": len(rows), "placements": len(placements)}),
            summary=f"Imported {counted(len(rows), 'attendance mark')} for "
            f"{counted(len(placements), 'placement')}: {reason}",
        )
    )
    record_events(by=by, organisation=provider, events=events)
    return len(placements)


def _follow_up_recent_absences(rows: list[_Row], *, by: User, now: datetime.datetime) -> int:
    """A follow-up for each recent absence with no reason, as the register page raises."""
    since = timezone.localdate(now) - datetime.timedelta(days=rules.register_lookback_days())
    recent = [
        (placement.pk, day, session)
        for _line, placement, day, session, observed, _minutes in rows
        if observed in codes.NEEDS_FOLLOW_UP and day >= since
    ]
    if not recent:
        return 0
    full = Placement.objects.select_related("pupil", "provider", "named_staff_member").in_bulk(
        {pk for pk, _day, _session in recent}
    )
    raised = 0
    for pk, day, session in recent:
        raised += follow_up_absence(full[pk], by=by, day=day, session=session) is not None
    return raised
