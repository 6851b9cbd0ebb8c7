from typing import Any

from django import forms

from apcase.accounts.models import User
from apcase.accounts.selectors import staff_of
from apcase.core.forms import GovDateField, SimpleForm
from apcase.pupils.models import Carer, Pupil

from . import rules
from .models import AgreedHow, ReviewPoint

SESSION_CHOICES = [(key, rules.session_label(key)) for key in rules.SESSIONS]


def _text(label: str, *, required: bool = False, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class PlanForm(SimpleForm):
    submit_label = "Save the plan"
    named_adult = forms.ModelChoiceField(
        label="Named adult at the home school",
        queryset=User.objects.none(),
        help_text="Supports the child's return day to day.",
    )
    start_date = GovDateField(label="Start date", help_text="For example, 4 1 2027.")
    target_full_time_date = GovDateField(
        label="Target date to be back at school full time", help_text="After the start date."
    )
    support_strategies = _text("Support strategies")
    success_measures = _text("What will show it is working")

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_adult"].queryset = staff_of(pupil.school)  # type: ignore[attr-defined]


class PhaseForm(SimpleForm):
    submit_label = "Add the phase"
    from_week = forms.IntegerField(
        label="From week",
        min_value=1,
        max_value=104,
        help_text="Week 1 starts on the plan's start date.",
    )
    to_week = forms.IntegerField(label="To week", min_value=1, max_value=104)
    at_school = forms.MultipleChoiceField(
        label="Sessions at the home school each week",
        choices=SESSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    at_provider = forms.MultipleChoiceField(
        label="Sessions at the provider each week",
        choices=SESSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A session at neither is recorded as C2 (part-time timetable).",
    )


class AgreementForm(SimpleForm):
    submit_label = "Record the agreement"
    agreed_by = forms.ModelChoiceField(
        label="Parent or carer who agreed",
        queryset=Carer.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    agreed_on = GovDateField(label="Date they agreed")
    agreed_how = forms.ChoiceField(
        label="How they agreed", choices=AgreedHow.choices, widget=forms.RadioSelect
    )
    agreed_times = _text(
        "Agreed times and dates",
        help_text="For example: Monday to Wednesday 8:50 to 12:00 at school, from 4 January.",
    )
    part_time_ends_on = GovDateField(label="End date of the part-time timetable")

    def __init__(self, *args: Any, pupil: Pupil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreed_by"]
        field.queryset = pupil.carers.all()  # type: ignore[attr-defined]
        field.label_from_instance = lambda carer: (  # type: ignore[attr-defined]
            f"{carer.name} ({carer.relationship}"
            + (
                ", lives with the pupil)"
                if carer.lives_with_pupil
                else ", does not live with the pupil)"
            )
        )


class ReviewPointForm(SimpleForm):
    submit_label = "Add the review date"
    date = GovDateField(label="Review date")


class ProgressForm(SimpleForm):
    submit_label = "Record the progress"
    progress = forms.ChoiceField(
        label="Progress against the plan",
        choices=ReviewPoint.Progress.choices,
        widget=forms.RadioSelect,
    )
    note = _text("What the review found", required=True)


class CompleteForm(SimpleForm):
    submit_label = "Complete the plan and end the placement"
    last_day = GovDateField(label="Last day at the provider", help_text="Today or in the past.")
    decided_by = forms.CharField(
        label="Who decided the child is back full time",
        max_length=200,
        help_text="For example, the review meeting with the family and provider on 20 November.",
    )


class WithdrawForm(SimpleForm):
    submit_label = "Withdraw the plan"
    reason = _text("Why the plan is withdrawn", required=True)
