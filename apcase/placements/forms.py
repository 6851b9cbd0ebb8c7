from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from apcase.accounts.models import User
from apcase.accounts.selectors import staff_of
from apcase.core.forms import (
    GovDateField,
    GovukFormHelper,
    ModelMultipleChoiceField,
    ReasonIfChanged,
    SimpleForm,
    YesNoField,
)
from apcase.core.uploads import lazy_upload_hint
from apcase.directory.models import Site
from apcase.directory.selectors import active_sites_of
from apcase.pupils.models import Carer
from apcase.reference.attendance import Session, Weekday

from .models import Placement, PlacementAgreement


class _Form(SimpleForm):
    pass


class PlanForm(_Form):
    submit_label = "Save the plan"
    site = forms.ChoiceField(label="Site where the pupil is taught", required=False)
    planned_end_date = GovDateField(label="Planned end date")
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
    dual_registered = YesNoField(
        label="Is the pupil dual registered at the provider?",
        if_yes="the pupil is dual registered at the provider",
        choices=[
            ("no", "No"),
            ("yes", "Yes – the provider is a PRU or AP academy where the pupil is also registered"),
        ],
    )
    dual_registration_reason = forms.CharField(
        label="If the provider is a PRU or AP academy and the pupil is not dual registered "
        "there: why not",
        help_text="A pupil placed at a pupil referral unit or AP academy is usually on both "
        "schools' registers.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    part_time_timetable = YesNoField(
        label="Is the pupil on a part-time timetable?",
        help_text="Yes if for some sessions the pupil is neither at school nor at the "
        "provider. A parent or carer the pupil lives with must then agree to the plan.",
        if_yes="the pupil is on a part-time timetable",
    )

    def __init__(self, *args: Any, placement: Placement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if placement.status == Placement.Status.ACTIVE and placement.planned_end_date:
            # A started placement's end date moves only by extending or ending it; one
            # started without an end date gets one here (the plan is refused without).
            self.fields["planned_end_date"].disabled = True
            self.fields[
                "planned_end_date"
            ].help_text = "The placement has started: to change its end date, extend or end it."
        sites = [s.name for s in active_sites_of(placement.provider)]
        if placement.site and placement.site not in sites:
            sites.insert(0, placement.site)
        self.fields["site"].choices = [("", "Main site / not given"), *[(s, s) for s in sites]]  # type: ignore[attr-defined]
        self.fields["named_staff_member"].queryset = staff_of(placement.pupil.school)  # type: ignore[attr-defined]


class TimetableForm(_Form):
    submit_label = "Save the timetable"
    sessions = forms.MultipleChoiceField(
        label="Half-days at the provider (the rest of the week is at school)",
        choices=[
            (f"{day}-{s}", f"{day_label} {s_label.lower()}")
            for day, day_label in Weekday.choices
            for s, s_label in Session.choices
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
    """The school's or a parent's or carer's agreement; the provider agrees for itself
    in its own pages, so it is not a choice here."""

    submit_label = "Record the agreement"
    party = forms.ChoiceField(
        label="Who agreed",
        choices=[
            (PlacementAgreement.Party.SCHOOL, "The school"),
            (PlacementAgreement.Party.PARENT, "A parent or carer"),
        ],
        widget=forms.RadioSelect,
    )
    agreed_by_name = forms.CharField(
        label="If the school: name of the person who agreed", max_length=150, required=False
    )
    carer = forms.ModelChoiceField(
        label="If a parent or carer: who agreed",
        help_text="Only the pupil's carers with parental responsibility are listed. For a "
        "part-time plan, choose one the pupil lives with.",
        queryset=Carer.objects.none(),
        required=False,
        empty_label="Choose a parent or carer",
    )
    how = forms.ChoiceField(
        label="If a parent or carer: how they agreed",
        choices=PlacementAgreement.How.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    signed_form = forms.FileField(
        label="If they signed a form: upload it",
        help_text=lazy_upload_hint(),
        required=False,
    )
    agreed_on = GovDateField(label="Date they agreed")

    def __init__(self, *args: Any, carers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].queryset = carers  # type: ignore[attr-defined]
        self.fields["carer"].label_from_instance = _carer_label  # type: ignore[attr-defined]
        self.helper.attrs["enctype"] = "multipart/form-data"


def _carer_label(carer: Carer) -> str:
    lives = "lives with the pupil" if carer.lives_with_pupil else "does not live with the pupil"
    return f"{carer.name} ({carer.relationship}, {lives})"


class EndForm(forms.Form):
    ended_on = GovDateField(
        label="Last day of the placement", help_text="For example, 27 11 2026. Not in the future."
    )
    destination = forms.ChoiceField(
        label="Where does the child go next?",
        choices=[
            c for c in Placement.Destination.choices if c[0] != Placement.Destination.NOT_RATIFIED
        ],
        widget=forms.RadioSelect,
    )
    destination_other = forms.CharField(
        label="If other: where the child goes next", max_length=200, required=False
    )
    decided_by = forms.CharField(
        label="Who decided",
        max_length=200,
        help_text="For example, the review meeting with the family and provider on 20 November.",
    )
    reason = forms.CharField(label="Why the placement is ending", widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field("ended_on", context={"fieldset": True}),
            Field.radios("destination", legend_size=Size.SMALL),
            Field.text("destination_other"),
            Field.text("decided_by"),
            Field.textarea("reason", rows=4),
            Submit("submit", "End the placement"),
        )


class ExtendForm(forms.Form):
    new_end_date = GovDateField(label="New planned end date", help_text="For example, 12 2 2027.")
    reason = forms.CharField(label="Why the placement is extended", widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field("new_end_date", context={"fieldset": True}),
            Field.textarea("reason", rows=4),
            Submit("submit", "Extend the placement"),
        )


class SitesForm(forms.Form):
    sites = ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        label="Where is the pupil taught?",
        help_text="Choose every site, including satellite and sub-contracted ones.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, placement: Placement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = active_sites_of(placement.provider)  # type: ignore[attr-defined]
        self.fields["sites"].label_from_instance = lambda site: (  # type: ignore[attr-defined]
            f"{site.name}: {', '.join(site.address_lines)}"
        )
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("sites", legend_size=Size.MEDIUM),
            Submit("submit", "Save the sites"),
        )


class CommissioningForm(ReasonIfChanged, _Form):
    """Correct who commissions the placement and under which power, with the reason."""

    submit_label = "Save the correction"
    arranged_by = forms.ChoiceField(
        label="Who commissions the placement?",
        choices=Placement.ArrangedBy.choices,
        widget=forms.RadioSelect,
        help_text="The school's code for a session attended is B when the school "
        "commissions, K when the local authority does.",
    )
    commissioning_power = forms.ChoiceField(
        label="Under which power?",
        choices=Placement.CommissioningPower.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why the record is being corrected",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason_required = "Enter why the record is being corrected."
