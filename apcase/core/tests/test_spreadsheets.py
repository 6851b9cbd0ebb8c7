import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from apcase.core.spreadsheets import CSV_ROWS_PER_PIECE, csv_lines, csv_response, safe_cell


@pytest.mark.parametrize(
    "raw", ["=1+1", "+44 7700 900123", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_prefixed_with_a_quote(raw):
    assert safe_cell(raw) == "'" + raw


def test_ordinary_text_numbers_dates_and_flags_are_written_as_themselves():
    assert safe_cell("Amelia Hart") == "Amelia Hart"
    assert safe_cell(-2) == -2
    assert safe_cell(Decimal("1.5")) == Decimal("1.5")
    assert safe_cell(date(2026, 9, 2)) == "2026-09-02"
    assert safe_cell(True) == "Yes"
    assert safe_cell(None) == ""


def test_a_csv_download_is_an_uncached_attachment_with_every_cell_made_safe():
    response = csv_response("pupils.csv", ["Name", "Note"], [["=cmd|' /C calc'!A0", "ok"]])
    assert response["Content-Disposition"] == 'attachment; filename="pupils.csv"'
    assert "no-store" in response["Cache-Control"]
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Note"], ["'=cmd|' /C calc'!A0", "ok"]]


def test_a_csv_download_is_streamed_a_piece_at_a_time_from_a_lazy_source():
    read = []
    count = 2 * CSV_ROWS_PER_PIECE + 3

    def rows():
        for n in range(count):
            read.append(n)
            yield [f"=SUM({n})", n]

    response = csv_response("big.csv", ["Formula", "n"], rows())
    assert response.streaming
    assert read == []  # nothing is read before the download is sent
    pieces = iter(response.streaming_content)
    assert next(pieces).decode("utf-8") == "\ufeff"
    assert next(pieces).decode("utf-8") == "Formula,n\r\n"
    first = next(pieces).decode("utf-8")
    assert len(read) == CSV_ROWS_PER_PIECE  # sent before the rest is read
    assert first.startswith("'=SUM(0),0\r\n'=SUM(1),1\r\n")
    rest = [piece.decode("utf-8") for piece in pieces]
    assert [len(p.splitlines()) for p in [first, *rest]] == [CSV_ROWS_PER_PIECE] * 2 + [3]
    assert "".join([first, *rest]).splitlines() == [f"'=SUM({n}),{n}" for n in range(count)]
    assert read == list(range(count))


def test_a_download_name_cannot_break_out_of_its_header():
    response = csv_response('a"; b.csv', ["x"], [])
    assert response["Content-Disposition"] == 'attachment; filename="ab.csv"'


LEADING = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("start", LEADING)
def test_each_formula_start_is_neutralised_in_the_csv_download(start):
    from apcase.core.spreadsheets import Sheet, download

    response = download("csv", Sheet("list", ["Name"], [[f"{start}SUM(A1)"], ["Plain"]]))
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [f"'{start}SUM(A1)"]
    assert rows[2] == ["Plain"]


@pytest.mark.parametrize("start", LEADING)
def test_each_formula_start_is_neutralised_in_the_xlsx_download(start):
    from openpyxl import load_workbook

    from apcase.core.spreadsheets import XLSX_TYPE, Sheet, download

    response = download("xlsx", Sheet("list", [f"{start}Head"], [[f"{start}SUM(A1)", 3]]))
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="list.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    # XML turns a carriage return into a line feed when the file is read back.
    cells = [
        [v.replace("\n", "\r") if isinstance(v, str) and start == "\r" else v for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == [[f"'{start}Head", None], [f"'{start}SUM(A1)", 3]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_control_character_an_xlsx_cannot_hold_becomes_a_space_not_an_error():
    from openpyxl import load_workbook

    from apcase.core.spreadsheets import Sheet, download

    response = download("xlsx", Sheet("list", ["Name"], [["Sam\x07Example"]]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Sam Example"


def test_a_format_not_offered_is_not_found():
    from django.http import Http404

    from apcase.core.spreadsheets import Sheet, download

    with pytest.raises(Http404):
        download("ods", Sheet("list", ["Name"], []))


# Moments a record can hold (the extremes of datetime cannot move into another zone).
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2200, 1, 1)
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(LEADING).flatmap(lambda start: st.text().map(lambda t: start + t)),
    st.dates(),
    st.datetimes(EARLIEST, LATEST, timezones=st.sampled_from([UTC, ZoneInfo("Europe/London")])),
    st.datetimes(EARLIEST, LATEST),
)


@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=5))
@settings(max_examples=200, deadline=None)
def test_every_cell_of_a_csv_download_is_written_as_safe_cell_writes_it(rows):
    """The download writes its common cells (text, dates, moments) without asking
    safe_cell each time: every kind of cell still comes out as safe_cell has it."""
    with timezone.override("Europe/London"):
        text = "".join(csv_lines(["Head"], rows))
        expected = io.StringIO(newline="")
        csv.writer(expected).writerows([["Head"], *[[safe_cell(c) for c in r] for r in rows]])
    assert text == "\ufeff" + expected.getvalue()
