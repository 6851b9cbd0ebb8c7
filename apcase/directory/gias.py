"""Reading the GIAS open-data establishment file (edubasealldataYYYYMMDD.csv) into
schools and providers.

Three steps, each a plain function so tests and the command line share them:
`parse` (bytes -> rows and row-level errors; no database), `check_against` (rows that
would break a record already held, e.g. a school becoming a provider under the same
URN), `check_scope` (for one local authority's import: rows for an establishment held
by another authority, which that import may neither move nor close), and `apply` (bulk
create/update in the caller's transaction; it reports every establishment whose local
authority changed). services.import_gias wraps them with the permission check, the
transaction and the audit events.

Two kinds of import: one local authority's (an LA admin's upload, or the command with
--la-code) creates or changes only establishments of that authority; the national one
(a system admin's upload, or the command with --national, from the GIAS file of all
England) may also move an establishment to another authority, each move its own audit
event.

Numbers (URN, UKPRN, type code, LA code, dates) must be ASCII digits: `str.isdigit`
also accepts "²" (which int() then refuses) and "١٢٣" (which int() reads as 123).

Format: Windows-1252 text (GIAS publishes cp1252), dd-mm-yyyy dates, a header row with
(at least) the columns in REQUIRED_COLUMNS. The bytes are read as every import reads
them (apcase.core.csvimport): a file saved as UTF-8 is accepted too, because reading
UTF-8 as cp1252 would silently garble every accented name; anything else (UTF-16,
binary, bytes cp1252 does not define) is refused as a whole.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core import csvimport
from apcase.core.errors import ValidationFailed
from apcase.reference.gias import ap_type_codes

from .models import Inspection, ProviderProfile, Registration
from .ofsted import Scale, legacy_grade_from_gias

REQUIRED_COLUMNS = [
    "URN",
    "UKPRN",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "LA (code)",
    "LA (name)",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "OfstedRating (name)",
    "OfstedLastInsp",
    "OpenDate",
    "CloseDate",
]
OPEN_STATUSES = {"Open", "Open, but proposed to close", "Proposed to open"}
CLOSED_STATUSES = {"Closed"}
# Organisation fields the file sets; compared to decide "updated" or "unchanged".
FIELDS = [
    "kind",
    "name",
    "ukprn",
    "la_code",
    "status",
    "street",
    "locality",
    "address3",
    "town",
    "county",
    "postcode",
    "website",
    "phase",
    "establishment_type_code",
    "establishment_type",
    "open_date",
    "close_date",
]
TEXT_LIMITS = {
    "EstablishmentName": ("name", 200),
    "TypeOfEstablishment (name)": ("establishment_type", 100),
    "PhaseOfEducation (name)": ("phase", 60),
    "Street": ("street", 200),
    "Locality": ("locality", 200),
    "Address3": ("address3", 200),
    "Town": ("town", 100),
    "County (name)": ("county", 100),
    "Postcode": ("postcode", 10),
    "SchoolWebsite": ("website", 200),
}
BATCH = 2000

Progress = Callable[[int], None]


class GiasFileError(ValidationFailed):
    """The file as a whole cannot be read; nothing was applied."""


@dataclass
class RowError:
    line: int
    urn: str
    messages: list[str]


@dataclass
class GiasRow:
    line: int
    urn: int
    values: dict[str, Any]
    ofsted_grade: str = ""
    ofsted_date: date | None = None


@dataclass
class ParsedFile:
    rows: list[GiasRow]
    errors: list[RowError]
    total_rows: int


@dataclass
class ImportResult:
    total_rows: int = 0
    valid_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    moved: int = 0
    outside_scope: int = 0
    inspections_added: int = 0
    skipped_invalid: int = 0
    applied: bool = False
    errors: list[RowError] = field(default_factory=list)
    changed_urns: list[int] = field(default_factory=list)
    # Establishments whose local authority changed: (urn, pk, name, old LA id, new LA id).
    moves: list[tuple[int, int, str, int | None, int | None]] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total_rows,
            "valid": self.valid_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "moved": self.moved,
            "outside_scope": self.outside_scope,
            "inspections_added": self.inspections_added,
            "skipped_invalid": self.skipped_invalid,
        }


DOWNLOAD_AGAIN = "Download the establishment file from GIAS again and upload it unchanged."


def decode(data: bytes) -> str:
    if not data.strip():
        raise GiasFileError("The selected file is empty.")
    try:
        return csvimport.decode(data, utf16=False, advice=DOWNLOAD_AGAIN)
    except csvimport.BadFile as error:
        raise GiasFileError(str(error)) from None


def is_number(text: str) -> bool:
    """ASCII digits only (see the module docstring)."""
    return text.isascii() and text.isdigit()


def _date(text: str, column: str, problems: list[str]) -> date | None:
    if not text:
        return None
    # Split by hand: strptime is a tenth of the import's time on a 50,000-row file.
    parts = text.split("-")
    if len(parts) == 3 and len(parts[2]) == 4 and all(is_number(p) for p in parts):
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
    problems.append(f"{column} must be a date like 31-08-2024, not “{text}”.")
    return None


def _int(text: str, column: str, problems: list[str], *, required: bool) -> int | None:
    if not text:
        if required:
            problems.append(f"{column} is missing.")
        return None
    if not is_number(text) or len(text) > 9 or int(text) == 0:
        problems.append(f"{column} must be a whole number, not “{text}”.")
        return None
    return int(text)


def _row(raw: list[str], index: list[int], line: int, ap_types: set[int]) -> GiasRow | RowError:
    cell = dict(zip(REQUIRED_COLUMNS, [raw[i].strip() for i in index], strict=True))
    problems: list[str] = []
    urn = _int(cell["URN"], "URN", problems, required=True)
    values: dict[str, Any] = {
        "ukprn": _int(cell["UKPRN"], "UKPRN", problems, required=False),
        "establishment_type_code": _int(
            cell["TypeOfEstablishment (code)"],
            "TypeOfEstablishment (code)",
            problems,
            required=True,
        ),
    }
    for column, (name, limit) in TEXT_LIMITS.items():
        text = cell[column]
        if len(text) > limit:
            problems.append(f"{column} is longer than {limit} characters.")
            text = text[:limit]
        values[name] = text
    if not values["name"]:
        problems.append("EstablishmentName is missing.")
    status = cell["EstablishmentStatus (name)"]
    if status in CLOSED_STATUSES:
        values["status"] = Organisation.Status.CLOSED
    elif status in OPEN_STATUSES:
        values["status"] = Organisation.Status.OPEN
    else:
        problems.append(f"EstablishmentStatus (name) “{status}” is not a GIAS status.")
    la_code = cell["LA (code)"]
    if la_code and not (is_number(la_code) and len(la_code) <= 3):
        problems.append(f"LA (code) must be a number of up to 3 digits, not “{la_code}”.")
    values["la_code"] = la_code[:3]
    values["open_date"] = _date(cell["OpenDate"], "OpenDate", problems)
    values["close_date"] = _date(cell["CloseDate"], "CloseDate", problems)
    if values["open_date"] and values["close_date"] and values["close_date"] < values["open_date"]:
        problems.append("CloseDate is before OpenDate.")
    inspected = _date(cell["OfstedLastInsp"], "OfstedLastInsp", problems)
    if problems or urn is None:
        return RowError(line=line, urn=cell["URN"], messages=problems)
    values["kind"] = (
        OrganisationKind.PROVIDER
        if values["establishment_type_code"] in ap_types
        else OrganisationKind.SCHOOL
    )
    grade = legacy_grade_from_gias(cell["OfstedRating (name)"])
    return GiasRow(
        line=line,
        urn=urn,
        values=values,
        ofsted_grade=grade if inspected else "",
        ofsted_date=inspected if grade else None,
    )


def parse(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    """Every row checked; file-level problems raise GiasFileError."""
    reader = csvimport.reader(decode(data))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as error:
        raise GiasFileError(f"The file is not a valid CSV file: {error}.") from error
    missing = csvimport.missing_columns(header, REQUIRED_COLUMNS, key=str.strip)
    if missing:
        raise GiasFileError(
            "The file is not a GIAS establishment file: it has no "
            + ", ".join(f"“{c}”" for c in missing)
            + " column"
            + ("s" if len(missing) > 1 else "")
            + "."
        )
    index = [header.index(c) for c in REQUIRED_COLUMNS]
    width = len(header)
    urn_at = header.index("URN")
    ap_types = ap_type_codes()
    rows: list[GiasRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    total = 0
    try:
        for raw in reader:
            if not raw:
                continue  # a blank line
            total += 1
            line = reader.line_num
            if len(raw) != width:
                urn_text = raw[urn_at] if len(raw) > urn_at else ""
                errors.append(
                    RowError(line, urn_text, [f"The row has {len(raw)} cells, not {width}."])
                )
                continue
            parsed = _row(raw, index, line, ap_types)
            if isinstance(parsed, GiasRow):
                if parsed.urn in seen:
                    errors.append(
                        RowError(
                            line,
                            str(parsed.urn),
                            [f"URN {parsed.urn} is also on line {seen[parsed.urn]}."],
                        )
                    )
                else:
                    seen[parsed.urn] = line
                    rows.append(parsed)
            else:
                errors.append(parsed)
            if progress and total % 1000 == 0:
                progress(1000)
    except csv.Error as error:
        raise GiasFileError(
            f"The file is not a valid CSV file: line {reader.line_num}: {error}."
        ) from error
    if progress:
        progress(total % 1000)
    if total == 0:
        raise GiasFileError("The file has a header row but no establishments.")
    return ParsedFile(rows=rows, errors=errors, total_rows=total)


Existing = dict[int, dict[str, Any]]


def existing_by_urn(urns: Iterable[int]) -> Existing:
    """The held records with these URNs, as plain dicts (quicker than model instances
    for tens of thousands of rows)."""
    wanted = list(urns)
    found: Existing = {}
    if len(wanted) > 5000:
        # A national file: one pass over every held URN beats a hundred IN (...) queries.
        wanted_set = set(wanted)
        for values in Organisation.objects.filter(urn__isnull=False).values(
            "pk", "urn", "local_authority_id", *FIELDS
        ):
            if values["urn"] in wanted_set:
                found[values["urn"]] = values
        return found
    for start in range(0, len(wanted), 500):
        for values in Organisation.objects.filter(urn__in=wanted[start : start + 500]).values(
            "pk", "urn", "local_authority_id", *FIELDS
        ):
            found[values["urn"]] = values
    return found


def check_against(rows: list[GiasRow], existing: Existing) -> list[RowError]:
    """Rows that would turn a record of one kind into another. A URN is for life in
    GIAS, so this means a mistake somewhere; a person must look at it."""
    errors = []
    for row in rows:
        held = existing.get(row.urn)
        if held is not None and held["kind"] != row.values["kind"]:
            errors.append(
                RowError(
                    row.line,
                    str(row.urn),
                    [
                        f"URN {row.urn} is held as a "
                        f"{OrganisationKind(held['kind']).label.lower()} "
                        f"(“{held['name']}”) but this row makes it a "
                        f"{OrganisationKind(row.values['kind']).label.lower()}."
                    ],
                )
            )
    return errors


def check_scope(
    rows: list[GiasRow], existing: Existing, *, authority_id: int, la_code: str
) -> list[RowError]:
    """For one local authority's import (rows already limited to its LA code): rows for
    a held establishment of another authority. Updating it would move it (and its
    pupils' placements) into this authority, or close it and lock its staff out; only
    the national import may change an establishment's authority. A held record with no
    authority but this LA code is this authority's to take up."""
    errors = []
    for row in rows:
        held = existing.get(row.urn)
        if held is None:
            continue
        owner = held["local_authority_id"]
        if owner == authority_id or (owner is None and held["la_code"] == la_code):
            continue
        errors.append(
            RowError(
                row.line,
                str(row.urn),
                [
                    f"URN {row.urn} belongs to another local authority. An import for "
                    f"LA code {la_code} can add or change only its own establishments; "
                    "only the national GIAS import can move an establishment to another "
                    "local authority."
                ],
            )
        )
    return errors


def apply(
    rows: list[GiasRow],
    existing: Existing,
    result: ImportResult,
    *,
    authority_id: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Create and update organisations. Call inside a transaction.

    `authority_id` is set for one local authority's import: every row is linked to it
    (its rows were checked by check_scope). Without it (the national import) a row is
    linked to the authority holding its LA code, or keeps the one it has if no
    authority holds that code. Every change of authority is listed in `result.moves`.

    Writes go through `executemany` on Django's cursor rather than bulk_create and
    bulk_update: the ORM prepares every value in Python, which made a 50,000-row file
    take half a minute; this takes seconds, on SQLite and PostgreSQL alike."""
    authorities = dict(
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
        .exclude(la_code="")
        .values_list("la_code", "pk")
    )
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    to_create: list[list[Any]] = []
    to_update: list[list[Any]] = []
    for row in rows:
        values = row.values
        la_id = authority_id if authority_id is not None else authorities.get(values["la_code"])
        closed = values["status"] == Organisation.Status.CLOSED
        held = existing.get(row.urn)
        if held is None:
            to_create.append([*_db_values(values, ops), row.urn, la_id, now, now])
            result.closed += int(closed)
            result.changed_urns.append(row.urn)
            continue
        if la_id is None:
            la_id = held["local_authority_id"]
        if la_id == held["local_authority_id"] and all(held[f] == values[f] for f in FIELDS):
            result.unchanged += 1
            continue
        if closed and held["status"] != Organisation.Status.CLOSED:
            result.closed += 1
        if la_id != held["local_authority_id"]:
            result.moves.append(
                (row.urn, held["pk"], values["name"], held["local_authority_id"], la_id)
            )
        to_update.append([*_db_values(values, ops), la_id, now, held["pk"]])
        result.changed_urns.append(row.urn)
    table = connection.ops.quote_name(Organisation._meta.db_table)
    columns = [_column(f) for f in FIELDS]
    insert = (
        f"INSERT INTO {table} ({', '.join([*columns, 'urn', 'local_authority_id', 'created_at', 'updated_at'])}) "  # noqa: S608 - names from the model, values as parameters  # nosec B608
        f"VALUES ({', '.join(['%s'] * (len(columns) + 4))})"
    )
    update = (
        f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in [*columns, 'local_authority_id', 'updated_at'])} "  # noqa: S608  # nosec B608 - names from the model
        "WHERE id = %s"
    )
    with connection.cursor() as cursor:
        for statement, params in ((insert, to_create), (update, to_update)):
            for start in range(0, len(params), BATCH):
                batch = params[start : start + BATCH]
                cursor.executemany(statement, batch)
                if progress:
                    progress(len(batch))
    result.created = len(to_create)
    result.updated = len(to_update)
    result.moved = len(result.moves)
    _add_provider_records(rows, result)


def _column(name: str) -> str:
    field = Organisation._meta.get_field(name)
    return str(getattr(field, "column", name))


def _db_values(values: dict[str, Any], ops: Any) -> list[Any]:
    return [
        ops.adapt_datefield_value(values[f]) if f in ("open_date", "close_date") else values[f]
        for f in FIELDS
    ]


def _add_provider_records(rows: list[GiasRow], result: ImportResult) -> None:
    """A profile for every provider that lacks one, and the file's last legacy Ofsted
    grade as inspection history (once; report-card grades are entered by hand)."""
    provider_rows = {r.urn: r for r in rows if r.values["kind"] == OrganisationKind.PROVIDER}
    if not provider_rows:
        return
    providers = Organisation.objects.in_bulk(list(provider_rows), field_name="urn")
    with_profile = set(
        ProviderProfile.objects.filter(organisation__urn__in=list(provider_rows)).values_list(
            "organisation__urn", flat=True
        )
    )
    ProviderProfile.objects.bulk_create(
        [
            ProviderProfile(organisation=org, registration=Registration.REGISTERED)
            for urn, org in providers.items()
            if urn not in with_profile
        ],
        batch_size=BATCH,
    )
    known = set(
        Inspection.objects.filter(
            organisation__urn__in=list(provider_rows), scale=Scale.LEGACY
        ).values_list("organisation__urn", "inspected_on")
    )
    inspections = [
        Inspection(
            organisation=providers[urn],
            scale=Scale.LEGACY,
            inspected_on=row.ofsted_date,
            overall_grade=row.ofsted_grade,
            source=Inspection.Source.GIAS,
        )
        for urn, row in provider_rows.items()
        if row.ofsted_grade and row.ofsted_date and (urn, row.ofsted_date) not in known
    ]
    Inspection.objects.bulk_create(inspections, batch_size=BATCH)
    result.inspections_added = len(inspections)


def max_upload_bytes() -> int:
    return int(getattr(settings, "APCASE_GIAS_MAX_UPLOAD_BYTES", 150 * 1024 * 1024))
