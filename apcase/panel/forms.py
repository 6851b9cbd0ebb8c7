import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms

from apcase.accounts.models import Organisation, User
from apcase.core.forms import (
    GovDateField,
    GovukFormHelper,
    ModelMultipleChoiceField,
    ReasonIfChanged,
    date_field,
)
from apcase.directory.forms import ProviderChoiceField
from apcase.placements.models import Placement
from apcase.reference.attendance import Weekday
from apcase.referrals.models import Referral

from .models import InclusionPanel, PanelDecision, PanelMeeting
from .services import MeetingChange, MeetingPlace

ORDINALS = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]


class PeopleField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class _MeetingFields(forms.Form):
    panel = forms.ModelChoiceField(
        queryset=InclusionPanel.objects.none(), label="Panel", empty_label=None
    )
    start_time = forms.TimeField(
        label="Start time", initial=datetime.time(9, 30), help_text="For example, 09:30."
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online_link = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")
    chair = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Chair", required=False, empty_label="Not yet chosen"
    )
    members = PeopleField(
        queryset=User.objects.none(),
        label="Members",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, panels: Any, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["chair"].label_from_instance = lambda u: u.full_name or u.email  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("venue") and not data.get("online_link"):
            self.add_error("venue", "Enter a venue or an online meeting link.")
        return data

    def place_values(self) -> dict[str, Any]:
        """The panel, and where, when and with whom it meets, as the scheduling
        services take them."""
        data = self.cleaned_data
        place = MeetingPlace(
            start_time=data["start_time"],
            venue=data["venue"],
            online_link=data["online_link"],
            chair=data["chair"],
            members=tuple(data["members"]),
        )
        return {"panel": data["panel"], "place": place}

    def place_fields(self) -> list[Any]:
        return [
            Field.text("start_time", field_width=5),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.text("online_link", field_width=Fluid.TWO_THIRDS),
            Field.select("chair"),
            Field.checkboxes("members", legend_size=Size.SMALL),
        ]


class MeetingForm(_MeetingFields):
    date = GovDateField(label="Date", help_text="For example, 8 12 2026.")
    is_extra = forms.BooleanField(
        label="This is an extra meeting outside the monthly series", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.select("panel"),
            date_field("date"),
            *self.place_fields(),
            Field.checkbox("is_extra"),
            Submit("submit", "Schedule meeting"),
        )

    def meeting_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**self.place_values(), "date": data["date"], "is_extra": data["is_extra"]}


class SeriesForm(_MeetingFields):
    nth = forms.TypedChoiceField(label="Which week", choices=ORDINALS, coerce=int)
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY
    )
    first_month = GovDateField(
        label="Start from the month of",
        error_name="The first month",
        help_text="Any day in the first month, for example 1 1 2027.",
    )
    count = forms.IntegerField(
        label="Number of monthly meetings", min_value=1, max_value=12, initial=6
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.select("panel"),
            Field.select("nth"),
            Field.select("weekday"),
            date_field("first_month"),
            Field.text("count", field_width=3),
            *self.place_fields(),
            Submit("submit", "Schedule monthly meetings"),
        )

    def series_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        series = ("first_month", "count", "weekday", "nth")
        return {**self.place_values(), **{name: data[name] for name in series}}


class DeclarationForm(forms.Form):
    referral = forms.ModelChoiceField(
        queryset=Referral.objects.none(),
        label="Which agenda item is it about? (optional)",
        required=False,
        empty_label="The meeting as a whole",
    )
    interest = forms.CharField(
        label="Describe the interest", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals  # type: ignore[attr-defined]
        field: Any = self.fields["referral"]
        field.label_from_instance = lambda r: f"Referral for {r.pupil.display_name}"
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.select("referral"),
            Field.textarea("interest", rows=3),
            Submit("submit", "Record declaration"),
        )


class DecisionForm(forms.Form):
    members_present = PeopleField(
        queryset=User.objects.none(),
        label="Members present",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the members present."},
    )
    outcome = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons for the decision",
        help_text="In plain English: these are quoted in the letters to the school and family.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reasons for the decision."},
    )
    conditions = forms.CharField(
        label="Conditions (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, members: Any, outcomes: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].queryset = members  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (value, PanelDecision.Outcome(value).label) for value in outcomes
        ]
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(*self.layout_items(), Submit("submit", "Record decision"))

    def layout_items(self) -> list[Any]:
        return [
            Field.checkboxes("members_present", legend_size=Size.MEDIUM),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("reasons"),
            Field.textarea("conditions", rows=3),
        ]


