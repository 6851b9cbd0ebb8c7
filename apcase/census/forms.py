import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from apcase.core.forms import GovDateField, GovukFormHelper, SimpleForm, date_field
from apcase.reference.census import APPlacementReason, CensusTerm

from .dates import Census


class CensusForm(forms.Form):
    """Which census: its term, census day and collection period (the DfE's usual dates
    are filled in; the census guide of the year has the published ones). Read from the
    query string."""

    term = forms.ChoiceField(label="Census", choices=CensusTerm.choices, widget=forms.RadioSelect)
    census_day = GovDateField(label="Census day", help_text="For example, 1 10 2026.")
    period_start = GovDateField(
        label="Collection period starts", error_name="The start of the collection period"
    )
    period_end = GovDateField(
        label="Collection period ends", error_name="The end of the collection period"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.radios("term", inline=True),
            date_field("census_day"),
            date_field("period_start"),
            date_field("period_end"),
            Submit("show", "Show the return", css_class="govuk-button--secondary"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("period_start")
        end: datetime.date | None = data.get("period_end")
        day: datetime.date | None = data.get("census_day")
        if start and end and start > end:
            self.add_error("period_end", "The collection period must end on or after it starts.")
        elif start and day and day < start:
            self.add_error("census_day", "Census day must be on or after the period starts.")
        return data

    def census(self) -> Census:
        data = self.cleaned_data
        return Census(data["term"], data["census_day"], data["period_start"], data["period_end"])


def census_initial(census: Census) -> dict[str, Any]:
    return {
        "term": census.term,
        "census_day": census.census_day,
        "period_start": census.period_start,
        "period_end": census.period_end,
    }


class PlacementCensusForm(SimpleForm):
    submit_label = "Save the census details"

    reason = forms.ChoiceField(
        label="Primary reason for placement",
        help_text="Why the placement was commissioned, not what the pupil needs: for a "
        "pupil permanently excluded who also has a health need, the exclusion.",
        choices=APPlacementReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the primary reason for placement"},
    )
    left_roll_on = GovDateField(
        label="Date the pupil left the school's roll",
        required=False,
        help_text="Leave blank while the pupil is on the roll. For example, 20 3 2027.",
    )
