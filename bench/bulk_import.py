"""Bulk imports against PostgreSQL's COPY (issue 16, "Scale"): the MIS pupil import of
BENCH_PUPILS pupils (5,000 by default, the most one file holds), each with a carer, and
the attendance import of BENCH_MARKS marks (1,000,000 by default) for a provider's
placements, each timed against COPY of the same rows into the same tables, in the same
run, on a private PostgreSQL cluster (the drills' stack, production settings).

"The same rows": each import runs first, through its service as the command runs it
(every row checked, audit events recorded); then the rows it wrote (pupils, carers and
audit events; marks and audit events) are read back and written again with COPY, for
twin records made alike beforehand (a second school; a second provider with as many
placements), so no unique rule is broken. Neither time includes making the file or the
twin records. rows_per_s counts the file's rows (pupils, marks); share_of_copy is the
import's rate over COPY's.

python -m bench bulk   # this alone; writes the "bulk" part of bench/results/latest.json
"""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess  # nosec B404 - the benchmark starts PostgreSQL and a child Python on purpose
import sys
import time
from typing import Any

from drills.stack import ROOT, Stack

SCRIPT_ARG = "--in-django"


def run() -> list[dict[str, Any]]:
    """Make the cluster, migrate it, measure in a child process on it; the rows."""
    stack = Stack(workers=1)
    try:
        stack.create_cluster()
        stack.manage("migrate", "--no-input")
        done = subprocess.run(  # nosec B603
            [sys.executable, "-m", "bench.bulk_import", SCRIPT_ARG],
            cwd=ROOT,
            env=stack.env(),
            capture_output=True,
            text=True,
        )
    finally:
        stack.stop()
    if done.returncode:
        raise RuntimeError(f"bulk benchmark failed:\n{done.stderr[-4000:]}")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def markdown(rows: list[dict[str, Any]]) -> list[str]:
    """The report's bulk section (empty when the bulk imports were not measured)."""
    if not rows:
        return []
    lines = [
        "",
        "## Bulk imports against PostgreSQL COPY of the same rows (`python -m bench bulk`)",
        "",
        "Each import through its service (every row checked, audit events recorded), then "
        "COPY of every row it wrote (pupils, carers and events; marks and events) into the "
        "same tables, in the same run. rows/s counts the file's rows (pupils, marks) for "
        "both, so the share is the import's time against COPY's.",
        "",
        "| import | rows | rows/s | COPY rows/s | share of COPY |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['rows']:,} | {row['rows_per_s']:,.0f} | "
            f"{row['copy_rows_per_s']:,.0f} | {row['share_of_copy']:.0%} |"
        )
    return lines


# --- inside Django, on the cluster -------------------------------------------------


def _row(name: str, rows: int, seconds: float, copy_seconds: float) -> dict[str, Any]:
    rate, copy_rate = rows / seconds, rows / copy_seconds
    return {
        "name": name,
        "rows": rows,
        "seconds": round(seconds, 2),
        "copy_seconds": round(copy_seconds, 2),
        "rows_per_s": round(rate, 1),
        "copy_rows_per_s": round(copy_rate, 1),
        "share_of_copy": round(rate / copy_rate, 3),
    }