class ReferralDecisionForm(DecisionForm):
    provider = ProviderChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        required=False,
        empty_label="Choose a provider",
    )
    provider_acceptance_reason = forms.CharField(
        label="If the provider is not assured: why the panel accepts it",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    site = forms.CharField(label="Site", max_length=200, required=False)
    proposed_start_date = GovDateField(label="Proposed start date", required=False)
    sessions_per_week = forms.IntegerField(
        label="Sessions per week",
        min_value=1,
        max_value=10,
        required=False,
        help_text="From 1 to 10.",
    )
    first_review_date = GovDateField(label="First review date", required=False)
    commissioned_by = forms.ChoiceField(
        label="Who commissions the placement?",
        choices=[
            ("school", "The school – it applied under its AP policy and stays the commissioner"),
            ("la", "The local authority"),
        ],
        initial="school",
        required=False,
        widget=forms.RadioSelect,
    )
    commissioning_power = forms.ChoiceField(
        label="Under which power?",
        choices=Placement.CommissioningPower.choices,
        initial=Placement.CommissioningPower.SCHOOL_ARRANGED,
        required=False,
        widget=forms.RadioSelect,
        help_text="Decides the home school's attendance code: B when the school "
        "commissions, K when the local authority does.",
    )

    def __init__(self, *args: Any, providers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Unanswered, the school commissions (the default), under the usual power of
        whoever commissions; a power that does not fit is refused by the service."""
        from apcase.placements.plan import DEFAULT_POWER

        data = super().clean() or {}
        data["commissioned_by"] = data.get("commissioned_by") or "school"
        data["commissioning_power"] = data.get("commissioning_power") or DEFAULT_POWER.get(
            data["commissioned_by"], ""
        )
        return data

    def layout_items(self) -> list[Any]:
        items = super().layout_items()
        items.insert(
            3,
            Fieldset(
                Field.select("provider"),
                Field.textarea("provider_acceptance_reason", rows=3),
                Field.text("site", field_width=Fluid.TWO_THIRDS),
                date_field("proposed_start_date"),
                Field.text("sessions_per_week", field_width=3),
                date_field("first_review_date"),
                Field.radios("commissioned_by", legend_size=Size.SMALL),
                Field.radios("commissioning_power", legend_size=Size.SMALL),
                legend="If approved",
                legend_size=Size.MEDIUM,
            ),
        )
        return items


REASON_HELP = "Say it plainly: the schools with items on the agenda are told."


def _reason_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason."},
        required=required,
    )


class MeetingEditForm(ReasonIfChanged):
    date = GovDateField(label="Date", help_text="For example, 8 12 2026.")
    start_time = forms.TimeField(label="Start time", help_text="For example, 09:30.")
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online_link = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")
    reason = _reason_field("Why are the details changing?", required=False)

    def __init__(self, *args: Any, meeting: PanelMeeting, **kwargs: Any):
        kwargs["initial"] = {
            "date": meeting.date,
            "start_time": meeting.start_time,
            "venue": meeting.venue,
            "online_link": meeting.online_link,
        }
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            date_field("date"),
            Field.text("start_time", field_width=5),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.text("online_link", field_width=Fluid.TWO_THIRDS),
            Field.textarea("reason", rows=3),
            Submit("submit", "Save changes"),
        )

    def change(self) -> MeetingChange:
        data = self.cleaned_data
        return MeetingChange(
            date=data["date"],
            start_time=data["start_time"],
            venue=data["venue"],
            online_link=data["online_link"],
            reason=data["reason"],
        )


class PostponeForm(forms.Form):
    date = GovDateField(label="New date", help_text="For example, 15 12 2026.")
    reason = _reason_field("Why is the meeting postponed?")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            date_field("date"),
            Field.textarea("reason", rows=3),
            Submit("submit", "Postpone meeting"),
        )


class CancelForm(forms.Form):
    reason = _reason_field("Why is the meeting cancelled?")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", rows=3),
            Submit("submit", "Cancel meeting", css_class="govuk-button--warning"),
        )
