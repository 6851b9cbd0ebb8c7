import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from apcase.core.spreadsheets import csv_response, safe_cell


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


def test_a_csv_download_is_streamed_row_by_row_from_a_lazy_source():
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield [f"=SUM({n})", n]

    response = csv_response("big.csv", ["Formula", "n"], rows())
    assert response.streaming
    assert read == []  # nothing is read before the download is sent
    chunks = [chunk.decode("utf-8") for chunk in response.streaming_content]
    assert chunks[0] == "\ufeff"
    assert chunks[1:] == ["Formula,n\r\n", "'=SUM(0),0\r\n", "'=SUM(1),1\r\n", "'=SUM(2),2\r\n"]
    assert read == [0, 1, 2]


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
