"""GIAS import: how the time grows with the file (5,000 vs 50,000 rows), what share
of it is reading and checking the CSV, and what a repeat import of an unchanged file
costs against the first. The 50,000-row file is the size the GIAS issue names; the run
also checks what the test suite once did at that size (every row created, and the
repeat import changing nothing), so the suite itself stays quick."""

import csv
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.db import connection

from apcase.accounts.models import Organisation
from apcase.directory import gias, services

T = TypeVar("T")

FIXTURE = Path(__file__).resolve().parent.parent / "apcase/directory/tests/fixtures/gias_sample.csv"


def _file(rows: int, *, first_urn: int) -> bytes:
    table = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("cp1252"), newline="")))
    header, template = table[0], table[1]
    urn, name = header.index("URN"), header.index("EstablishmentName")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(rows):
        row = list(template)
        row[urn] = str(first_urn + n)
        row[name] = f"Synthetic School {n}"
        writer.writerow(row)
    return out.getvalue().encode("cp1252")


def _timed(action: Callable[[], object]) -> float:
    return _timed_result(action)[0]


def _timed_result(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _import(data: bytes) -> gias.ImportResult:
    return services.import_gias(
        by=None, data=data, filename="bench.csv", skip_invalid=False, national=True
    )


def run() -> Iterator[str]:
    small, large = _file(5_000, first_urn=200_000), _file(50_000, first_urn=300_000)
    parse_large = _timed(lambda: gias.parse(large))
    first_small = _timed(lambda: _import(small))
    first_large, first = _timed_result(lambda: _import(large))
    repeat_large, again = _timed_result(lambda: _import(large))
    imported = Organisation.objects.filter(urn__gte=200_000).count()
    if imported != 55_000:
        raise RuntimeError(f"Expected 55,000 organisations imported, found {imported}.")
    if (first.created, again.unchanged) != (50_000, 50_000):
        raise RuntimeError(
            f"Expected 50,000 created then 50,000 unchanged; got {first.created} created, "
            f"then {again.unchanged} unchanged."
        )
    yield f"GIAS import ({connection.vendor})"
    yield f"  5,000 rows, first import      {first_small:8.2f} s"
    yield f"  50,000 rows, first import     {first_large:8.2f} s"
    yield f"  50,000 rows, repeat import    {repeat_large:8.2f} s"
    yield f"  50,000 rows, read and check   {parse_large:8.2f} s"
    yield f"  scaling 50k / 5k              {first_large / first_small:8.1f} x  (10 = linear)"
    yield f"  repeat / first                {repeat_large / first_large:8.2f}"
    yield f"  reading share of first import {parse_large / first_large:8.0%}"
