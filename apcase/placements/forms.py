from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from apcase.accounts.models import User
from apcase.directory.selectors import active_sites_of

from .models import PlacementAgreement, PlacementSession

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
        **kwargs,
    )


class _Form(forms.Form):
    submit_label = "Save"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class PlanForm(_Form):
    submit_label = "Save the plan"
    site = forms.ChoiceField(label="Site where the pupil is taught", required=False)
    planned_end_date = _date("Planned end date")
    named_staff_member = forms.ModelChoiceField(
        label="Named member of staff",
        queryset=User.objects.none(),
        help_text="Supports the pupil, visits the provider and follows up absence the same day.",
    )
    transport = forms.CharField(
        label="Transport", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    funding = forms.CharField(
        label="Funding and cost", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    dual_registered = forms.TypedChoiceField(
        label="Is the pupil dual registered at the provider?",
        choices=[
            ("no", "No"),
            ("yes", "Yes – the provider is a PRU or AP academy where the pupil is also registered"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, placement: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = [s.name for s in active_sites_of(placement.provider)]
        if placement.site and placement.site not in sites:
            sites.insert(0, placement.site)
        self.fields["site"].choices = [("", "Main site / not given"), *[(s, s) for s in sites]]  # type: ignore[attr-defined]
        self.fields["named_staff_member"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__organisation=placement.pupil.school, memberships__is_active=True
            )
            .distinct()
            .order_by("full_name")
        )


class TimetableForm(_Form):
    submit_label = "Save the timetable"
    sessions = forms.MultipleChoiceField(
        label="Half-days at the provider (the rest of the week is at school)",
        choices=[
            (f"{day}-{s}", f"{day_label} {s_label.lower()}")
            for day, day_label in PlacementSession.Weekday.choices
            for s, s_label in PlacementSession.Session.choices
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def chosen(self) -> set[tuple[int, str]]:
        return {(int(v.split("-")[0]), v.split("-")[1]) for v in self.cleaned_data["sessions"]}


class ObjectiveForm(_Form):
    submit_label = "Add the objective"
    what = forms.CharField(label="Objective", widget=forms.Textarea(attrs={"rows": 2}))
    baseline = forms.CharField(
        label="Baseline: where the child is now", widget=forms.Textarea(attrs={"rows": 2})
    )
    target = forms.CharField(label="Target", widget=forms.Textarea(attrs={"rows": 2}))
    measured_by = forms.CharField(
        label="How it is measured", widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(_Form):
    submit_label = "Record the agreement"
    party = forms.ChoiceField(
        label="Who agreed", choices=PlacementAgreement.Party.choices, widget=forms.RadioSelect
    )
    agreed_by_name = forms.CharField(label="Name of the person who agreed", max_length=150)
    agreed_on = _date("Date they agreed")