def _read(table: str, where: str, params: list[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)  # noqa: S608  # nosec B608
        columns = [c.name for c in cursor.description]
        return columns, list(cursor.fetchall())


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        names = ", ".join(columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _ids(table: str, count: int) -> list[int]:
    """`count` fresh ids from the table's own sequence, for rows COPY writes with ids."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [r[0] for r in cursor.fetchall()]


def _timed_copy(tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]) -> float:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        for table, columns, rows in tables:
            _copy(table, columns, rows)
    return time.perf_counter() - started


def _events_since(last_id: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns, rows = _read("chronology_auditevent", "id > %s", [last_id])
    keep = [i for i, c in enumerate(columns) if c != "id"]
    return [columns[i] for i in keep], [
        tuple(json.dumps(v) if columns[i] == "changes" else v for i, v in ((i, r[i]) for i in keep))
        for r in rows
    ]


def _last_event_id() -> int:
    from apcase.chronology.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def bench_mis(count: int) -> dict[str, Any]:
    import csv

    from apcase.accounts.roles import Role
    from apcase.accounts.tests.factories import (
        LocalAuthorityFactory,
        MembershipFactory,
        SchoolFactory,
        UserFactory,
    )
    from apcase.pupils import mis_import
    from apcase.pupils.upn import with_check_letter

    la = LocalAuthorityFactory(name="Milton Keynes Council", la_code="826")
    school, twin = SchoolFactory(local_authority=la), SchoolFactory(local_authority=la)
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=school, role=Role.SCHOOL_ADMIN)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "NC Year Actual",
         "Admission Date", "SEN Provision", "FSM Eligible", "First Language",
         "Contact 1 Name", "Contact 1 Relationship", "Contact 1 Parental Responsibility",
         "Contact 1 Telephone"]
    )  # fmt: skip
    for n in range(count):
        writer.writerow(
            [with_check_letter(f"826{n:09d}"), f"Surname{n}", f"Forename{n}", "27/03/2016",
             "F" if n % 2 else "M", "5", "01/09/2020", "N", "Y" if n % 3 else "N", "English",
             f"Carer {n}", "Mother", "Yes", "07700 900123"]
        )  # fmt: skip
    content = out.getvalue().encode()
    before = _last_event_id()
    started = time.perf_counter()
    result = mis_import.import_pupils(by=admin, school=school, content=content)
    seconds = time.perf_counter() - started
    if (result.created, result.carers_added) != (count, count):
        raise RuntimeError(f"MIS import: expected {count} pupils and carers, got {result}")
    # The rows it wrote, again, for the twin school: new ids, UPNs and school.
    p_cols, pupils = _read("pupils_pupil", "school_id = %s", [school.pk])
    c_cols, carers = _read(
        "pupils_carer", "pupil_id IN (SELECT id FROM pupils_pupil WHERE school_id = %s)",
        [school.pk],
    )  # fmt: skip
    e_cols, events = _events_since(before)
    if (len(pupils), len(carers), len(events)) != (count, count, 2 * count + 1):
        raise RuntimeError(
            f"MIS import wrote {len(pupils)} pupils, {len(carers)} carers and "
            f"{len(events)} events for {count} rows."
        )
    new_ids = dict(zip([p[0] for p in pupils], _ids("pupils_pupil", len(pupils)), strict=True))
    upn, school_col = p_cols.index("upn"), p_cols.index("school_id")
    twin_pupils = []
    for p in pupils:
        values = list(p)
        values[0], values[school_col] = new_ids[p[0]], twin.pk
        values[upn] = with_check_letter(f"826{count + new_ids[p[0]]:09d}")
        twin_pupils.append(tuple(values))
    pupil_col = c_cols.index("pupil_id")
    twin_carers = [
        tuple(new_ids[v] if i == pupil_col else v for i, v in enumerate(c) if i != 0)
        for c in carers
    ]
    copy_seconds = _timed_copy(
        [
            ("pupils_pupil", p_cols, twin_pupils),
            ("pupils_carer", c_cols[1:], twin_carers),
            ("chronology_auditevent", e_cols, events),
        ]
    )
    return _row(f"MIS pupil import ({count:,} pupils, a carer each)", count, seconds, copy_seconds)


def _weekdays_before(today: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], today - datetime.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days)


def _placements(provider: Any, school: Any, count: int, first_upn: int, start: Any) -> list[Any]:
    from apcase.placements.models import Placement
    from apcase.pupils.models import Pupil
    from apcase.pupils.upn import with_check_letter

    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=with_check_letter(f"826{first_upn + n:09d}"),
            legal_first_name=f"Forename{n}",
            legal_last_name=f"Surname{n}",
            date_of_birth=datetime.date(2012, 1, 1),
            sex="F",
            nc_year="9",
        )
        for n in range(count)
    )
    return Placement.objects.bulk_create(
        Placement(
            pupil=pupil,
            provider=provider,
            status=Placement.Status.ACTIVE,
            start_date=start,
            sessions_per_week=10,
            arranged_by=Placement.ArrangedBy.SCHOOL,
        )
        for pupil in pupils
    )


def bench_marks(count: int) -> dict[str, Any]:
    from django.utils import timezone

    from apcase.accounts.roles import Role
    from apcase.accounts.tests.factories import (
        LocalAuthorityFactory,
        MembershipFactory,
        ProviderFactory,
        SchoolFactory,
        UserFactory,
    )
    from apcase.monitoring import mark_import

    days = _weekdays_before(timezone.localdate(), 200)  # 400 sessions a placement
    per_placement = len(days) * 2
    placements_needed = -(-count // per_placement)
    la = LocalAuthorityFactory(name="Northshire Council", la_code="827")
    school = SchoolFactory(local_authority=la)
    provider, twin = ProviderFactory(local_authority=la), ProviderFactory(local_authority=la)
    staff = UserFactory()
    MembershipFactory(user=staff, organisation=provider, role=Role.PROVIDER_STAFF)
    mine = _placements(provider, school, placements_needed, 100_000, days[0])
    theirs = _placements(twin, school, placements_needed, 200_000, days[0])
    out = io.StringIO()
    out.write("UPN,Date,Session,Mark,Minutes Late\r\n")
    marks = ("/", "/", "/", "/", "/", "/", "L", "absent_illness", "left_early", "/")
    written = 0
    for placement in mine:
        for day in days:
            for session in ("AM", "PM"):
                if written == count:
                    break
                mark = marks[written % len(marks)]
                minutes = "10" if mark == "L" else ""
                out.write(f"{placement.pupil.upn},{day:%d/%m/%Y},{session},{mark},{minutes}\r\n")
                written += 1
    content = out.getvalue().encode()
    before = _last_event_id()
    started = time.perf_counter()
    result = mark_import.import_marks(
        by=staff, provider=provider, content=content, reason="Imported from our own system"
    )
    seconds = time.perf_counter() - started
    if result.marks != count:
        raise RuntimeError(f"Attendance import: expected {count} marks, got {result}")
    twin_of = {a.pk: b for a, b in zip(mine, theirs, strict=True)}
    m_cols, rows = _read(
        "monitoring_attendancemark",
        "placement_id IN (SELECT id FROM placements_placement WHERE provider_id = %s)",
        [provider.pk],
    )
    placement_col, pupil_col = m_cols.index("placement_id"), m_cols.index("pupil_id")
    twin_marks = []
    for row in rows:
        values = list(row[1:])
        other = twin_of[row[placement_col]]
        values[placement_col - 1], values[pupil_col - 1] = other.pk, other.pupil_id
        twin_marks.append(tuple(values))
    e_cols, events = _events_since(before)
    copy_seconds = _timed_copy(
        [
            ("monitoring_attendancemark", m_cols[1:], twin_marks),
            ("chronology_auditevent", e_cols, events),
        ]
    )
    return _row(f"Attendance import ({count:,} marks)", count, seconds, copy_seconds)


def _in_django() -> None:
    import django

    django.setup()
    pupils = int(os.environ.get("BENCH_PUPILS", "5000"))
    marks = int(os.environ.get("BENCH_MARKS", "1000000"))
    rows = [bench_mis(pupils), bench_marks(marks)]
    print(json.dumps(rows))


if __name__ == "__main__" and SCRIPT_ARG in sys.argv:
    _in_django()
