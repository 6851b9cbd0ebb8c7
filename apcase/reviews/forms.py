from typing import Any

from django import forms

from apcase.core.forms import (
    GovDateField,
    ModelMultipleChoiceField,
    SimpleForm,
    YesNoField,
    date_field,
)
from apcase.placements.models import Placement, PlacementObjective
from apcase.pupils.models import Carer

from .models import Decision, Progress, ReviewRequest
from .services import ENDING_DESTINATIONS, ObjectiveFinding, ReviewRecord

TEXT = {"rows": 3}


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs=TEXT),
    )


def _add_objective_fields(form: forms.Form, objectives: list[PlacementObjective]) -> None:
    """A progress question and its evidence for each of the placement's objectives."""
    for objective in objectives:
        form.fields[f"progress_{objective.pk}"] = forms.ChoiceField(
            label=f"Objective: {objective.what}",
            help_text=f"Target: {objective.target}",
            choices=Progress.choices,
            widget=forms.RadioSelect,
        )
        form.fields[f"evidence_{objective.pk}"] = _text(f"Evidence for “{objective.what}”")


def _findings(
    data: dict[str, Any], objectives: list[PlacementObjective]
) -> dict[int, ObjectiveFinding]:
    return {
        o.pk: ObjectiveFinding(
            progress=data.get(f"progress_{o.pk}") or "",
            evidence=data.get(f"evidence_{o.pk}") or "",
        )
        for o in objectives
    }


class ReviewForm(SimpleForm):
    submit_label = "Save the review"

    def __init__(
        self,
        *args: Any,
        placement: Placement,
        objectives: list[PlacementObjective],
        carers: Any,
        **kwargs: Any,
    ) -> None:
        self.objectives = objectives
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.clear()  # laid out again below, in the meeting's order
        fields: dict[str, forms.Field] = {
            "held_on": GovDateField(label="Date of the review"),
            "child_attended": YesNoField(
                label="Did the child attend?", if_yes="the child attended"
            ),
            "carers_attended": ModelMultipleChoiceField(
                label="Parents or carers who attended",
                queryset=carers,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            "provider_attended": YesNoField(
                label=f"Did {placement.provider} attend?", if_yes=f"{placement.provider} attended"
            ),
            "named_staff_member_attended": YesNoField(
                label="Did the named member of staff attend?",
                if_yes="the named member of staff attended",
            ),
            "others_attended": _text("Others who attended", required=False),
            "views_sent_by": _text(
                "Who sent their views without attending",
                required=False,
                help_text="For example, the educational psychologist sent a written report.",
            ),
            "child_views": _text("The child's views"),
            "parent_views": _text("The parents' or carers' views"),
        }
        self.fields.clear()
        self.fields.update(fields)
        _add_objective_fields(self, objectives)
        self.fields.update(
            {
                "discussion": _text("What was discussed and agreed", required=False),
                "decision": forms.ChoiceField(
                    label="The review's decision",
                    choices=Decision.choices,
                    widget=forms.RadioSelect,
                ),
                "decision_reason": _text(
                    "Reason for the decision",
                    required=False,
                    help_text="Required to extend or end the placement.",
                ),
                "new_end_date": GovDateField(
                    label="New end date (to extend the placement)", required=False
                ),
                "destination": forms.ChoiceField(
                    label="Where the child goes next (to end the placement)",
                    choices=[("", "Not ending")]
                    + [c for c in Placement.Destination.choices if c[0] in ENDING_DESTINATIONS],
                    required=False,
                ),
                "destination_other": forms.CharField(
                    label="If other: where the child goes", max_length=200, required=False
                ),
                "next_review_date": GovDateField(
                    label="Date of the next review",
                    required=False,
                    help_text="Required unless the placement ends.",
                ),
            }
        )
        for name, field in self.fields.items():
            self.helper.layout.fields.append(
                date_field(name) if isinstance(field, GovDateField) else name
            )

    def record(self) -> ReviewRecord:
        data = self.cleaned_data
        return ReviewRecord(
            held_on=data.get("held_on"),
            child_attended=bool(data.get("child_attended")),
            carers_attended=list(data.get("carers_attended") or []),
            provider_attended=bool(data.get("provider_attended")),
            named_staff_member_attended=bool(data.get("named_staff_member_attended")),
            others_attended=data.get("others_attended") or "",
            views_sent_by=data.get("views_sent_by") or "",
            child_views=data.get("child_views") or "",
            parent_views=data.get("parent_views") or "",
            discussion=data.get("discussion") or "",
            progress=_findings(data, self.objectives),
            decision=data.get("decision") or "",
            decision_reason=data.get("decision_reason") or "",
            new_end_date=data.get("new_end_date"),
            destination=data.get("destination") or "",
            destination_other=data.get("destination_other") or "",
            next_review_date=data.get("next_review_date"),
        )


class RequestForm(SimpleForm):
    submit_label = "Record the request"
    received_on = GovDateField(label="Date the request was received")
    carer = forms.ModelChoiceField(
        label="Which parent or carer asked", queryset=Carer.objects.none(), widget=forms.RadioSelect
    )
    how = forms.ChoiceField(
        label="How they asked in writing",
        choices=ReviewRequest.How.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, carers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].queryset = carers  # type: ignore[attr-defined]


class ProviderReportForm(SimpleForm):
    submit_label = "Send the report"

    def __init__(self, *args: Any, objectives: list[PlacementObjective], **kwargs: Any) -> None:
        self.objectives = objectives
        super().__init__(*args, **kwargs)
        self.helper.layout.fields.clear()
        self.fields.clear()
        _add_objective_fields(self, objectives)
        self.fields["attendance"] = _text("Attendance you recorded")
        self.fields["behaviour"] = _text("Behaviour")
        self.fields["child_said"] = _text("What the child said")
        self.helper.layout.fields.extend(self.fields)

    def findings(self) -> dict[int, ObjectiveFinding]:
        return _findings(self.cleaned_data, self.objectives)
