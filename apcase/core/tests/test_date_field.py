"""The project's one date field (core.forms.GovDateField): the GOV.UK Design System date
input's error messages, naming the date by its label, and the error style on the box or
boxes at fault."""

import datetime
import re

import pytest
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.template import Context, Template
from django.utils import timezone

from apcase.core.forms import GovDateField, SimpleForm, date_field

THIS_YEAR = timezone.localdate().year


class BirthForm(SimpleForm):
    date_of_birth = GovDateField(label="Date of birth")
    ended_on = GovDateField(label="End date (leave blank if it is still going on)", required=False)


def typed(day: str, month: str, year: str, name: str = "date_of_birth") -> dict[str, str]:
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def errors_for(day: str, month: str, year: str) -> list[str]:
    form = BirthForm(typed(day, month, year))
    assert not form.is_valid()
    return form.errors["date_of_birth"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of birth"),
        ("3", "", str(THIS_YEAR), "Date of birth must include a month"),
        ("", "4", str(THIS_YEAR), "Date of birth must include a day"),
        ("3", "4", "", "Date of birth must include a year"),
        ("", "", str(THIS_YEAR), "Date of birth must include a day and month"),
        ("3", "", "", "Date of birth must include a month and year"),
        ("", "4", "", "Date of birth must include a day and year"),
        (" ", " ", str(THIS_YEAR), "Date of birth must include a day and month"),
        ("31", "2", str(THIS_YEAR), "Date of birth must be a real date"),
        ("29", "2", "2023", "Date of birth must be a real date"),
        ("1", "13", str(THIS_YEAR), "Date of birth must be a real date"),
        ("0", "4", str(THIS_YEAR), "Date of birth must be a real date"),
        ("first", "4", str(THIS_YEAR), "Date of birth must be a real date"),
        ("3", "April", str(THIS_YEAR), "Date of birth must be a real date"),
        ("3", "4", "twenty", "Date of birth must be a real date"),
        ("١", "4", str(THIS_YEAR), "Date of birth must be a real date"),
        ("99999999999999999999", "1", str(THIS_YEAR), "Date of birth must be a real date"),
        ("1", "1", "0001", "Date of birth must be a real date"),
        ("3", "4", "26", "Date of birth year must include 4 numbers"),
        ("3", "4", "202", "Date of birth year must include 4 numbers"),
        ("3", "4", "20266", "Date of birth year must include 4 numbers"),
    ],
)
def test_each_fault_gets_the_gov_uk_message_naming_the_date(day, month, year, message):
    assert errors_for(day, month, year) == [message]


def test_a_real_date_is_read_whatever_the_leading_zeros_and_spaces():
    form = BirthForm(typed(" 03", "04 ", "2016"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2016, 4, 3)
    assert form.cleaned_data["ended_on"] is None


def test_29_february_is_a_real_date_in_a_leap_year():
    form = BirthForm(typed("29", "2", "2024"))
    assert form.is_valid(), form.errors


def test_an_optional_date_is_named_without_its_bracketed_aside():
    form = BirthForm({**typed("3", "4", "2016"), **typed("3", "", "2026", "ended_on")})
    assert form.errors["ended_on"] == ["End date must include a month"]


def test_a_date_whose_label_is_a_question_is_named_by_its_error_name():
    class Views(forms.Form):
        gathered_on = GovDateField(
            label="When were their views gathered?", error_name="The date their views were gathered"
        )

    assert Views({}).errors["gathered_on"] == ["Enter the date their views were gathered"]
    refused = Views(typed("3", "", "2026", "gathered_on"))
    assert refused.errors["gathered_on"] == [
        "The date their views were gathered must include a month"
    ]


def test_an_optional_date_left_empty_is_none_and_a_partial_one_is_refused():
    class Optional(forms.Form):
        since = GovDateField(label="From", error_name="The from date", required=False)

    assert Optional(typed("", "", "", "since")).is_valid()
    assert Optional(typed("", "", "2026", "since")).errors["since"] == [
        "The from date must include a day and month"
    ]


def rendered(data: dict[str, str]) -> str:
    form = BirthForm(data)
    form.is_valid()
    form.helper = FormHelper()
    form.helper.layout = Layout(date_field("date_of_birth"))
    page = "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    return Template(page).render(Context({"form": form}))


def styled_boxes(html: str) -> set[str]:
    """The names of the date's boxes that carry GOV.UK's error style."""
    return {
        name
        for tag in re.findall(r"<input[^>]*>", html)
        if "govuk-input--error" in tag
        for name in re.findall(r'name="(date_of_birth_\d)"', tag)
    }


@pytest.mark.parametrize(
    ("data", "boxes"),
    [
        (typed("3", "", "2016"), {"date_of_birth_1"}),
        (typed("", "", "2016"), {"date_of_birth_0", "date_of_birth_1"}),
        (typed("31", "2", "2016"), {"date_of_birth_0"}),
        (typed("3", "13", "2016"), {"date_of_birth_1"}),
        (typed("x", "4", "2016"), {"date_of_birth_0"}),
        (typed("3", "4", "16"), {"date_of_birth_2"}),
        # Nothing entered, or more than one box wrong: the date as a whole.
        (typed("", "", ""), {"date_of_birth_0", "date_of_birth_1", "date_of_birth_2"}),
        (typed("x", "y", "2016"), {"date_of_birth_0", "date_of_birth_1", "date_of_birth_2"}),
    ],
)
def test_the_box_at_fault_carries_the_error_style(data, boxes):
    html = rendered(data)
    assert "govuk-form-group--error" in html
    assert styled_boxes(html) == boxes


def test_the_error_summary_lists_a_message_once_linked_to_the_first_box_at_fault():
    html = rendered(typed("", "", "2016"))
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.count("Date of birth must include a day and month") == 1
    assert 'href="#id_date_of_birth_0"' in summary


def test_a_valid_date_shows_no_error_style():
    html = rendered(typed("3", "4", "2016"))
    assert "govuk-input--error" not in html
    assert "govuk-error-summary" not in html
