"""Importing pupils and their carers from a CSV exported by a school's MIS (format:
docs/mis-import.md).

All or nothing: every row is read and checked first, and any problem is reported with
its line number and column; only a file with no problems is applied, in one
transaction. Idempotent by UPN: a pupil already on this school's roll is updated, a new
UPN is added, and importing the same file twice changes nothing the second time.
Carers are matched to a pupil's existing carers by name. Child protection and
child-in-need flags are never imported: only the school's DSL records them.

Cells are stored as written. Text that a spreadsheet would treat as a formula is made
safe when it is exported (apcase.core.spreadsheets), not silently changed here.

Bad files get a message, never an error page (docs/security.md, "Bad input never gives
an error page"): the bytes are read as apcase.core.csvimport reads every import (a
UTF-16 file with its byte-order mark is read here; NUL characters and bytes that are
neither UTF-8 nor Windows-1252 are refused, never replaced); lines that are not CSV, and
cells longer than the field holds (or MAX_CELL_CHARS for free text) are refused with
their line and column."""

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import Changes, Event, added, changed_fields, record_events
from apcase.core import csvimport
from apcase.core.bulk import insert_values
from apcase.core.csvimport import RowError
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.core.words import counted
from apcase.reference.census import ContactMethod, NCYear, SENStatus, Sex

from .audit import PupilAction
from .models import Carer, Pupil, carer_label, display_name_of
from .services import (
    CHILD_PROTECTION_FIELDS,
    alert_la_to_upn_in_use,
    clean_carer_values,
    clean_pupil_values,
)
from .services.records import CHILD_PROTECTION_SUMMARY

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Free-text cells (medical needs, allergies, address, restriction): far above any real
# entry, far below what would slow the pages that show them.
MAX_CELL_CHARS = 10_000

# Our field: the column names accepted for it (first is the documented one).
PUPIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN",),
    "legal_last_name": ("Legal Surname", "Surname"),
    "legal_first_name": ("Legal Forename", "Forename"),
    "legal_middle_names": ("Middle Name(s)", "Middle Names"),
    "preferred_last_name": ("Preferred Surname",),
    "preferred_name": ("Preferred Forename",),
    "date_of_birth": ("DOB", "Date of Birth"),
    "sex": ("Gender", "Sex"),
    "nc_year": ("NC Year Actual", "Year", "NC Year"),
    "admission_date": ("Admission Date", "Date of Admission"),
    "sen_status": ("SEN Provision", "SEN Status"),
    "looked_after": ("In LA Care", "In Care", "Looked After"),
    "free_school_meals": ("FSM Eligible", "FSM"),
    "pupil_premium": ("Pupil Premium Indicator", "Pupil Premium"),
    "first_language": ("First Language",),
    "medical_needs": ("Medical Conditions", "Medical Needs"),
    "allergies": ("Allergies",),
}
REQUIRED = ("upn", "legal_last_name", "legal_first_name", "date_of_birth", "sex", "nc_year")
CARER_COLUMNS: dict[str, str] = {
    "name": "Name",
    "relationship": "Relationship",
    "parental_responsibility": "Parental Responsibility",
    "lives_with_pupil": "Lives With Pupil",
    "phone": "Telephone",
    "email": "Email",
    "address": "Address",
    "preferred_contact_method": "Preferred Contact Method",
    "restriction": "Restriction",
}
_CONTACT = re.compile(r"^contact\s+(\d+)\s+(.+)$", re.IGNORECASE)


class ImportFailed(csvimport.RowsRefused):
    """The MIS file's problems, every one listed; no pupil or carer was imported."""


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]
    carers: list[dict[str, Any]] = field(default_factory=list)
    existing: Pupil | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    carers_added: int = 0
    carers_updated: int = 0


_key = csvimport.header_key


@contextmanager
def _refused_whole() -> Iterator[None]:
    """A file that cannot be read at all is one problem, on its line."""
    try:
        yield
    except csvimport.BadFile as error:
        raise ImportFailed([RowError(error.line, "", str(error))]) from None


def decode(content: bytes) -> str:
    """Excel's "Unicode text" and some MIS exports are UTF-16 with a byte-order mark;
    older MIS exports are Windows-1252; the rest UTF-8."""
    with _refused_whole():
        return csvimport.decode(content, utf16=True)


