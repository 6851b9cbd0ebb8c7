import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from apcase.core.exports import csv_response, csv_safe_cell


@pytest.mark.parametrize(
    "raw", ["=1+1", "+44 7700 900123", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_prefixed_with_a_quote(raw):
    assert csv_safe_cell(raw) == "'" + raw


def test_ordinary_text_numbers_dates_and_flags_are_written_as_themselves():
    assert csv_safe_cell("Amelia Hart") == "Amelia Hart"
    assert csv_safe_cell(-2) == -2
    assert csv_safe_cell(Decimal("1.5")) == Decimal("1.5")
    assert csv_safe_cell(date(2026, 9, 2)) == "2026-09-02"
    assert csv_safe_cell(True) == "Yes"
    assert csv_safe_cell(None) == ""


def test_a_csv_download_is_an_uncached_attachment_with_every_cell_made_safe():
    response = csv_response("pupils.csv", ["Name", "Note"], [["=cmd|' /C calc'!A0", "ok"]])
    assert response["Content-Disposition"] == 'attachment; filename="pupils.csv"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Note"], ["'=cmd|' /C calc'!A0", "ok"]]


def test_a_download_name_cannot_break_out_of_its_header():
    response = csv_response('a"; b.csv', ["x"], [])
    assert response["Content-Disposition"] == 'attachment; filename="ab.csv"'
