"""Spreadsheet downloads: every list a user can see, as CSV or as XLSX, written here.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel,
LibreOffice and Google Sheets as a formula, so a pupil's name typed as
`=HYPERLINK(...)` would run when a colleague opens the export ("CSV injection").
Every text cell, in both formats, is passed through `safe_cell`, which prefixes such
cells with a single quote so they are shown as text. Numbers, dates and booleans are
written as themselves. The XLSX writer is openpyxl (docs/adr/0009-xlsx-with-openpyxl.md);
every cell is written as a value, never as a formula.

The rows come from the same scoped selector as the page that links to the download:
a view builds one `Sheet` and answers with `download(fmt, sheet)`."""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from io import BytesIO
from typing import Any, TypeVar

from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

R = TypeVar("R", bound=HttpResponseBase)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters an XLSX file may not hold (openpyxl refuses them); a pasted
# character of this kind becomes a space rather than a failed download.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Sheet:
    """One list as a download: its file name (without the extension), the column
    headings and the rows, in the page's order."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def safe_cell(value: Any) -> Any:
    """The value as it should be written to a cell of either format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes") if value.tzinfo else value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _attachment(response: R, filename: str) -> R:
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Line:
    """What csv.writer writes to: it hands each formatted line straight back."""

    def write(self, line: str) -> str:
        return line


# Rows sent together in one piece of a streamed CSV: each piece costs the response a
# conversion to bytes, so a piece per row cost a whole authority's export as much as
# writing its rows; a few hundred rows are still a few tens of kilobytes.
CSV_ROWS_PER_PIECE = 200


def _safe_row(row: Sequence[Any], zone: tzinfo) -> list[Any]:
    """The row's cells as `safe_cell` writes them, with the common kinds done here:
    plain text that starts no formula as it is, a date, and a moment in `zone` (the
    current time zone, read once per download rather than once per cell)."""
    cells = []
    for cell in row:
        kind = type(cell)
        if kind is str and not cell.startswith(FORMULA_STARTS):
            cells.append(cell)
        elif kind is date:
            cells.append(cell.isoformat())
        elif kind is datetime and cell.tzinfo is not None:
            cells.append(cell.astimezone(zone).isoformat(timespec="minutes"))
        else:
            cells.append(safe_cell(cell))
    return cells


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text piece by piece: the byte-order mark, the header, then the rows,
    `CSV_ROWS_PER_PIECE` at a time, every cell made safe."""
    writer = csv.writer(_Line())
    zone = timezone.get_current_timezone()
    yield "\ufeff"
    yield writer.writerow(_safe_row(header, zone))
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(_safe_row(row, zone)))
        if len(lines) == CSV_ROWS_PER_PIECE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads accents), every cell
    made safe, never cached. Streamed: rows are sent as soon as a piece of them is
    written, so an export of a whole authority's pupils never sits in memory as one
    page, and the first bytes leave at once (pass `rows` as a generator to read them
    lazily too)."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, filename)


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    value = safe_cell(value)
    if isinstance(value, str):
        value = _NOT_IN_XLSX.sub(" ", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even where openpyxl would guess a formula
    return cell


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook: one sheet, the header in the first row, every cell made safe."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append([_xlsx_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An XLSX download, every cell made safe, never cached."""
    return _attachment(HttpResponse(xlsx_bytes(header, rows), content_type=XLSX_TYPE), filename)


def download(fmt: str, sheet: Sheet) -> HttpResponseBase:
    """The sheet in the format asked for (a format not offered is not found)."""
    if fmt == CSV:
        return csv_response(f"{sheet.name}.csv", sheet.header, sheet.rows)
    if fmt == XLSX:
        return xlsx_response(f"{sheet.name}.xlsx", sheet.header, sheet.rows)
    raise Http404("No such format.")


def download_paths(route: str, view: Any, *, csv_name: str, xlsx_name: str) -> list[Any]:
    """The two URLs of one list's download, `<route>.csv` and `<route>.xlsx`; the view
    takes the format as `fmt`."""
    from django.urls import path

    return [
        path(f"{route}.csv", view, {"fmt": CSV}, name=csv_name),
        path(f"{route}.xlsx", view, {"fmt": XLSX}, name=xlsx_name),
    ]
