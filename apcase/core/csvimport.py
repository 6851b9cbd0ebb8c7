"""What every CSV import shares: reading the bytes as text, the header check, rows
read with their line numbers, and an all-or-nothing import's refusal (`RowsRefused`,
each problem a `RowError`). The GIAS import (apcase.directory.gias), the MIS import
(apcase.pupils.mis_import) and the mark import (apcase.monitoring.mark_import) build on
it; each reports `BadFile` in its own words.

Bad bytes are refused, never replaced: a file is read as UTF-8 (with or without its
byte-order mark), else as Windows-1252 (older MIS exports, and GIAS, publish it); a
byte Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90, 0x9D) means the file is
neither, and it is refused with its line and the byte. A NUL character (a UTF-16 file
without its byte-order mark, a spreadsheet, a binary file; PostgreSQL refuses NUL in
text) is refused with its line too. UTF-16 with a byte-order mark is read where the
importer allows it.

What stays with each importer is what its file means: the columns it needs, the row
checks, and how a file with problems is applied (the MIS import applies all or nothing;
the GIAS import may skip invalid rows when the person importing asks it to).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import ValidationFailed

SAVE_AS = "Save it as CSV UTF-8 and try again."
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class BadFile(ValidationFailed):
    """The file as a whole cannot be read; `line` is where (1 for the file itself)."""

    def __init__(self, message: str, *, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class RowError:
    """One problem of a file: its line, its column ("" for the line or the file as a
    whole) and what is wrong."""

    line: int
    column: str
    message: str


class RowsRefused(ValidationFailed):
    """An all-or-nothing import found problems in the file and imported nothing.
    `problems` lists them (the first only, where the importer lists at most so many) and
    `total` counts them all."""

    def __init__(self, problems: list[RowError], total: int | None = None):
        total = len(problems) if total is None else total
        noun = "problem" if total == 1 else "problems"
        super().__init__(f"The file has {total:,} {noun}. Nothing has been imported.")
        self.problems = problems
        self.total = total


def _line_of(data: bytes, index: int) -> int:
    return data[:index].count(b"\n") + 1


def decode(data: bytes, *, utf16: bool, advice: str = SAVE_AS) -> str:
    """The file's text: UTF-16 (when `utf16` allows it and the file starts with its
    byte-order mark), UTF-8 (with or without its mark) or Windows-1252. BadFile, with
    the line, for NUL characters and for bytes none of those define."""
    if utf16 and data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise BadFile(f"The file is not readable text. {advice}") from None
        return refuse_nul(text, advice=advice)
    if b"\x00" in data:
        raise BadFile(_nul_message(advice), line=_line_of(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = _line_of(data, error.start)
        raise BadFile(
            f"The file cannot be read: line {line} has a byte (0x{data[error.start]:02X}) "
            f"that is neither UTF-8 nor Windows-1252 text. {advice}",
            line=line,
        ) from error


def _nul_message(advice: str) -> str:
    return (
        "The file contains NUL characters, so it is not CSV text as saved: it is UTF-16 "
        f"or binary (a spreadsheet, for example). {advice}"
    )


def refuse_nul(text: str, *, advice: str = SAVE_AS) -> str:
    """`text`, unless it holds a NUL character (PostgreSQL refuses NUL in text)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BadFile(_nul_message(advice), line=line)
    return text


def reader(text: str) -> Any:
    return csv.reader(io.StringIO(text, newline=""))


def records(rows: Any, *, too_long: str = "A cell is too long.") -> Iterator[list[str]]:
    """`rows` (a csv.reader) one record at a time; a line that is not CSV is BadFile
    with its number (`rows.line_num` is the line of the record just read)."""
    try:
        yield from rows
    except csv.Error as error:
        message = str(error)
        if "field larger than field limit" in message:
            message = too_long
        else:
            message = f"This line cannot be read as CSV ({message})."
        raise BadFile(message, line=rows.line_num) from None


def header_key(column: str) -> str:
    """A header cell as compared: no byte-order mark, spaces collapsed, any case."""
    return " ".join(column.replace("\ufeff", "").split()).casefold()


def missing_columns(
    header: Iterable[str], required: Iterable[str], *, key: Callable[[str], str] = header_key
) -> list[str]:
    """The required columns the header lacks, in the order required."""
    present = {key(h) for h in header}
    return [column for column in required if key(column) not in present]


def duplicate_columns(
    header: Iterable[str], *, key: Callable[[str], str] = header_key
) -> list[str]:
    """The columns the header names more than once (as compared by `key`), sorted."""
    seen = [key(h) for h in header if h.strip()]
    return sorted({h for h in seen if seen.count(h) > 1})