@functools.lru_cache(maxsize=4096)  # a file's dates repeat (birthdays, admissions)
def _quoted(raw: str, most: int = 40) -> str:
    """A cell quoted in a message, cut short: a cell may hold thousands of characters."""
    return raw if len(raw) <= most else raw[: most - 1] + "…"


# DD/MM/YYYY as MIS files write it, read without strptime's cost; anything else (and
# any date this does not make) goes through strptime, whose answer is the same.
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _parse_date(raw: str) -> date:
    text = raw.strip()
    if match := _DMY.fullmatch(text):
        day, month, year = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            pass
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(f"“{_quoted(raw)}” is not a date. Use DD/MM/YYYY, for example 27/03/2016.")


_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f", ""}


def _parse_bool(raw: str) -> bool:
    text = raw.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"“{raw}” is not Yes or No.")


@functools.cache
def _choice_words(choices: Any) -> dict[str, str]:
    """Each choice's value and label, folded, to its value (read once, not each cell)."""
    words: dict[str, str] = {}
    for value, label in reversed(choices.choices):
        words[str(label).casefold()] = str(value)
        words[str(value).casefold()] = str(value)
    return words


def _parse_choice(raw: str, choices: Any, aliases: dict[str, str]) -> str:
    text = raw.strip().casefold()
    found = _choice_words(choices).get(text)
    if found is not None:
        return found
    if text in aliases:
        return aliases[text]
    allowed = ", ".join(str(v) for v in choices.values)
    raise ValueError(f"“{_quoted(raw)}” is not one of {allowed}.")


_SEX_ALIASES = {"female": "F", "male": "M", "girl": "F", "boy": "M"}
_YEAR_ALIASES = {"rec": "R", **{f"y{n}": str(n) for n in range(1, 15)}}
_SEN_ALIASES = {"": "N", "none": "N", "sen support": "K", "ehc plan": "E", "ehcp": "E"}
_METHOD_ALIASES = {"telephone": "phone", "mobile": "phone", "sms": "text", "post": "letter"}

PARSERS: dict[str, Callable[[str], object]] = {
    "date_of_birth": _parse_date,
    "admission_date": _parse_date,
    "looked_after": _parse_bool,
    "free_school_meals": _parse_bool,
    "pupil_premium": _parse_bool,
    "sex": lambda raw: _parse_choice(raw, Sex, _SEX_ALIASES),
    "nc_year": lambda raw: _parse_choice(raw.removeprefix("Year ").strip(), NCYear, _YEAR_ALIASES),
    "sen_status": lambda raw: _parse_choice(raw, SENStatus, _SEN_ALIASES),
    "parental_responsibility": _parse_bool,
    "lives_with_pupil": _parse_bool,
    "preferred_contact_method": lambda raw: (
        _parse_choice(raw, ContactMethod, _METHOD_ALIASES) if raw.strip() else ""
    ),
}


def _map_header(
    header: list[str],
) -> tuple[dict[str, int], dict[int, dict[str, int]], list[RowError]]:
    problems: list[RowError] = []
    positions = {_key(h): i for i, h in enumerate(header)}
    pupil_cols: dict[str, int] = {}
    for name, accepted in PUPIL_COLUMNS.items():
        for column in accepted:
            if _key(column) in positions:
                pupil_cols[name] = positions[_key(column)]
                break
    for name in REQUIRED:
        if name not in pupil_cols:
            problems.append(
                RowError(1, PUPIL_COLUMNS[name][0], "This column is missing from the file.")
            )
    carer_cols: dict[int, dict[str, int]] = {}
    by_suffix = {_key(v): k for k, v in CARER_COLUMNS.items()}
    for i, h in enumerate(header):
        match = _CONTACT.match(" ".join(h.split()))
        if match and _key(match.group(2)) in by_suffix:
            carer_cols.setdefault(int(match.group(1)), {})[by_suffix[_key(match.group(2))]] = i
    for duplicate in csvimport.duplicate_columns(header):
        problems.append(RowError(1, duplicate, "This column appears more than once."))
    return pupil_cols, carer_cols, problems


def _label_of(name: str) -> str:
    return PUPIL_COLUMNS[name][0] if name in PUPIL_COLUMNS else name


def _records(reader: Any) -> Iterator[list[str]]:
    """The reader's rows; a line that is not CSV is refused with its number."""
    with _refused_whole():
        yield from csvimport.records(
            reader, too_long=f"A cell is longer than {MAX_CELL_CHARS:,} characters."
        )


@functools.cache
def _limit(model: Any, name: str) -> int:
    """The most characters `name` holds (read once, not for each cell)."""
    try:
        return int(model._meta.get_field(name).max_length or MAX_CELL_CHARS)
    except LookupError:
        return MAX_CELL_CHARS


def _too_long(model: Any, name: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    limit = _limit(model, name)
    if len(value) > limit:
        return f"This cell has {len(value):,} characters: it can hold at most {limit:,}."
    return None


def parse(text: str, *, school: Organisation, in_use: list[Pupil] | None = None) -> list[ParsedRow]:
    """Read and check every row; ImportFailed lists every problem found. A UPN on
    another school's roll is refused without saying so; its holder is added to
    `in_use` for the local authority to be told."""
    with _refused_whole():
        csvimport.refuse_nul(text)
    reader = csvimport.reader(text)
    records = _records(reader)
    try:
        header = next(records)
    except StopIteration:
        raise ImportFailed([RowError(1, "", "The file is empty.")]) from None
    pupil_cols, carer_cols, problems = _map_header(header)
    if problems:
        raise ImportFailed(problems)
    raw_rows = _non_blank_rows(reader, records)
    upn_col = pupil_cols["upn"]
    upns = {_upn(r[upn_col]) for _, r in raw_rows if upn_col < len(r)}
    # Who holds each UPN of the file, read at once (None: nobody yet), so no row asks.
    holders: dict[str, Pupil | None] = dict.fromkeys(upns)
    holders.update((p.upn, p) for p in Pupil.objects.filter(upn__in=upns).select_related("school"))
    checker = _RowChecker(
        school=school,
        pupil_cols=pupil_cols,
        carer_cols=carer_cols,
        existing=holders,
        in_use=in_use,
    )
    rows = [checker.check(line, record) for line, record in raw_rows]
    if checker.problems:
        raise ImportFailed(checker.problems)
    if not rows:
        raise ImportFailed([RowError(2, "", "The file has no pupils in it.")])
    return rows


def _upn(raw: str) -> str:
    return "".join(raw.split()).upper()


def _non_blank_rows(reader: Any, records: Iterator[list[str]]) -> list[tuple[int, list[str]]]:
    """(line, cells) of each row with something in it; at most MAX_ROWS."""
    raw_rows: list[tuple[int, list[str]]] = []
    for record in records:
        if not any(cell.strip() for cell in record):
            continue
        raw_rows.append((reader.line_num, record))
        if len(raw_rows) > MAX_ROWS:
            raise ImportFailed(
                [RowError(reader.line_num, "", f"The file has more than {MAX_ROWS} pupils.")]
            )
    return raw_rows


def _pupil_column(name: str | None) -> str:
    return _label_of(name) if name else ""


def _problems_of(
    error: ValidationFailed, line: int, column_of: Callable[[str | None], str]
) -> list[RowError]:
    return [
        RowError(line, column_of(field_name), message)
        for field_name, messages in error.errors.items()
        for message in messages
    ]


@dataclass
class _RowChecker:
    """Checks the rows of one file in turn, collecting every problem."""

    school: Organisation
    pupil_cols: dict[str, int]
    carer_cols: dict[int, dict[str, int]]
    existing: dict[str, Pupil | None]
    in_use: list[Pupil] | None
    problems: list[RowError] = field(default_factory=list)
    first_line_of: dict[str, int] = field(default_factory=dict)
    # Read once for the file, not for each row's date of birth.
    today: date = field(default_factory=timezone.localdate)

    def check(self, line: int, record: list[str]) -> ParsedRow:
        def cell(index: int) -> str:
            return record[index].strip() if index < len(record) else ""

        values, row_problems = self._pupil_values(line, cell)
        current = self._holder(line, _upn(cell(self.pupil_cols["upn"])), row_problems)
        if not row_problems:
            try:
                values = clean_pupil_values(
                    values,
                    pupil=current,
                    school=self.school,
                    upn_holders=self.existing,
                    today=self.today,
                )
            except ValidationFailed as error:
                row_problems.extend(_problems_of(error, line, _pupil_column))
        carers = [
            self._carer(line, number, raw, row_problems) for number, raw in self._raw_carers(cell)
        ]
        self.problems.extend(row_problems)
        return ParsedRow(line, values, carers, current)

    def _pupil_values(self, line: int, cell: Any) -> tuple[dict[str, Any], list[RowError]]:
        values: dict[str, Any] = {}
        problems: list[RowError] = []
        # A parsed cell (a date, yes/no, a choice) is checked by its parser: the length
        # that counts is the stored value's, not the spelling's ("Female" for F).
        for name, index in self.pupil_cols.items():
            raw = cell(index)
            if name in REQUIRED and not raw:
                problems.append(RowError(line, _label_of(name), "This cell is empty."))
            elif (parser := PARSERS.get(name)) is None:
                if too_long := _too_long(Pupil, name, raw):
                    problems.append(RowError(line, _label_of(name), too_long))
                values[name] = raw
            elif not raw and name == "admission_date":
                values[name] = None
            else:
                try:
                    values[name] = parser(raw)
                except ValueError as error:
                    problems.append(RowError(line, _label_of(name), str(error)))
        return values, problems

    def _holder(self, line: int, upn: str, problems: list[RowError]) -> Pupil | None:
        """The pupil already holding `upn` on this school's roll; a problem when the
        UPN is on another school's roll or on an earlier line."""
        current = self.existing.get(upn)
        if current is not None and current.school_id != self.school.pk:
            problems.append(
                RowError(
                    line,
                    "UPN",
                    "This UPN cannot be used. Check the number; if it is right, contact "
                    "the local authority.",
                )
            )
            if self.in_use is not None:
                self.in_use.append(current)
            current = None
        if upn in self.first_line_of:
            problems.append(
                RowError(line, "UPN", f"This UPN is already on line {self.first_line_of[upn]}.")
            )
        elif upn:
            self.first_line_of[upn] = line
        return current

    def _raw_carers(self, cell: Any) -> list[tuple[int, dict[str, str]]]:
        found = []
        for number in sorted(self.carer_cols):
            raw = {name: cell(index) for name, index in self.carer_cols[number].items()}
            if any(raw.values()):
                found.append((number, raw))
        return found

    def _carer(
        self, line: int, number: int, raw_carer: dict[str, str], problems: list[RowError]
    ) -> dict[str, Any]:
        carer: dict[str, Any] = {"priority": number}
        for name, raw in raw_carer.items():
            column = f"Contact {number} {CARER_COLUMNS[name]}"
            parser = PARSERS.get(name)
            # A parsed cell (a date, yes/no, a choice) is checked by its parser: the
            # length that counts is the stored value's, not the spelling's ("Telephone").
            if parser is None and (too_long := _too_long(Carer, name, raw)):
                problems.append(RowError(line, column, too_long))
                carer[name] = raw
                continue
            try:
                carer[name] = parser(raw) if parser else raw
            except ValueError as error:
                problems.append(RowError(line, column, str(error)))
        try:
            return clean_carer_values({"name": "", "relationship": "", **carer})
        except ValidationFailed as error:

            def column_of(name: str | None) -> str:
                return f"Contact {number} {CARER_COLUMNS.get(name or '', '')}".strip()

            problems.extend(_problems_of(error, line, column_of))
            return carer


def import_pupils(*, by: User, school: Organisation, content: bytes) -> ImportResult:
    """Check the whole file, then apply it in one transaction (see module docstring).

    The writes are made in batches, whatever the number of rows: the pupils already on
    the roll and their carers are read (and locked) in a few queries, then new pupils,
    new carers, changed pupils, changed carers and the audit events are each written
    with a few bulk statements, one event per change as before."""
    if not policies.can_import_pupils_at(by, school):
        raise NotPermitted("You cannot import pupils for this school.")
    if len(content) > MAX_BYTES:
        raise ImportFailed(
            [RowError(1, "", f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")]
        )
    in_use: list[Pupil] = []
    try:
        rows = parse(decode(content), school=school, in_use=in_use)
    except ImportFailed:
        # The file is refused whole; the local authority still hears of each UPN that
        # is on another school's roll, as it does from the pupil form.
        for holder in in_use:
            alert_la_to_upn_in_use(by=by, school=school, holder=holder)
        raise
    result = ImportResult()
    try:
        with transaction.atomic():
            # Who imports, as now: not as when the file's check began.
            policies.read_memberships_again(by)
            if not policies.can_import_pupils_at(by, school):
                raise NotPermitted("You cannot import pupils for this school.")
            writes = _Writes.for_rows(school, rows)
            for row in rows:
                _apply_row(writes, row, result)
            writes.save()
            writes.event(
                None,
                school,
                PupilAction.IMPORTED,
                added(
                    {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    }
                ),
                f"Imported {counted(len(rows), 'pupil')} from an MIS file",
            )
            record_events(by=by, organisation=school, events=writes.audit_events())
    except (IntegrityError, _RollChanged):
        # Someone added one of these UPNs (or removed one of these pupils, or moved one
        # to another school's roll) while the file was being checked.
        raise ImportFailed(
            [RowError(1, "UPN", "The pupils changed while the file was imported. Try again.")]
        ) from None
    return result


BATCH = 1000


class _RollChanged(Exception):
    """A pupil read while the file was checked was gone when it was applied."""


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


@dataclass(slots=True)
class _New:
    """A row the import adds: its values, written without making a model instance
    (core.bulk.insert_values); `pk` once written. A carer's `owner` is its pupil."""

    label: str
    values: dict[str, Any]
    owner: "Pupil | _New | None" = None
    pk: int | None = None


# An audit event of the import, its pupil and target named once all rows are written:
# (pupil, target, action, changes, summary).
_Pending = tuple["Pupil | _New | None", "Any", PupilAction, Changes, str]


@dataclass
class _Writes:
    """What applying the file writes, gathered row by row, then written in batches.
    `events` holds each audit event with its pupil, whose id a new pupil has only once
    it is written."""

    school: Organisation
    locked: dict[int, Pupil]
    carers_of: dict[int, list[Carer]]
    new_pupils: list[_New] = field(default_factory=list)
    new_carers: list[_New] = field(default_factory=list)
    changed_pupils: list[Pupil] = field(default_factory=list)
    changed_carers: list[Carer] = field(default_factory=list)
    pupil_fields: set[str] = field(default_factory=set)
    carer_fields: set[str] = field(default_factory=set)
    events: list[_Pending] = field(default_factory=list)

    @classmethod
    def for_rows(cls, school: Organisation, rows: list[ParsedRow]) -> "_Writes":
        """The pupils already on the roll that the file names, locked for the
        transaction, with their carers: a few queries however many rows."""
        ids = [row.existing.pk for row in rows if row.existing is not None]
        locked: dict[int, Pupil] = {}
        carers_of: dict[int, list[Carer]] = {pk: [] for pk in ids}
        for chunk in _chunks(ids):
            locked.update(
                (p.pk, p)
                # Still on this school's roll: one moved away meanwhile is not ours to change.
                for p in Pupil.objects.select_for_update().filter(pk__in=chunk, school=school)
            )
            for carer in Carer.objects.filter(pupil_id__in=chunk).order_by("pk"):
                carers_of[carer.pupil_id].append(carer)
        return cls(school=school, locked=locked, carers_of=carers_of)

    def event(
        self,
        pupil: "Pupil | _New | None",
        target: Any,
        action: PupilAction,
        changes: Changes,
        summary: str,
    ) -> None:
        """One audit event of the import, filed under the importing school and the pupil."""
        self.events.append((pupil, target, action, changes, summary))

    def audit_events(self) -> list[Event]:
        """The events, each naming its pupil and target (written by now)."""
        return [
            Event(
                action=action,
                target=(target.label, target.pk) if isinstance(target, _New) else target,
                pupil_id=pupil.pk if pupil is not None else None,
                changes=changes,
                summary=summary,
            )
            for pupil, target, action, changes, summary in self.events
        ]

    def save(self) -> None:
        now = timezone.now()
        for new, pk in zip(
            self.new_pupils,
            insert_values(Pupil, [new.values for new in self.new_pupils]),
            strict=True,
        ):
            new.pk = pk
        carer_rows = [
            {**new.values, "pupil_id": new.owner.pk if new.owner is not None else None}
            for new in self.new_carers
        ]
        for new, pk in zip(self.new_carers, insert_values(Carer, carer_rows), strict=True):
            new.pk = pk
        if self.changed_pupils:
            for pupil in self.changed_pupils:
                pupil.updated_at = now
            fields = sorted(self.pupil_fields | {"version", "updated_at"})
            Pupil.objects.bulk_update(self.changed_pupils, fields, batch_size=BATCH)
        if self.changed_carers:
            for carer in self.changed_carers:
                carer.updated_at = now
            fields = sorted(self.carer_fields | {"updated_at"})
            Carer.objects.bulk_update(self.changed_carers, fields, batch_size=BATCH)


def _apply_row(writes: _Writes, row: ParsedRow, result: ImportResult) -> None:
    values = {k: ("" if v is None and k != "admission_date" else v) for k, v in row.values.items()}
    # The DSL-only flags (looked after) are written, but their change is a
    # child-protection event, which the chronology shows to DSLs only.
    flags = {k: values.pop(k) for k in CHILD_PROTECTION_FIELDS if k in values}
    if row.existing is None:
        # Checked already: written as values, without making a Pupil (core.bulk).
        new = _New(_PUPIL, {"school_id": writes.school.pk, **values, **flags})
        writes.new_pupils.append(new)
        result.created += 1
        name = display_name_of(
            values["legal_first_name"],
            values["legal_last_name"],
            values.get("preferred_name", ""),
            values.get("preferred_last_name", ""),
        )
        summary = f"Added {name} from an MIS import"
        writes.event(new, new, PupilAction.CREATED, _created(values), summary)
        if raised := {k: [False, v] for k, v in flags.items() if v}:
            writes.event(
                new, new, PupilAction.CHILD_PROTECTION_CHANGED, raised, CHILD_PROTECTION_SUMMARY
            )
        _apply_carers(writes, new, [], row.carers, result)
        return
    pupil = writes.locked.get(row.existing.pk)
    if pupil is None:
        raise _RollChanged
    diff = changed_fields(pupil, values)
    flags_diff = changed_fields(pupil, flags)
    if diff or flags_diff:
        for key, value in {**values, **flags}.items():
            setattr(pupil, key, value)
        pupil.version += 1
        writes.changed_pupils.append(pupil)
        writes.pupil_fields.update(values, flags)
    if flags_diff:
        writes.event(
            pupil, pupil, PupilAction.CHILD_PROTECTION_CHANGED, flags_diff, CHILD_PROTECTION_SUMMARY
        )
    if diff:
        writes.event(pupil, pupil, PupilAction.CHANGED, diff, "Updated from an MIS import")
    carers = writes.carers_of.get(pupil.pk, [])
    carers_changed = _apply_carers(writes, pupil, carers, row.carers, result)
    if diff or flags_diff or carers_changed:
        result.updated += 1
    else:
        result.unchanged += 1


_PUPIL = Pupil._meta.label_lower
_CARER = Carer._meta.label_lower


def _apply_carers(
    writes: _Writes,
    pupil: Pupil | _New,
    current: list[Carer],
    carers: list[dict[str, Any]],
    result: ImportResult,
) -> bool:
    changed = False
    existing = {c.name.casefold(): c for c in current}
    for values in carers:
        carer = existing.get(values["name"].casefold())
        if carer is None:
            new = _New(_CARER, values, owner=pupil)
            writes.new_carers.append(new)
            result.carers_added += 1
            changed = True
            summary = (
                f"Added carer {carer_label(values['name'], values['relationship'])} "
                "from an MIS import"
            )
            writes.event(pupil, new, PupilAction.CARER_ADDED, _created(values), summary)
            continue
        if diff := changed_fields(carer, values):
            for key, value in values.items():
                setattr(carer, key, value)
            writes.changed_carers.append(carer)
            writes.carer_fields.update(values)
            result.carers_updated += 1
            changed = True
            summary = f"Updated carer {carer} from an MIS import"
            writes.event(pupil, carer, PupilAction.CARER_CHANGED, diff, summary)
    return changed


def _created(values: dict[str, Any]) -> Changes:
    """What a row created, as the import records it: each value given, as text."""
    return {k: [None, str(v)] for k, v in values.items() if v not in ("", None)}
