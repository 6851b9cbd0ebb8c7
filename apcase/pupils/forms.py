import functools
from typing import Any

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from apcase.accounts.models import Organisation
from apcase.core.forms import GovDateField, GovukFormHelper, YesNoField, date_field
from apcase.reference.census import (
    MAX_SUSPENSION_DAYS_PER_YEAR,
    ContactMethod,
    ExclusionKind,
    ExclusionReason,
    NCYear,
    SENStatus,
    Sex,
)

from .models import Carer
from .services.exclusions import ExclusionDetails
from .upn import EXAMPLE_UPN


def _yes_no(label: str, if_yes: str, help_text: str = "") -> YesNoField:
    return YesNoField(label=label, if_yes=if_yes, help_text=help_text)


class PupilForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="School", empty_label=None
    )
    upn = forms.CharField(
        label="UPN (unique pupil number)",
        max_length=20,
        help_text=f"13 characters, for example {EXAMPLE_UPN}. A temporary UPN ends in a letter.",
    )
    legal_first_name = forms.CharField(label="Legal first name", max_length=100)
    legal_middle_names = forms.CharField(label="Middle names", max_length=100, required=False)
    legal_last_name = forms.CharField(label="Legal last name", max_length=100)
    preferred_name = forms.CharField(label="Preferred first name", max_length=100, required=False)
    preferred_last_name = forms.CharField(
        label="Preferred last name", max_length=100, required=False
    )
    date_of_birth = GovDateField(label="Date of birth", help_text="For example, 27 3 2016.")
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        help_text="As recorded in the school census.",
    )
    nc_year = forms.ChoiceField(
        label="National curriculum year", choices=[("", "Choose a year"), *NCYear.choices]
    )
    admission_date = GovDateField(label="Admission date", required=False)
    sen_status = forms.ChoiceField(
        label="Special educational needs", choices=SENStatus.choices, widget=forms.RadioSelect
    )
    looked_after = _yes_no(
        "Looked after by a local authority?", "the pupil is looked after by a local authority"
    )
    free_school_meals = _yes_no(
        "Eligible for free school meals?", "the pupil is eligible for free school meals"
    )
    pupil_premium = _yes_no("Attracts pupil premium?", "the pupil attracts pupil premium")
    medical_needs = forms.CharField(
        label="Medical needs", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    allergies = forms.CharField(
        label="Allergies", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    first_language = forms.CharField(label="First language", max_length=60, required=False)
    child_protection_plan = _yes_no(
        "Subject to a child protection plan?", "the pupil is subject to a child protection plan"
    )
    child_in_need = _yes_no("Child in need?", "the pupil is a child in need")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[Organisation] | None = None,
        show_child_protection: bool = False,
        submit_label: str = "Save pupil",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        for name in ("looked_after", "free_school_meals", "pupil_premium"):
            if name not in self.fields:
                continue
            self.fields[name].initial = self.initial.get(name, False)
        details = [
            Field.text("upn", field_width=Fluid.ONE_THIRD),
            Field.text("legal_first_name", field_width=Fluid.TWO_THIRDS),
            Field.text("legal_middle_names", field_width=Fluid.TWO_THIRDS),
            Field.text("legal_last_name", field_width=Fluid.TWO_THIRDS),
            Field.text("preferred_name", field_width=Fluid.TWO_THIRDS),
            Field.text("preferred_last_name", field_width=Fluid.TWO_THIRDS),
            date_field("date_of_birth"),
            Field.radios("sex", inline=True, legend_size=Size.SMALL),
            Field.select("nc_year"),
            date_field("admission_date"),
        ]
        if schools is not None and schools.count() > 1:
            self.fields["school"].queryset = schools  # type: ignore[attr-defined]
            details.insert(0, Field.select("school"))
        else:
            del self.fields["school"]
        needs = [
            Field.radios("sen_status", legend_size=Size.SMALL),
            Field.radios("free_school_meals", inline=True, legend_size=Size.SMALL),
            Field.radios("pupil_premium", inline=True, legend_size=Size.SMALL),
            Field.textarea("medical_needs"),
            Field.textarea("allergies"),
            Field.text("first_language", field_width=Fluid.ONE_THIRD),
        ]
        parts = [
            Fieldset(*details, legend="Details", legend_size=Size.MEDIUM),
            Fieldset(*needs, legend="Needs", legend_size=Size.MEDIUM),
        ]
        if show_child_protection:
            parts.append(
                Fieldset(
                    Field.radios("looked_after", inline=True, legend_size=Size.SMALL),
                    Field.radios("child_protection_plan", inline=True, legend_size=Size.SMALL),
                    Field.radios("child_in_need", inline=True, legend_size=Size.SMALL),
                    legend="Safeguarding (seen only by designated safeguarding leads)",
                    legend_size=Size.MEDIUM,
                )
            )
        else:
            for name in ("looked_after", "child_protection_plan", "child_in_need"):
                del self.fields[name]
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(*parts, "version", Submit("submit", submit_label))

    def pupil_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("school", "version"):
            data.pop(name, None)
        return data


class CarerForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=150)
    relationship = forms.CharField(
        label="Relationship to the pupil",
        max_length=60,
        help_text="For example, mother, grandfather, foster carer.",
    )
    parental_responsibility = _yes_no(
        "Has parental responsibility?", "they have parental responsibility"
    )
    lives_with_pupil = _yes_no(
        "Does the pupil live with them?",
        "the pupil lives with them",
        "Needed to agree a part-time timetable, which must be agreed with a parent the "
        "pupil normally lives with.",
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    email = forms.EmailField(label="Email address", required=False)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    preferred_contact_method = forms.ChoiceField(
        label="Preferred way to contact them",
        choices=[("", "No preference"), *ContactMethod.choices],
        required=False,
    )
    restriction = forms.CharField(
        label="Restrictions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: no contact with the pupil, court order, do not share the "
        "pupil’s address. Shown prominently wherever this carer appears.",
    )
    priority = forms.IntegerField(
        label="Contact order",
        min_value=1,
        max_value=9,
        initial=1,
        help_text="1 is contacted first.",
    )

    def __init__(self, *args: Any, submit_label: str = "Save carer", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("relationship", field_width=Fluid.ONE_THIRD),
            Field.radios("parental_responsibility", inline=True, legend_size=Size.SMALL),
            Field.radios("lives_with_pupil", inline=True, legend_size=Size.SMALL),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.textarea("address"),
            Field.select("preferred_contact_method"),
            Field.textarea("restriction"),
            Field.text("priority", field_width=2),
            Submit("submit", submit_label),
        )


def carer_initial(carer: Carer) -> dict[str, Any]:
    return {name: getattr(carer, name) for name in CarerForm.base_fields}


REASON_CHOICES = [("", "None"), *[(c.value, f"{c.value} – {c.label}") for c in ExclusionReason]]


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=ExclusionKind.choices, widget=forms.RadioSelect)
    start_date = GovDateField(label="First day", help_text="For example, 14 9 2026.")
    length_days = forms.DecimalField(
        label="Length in school days",
        required=False,
        min_value=0.5,
        max_value=MAX_SUSPENSION_DAYS_PER_YEAR,
        decimal_places=1,
        help_text="Suspensions only. Use .5 for a half day (a lunchtime counts as half a day).",
    )
    reason_1 = forms.ChoiceField(label="Reason", choices=REASON_CHOICES[1:])
    reason_2 = forms.ChoiceField(
        label="Second reason (optional)", choices=REASON_CHOICES, required=False
    )
    reason_3 = forms.ChoiceField(
        label="Third reason (optional)", choices=REASON_CHOICES, required=False
    )
    la_notified_date = GovDateField(label="Date the local authority was told", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        kind: str | None = None,
        remaining_days: Any = None,
        submit_label: str = "Save",
        **kwargs: Any,
    ):
        """`kind` fixes the type (when correcting an exclusion); otherwise it is asked."""
        super().__init__(*args, **kwargs)
        self.fixed_kind = kind
        if remaining_days is not None:
            self.fields["length_days"].help_text += (
                f" This school year the pupil can be suspended for at most {remaining_days} "
                "more school days."
            )
        fields: list[Any] = []
        if kind is not None:
            del self.fields["kind"]
        else:
            fields.append(Field.radios("kind", legend_size=Size.SMALL))
        if kind == ExclusionKind.PERMANENT:
            del self.fields["length_days"]
        fields.append(date_field("start_date"))
        if "length_days" in self.fields:
            fields.append(Field.text("length_days", field_width=4))
        fields += [
            Field.select("reason_1"),
            Field.select("reason_2"),
            Field.select("reason_3"),
            date_field("la_notified_date"),
            Field.textarea("notes"),
            Submit("submit", submit_label),
        ]
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(*fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.fixed_kind or data.get("kind")
        missing_length = data.get("length_days") is None and "length_days" not in self.errors
        if kind == ExclusionKind.SUSPENSION and missing_length:
            self.add_error("length_days", "Enter the length of the suspension in school days.")
        if kind == ExclusionKind.PERMANENT:
            data["length_days"] = None
        return data

    def reasons(self) -> list[str]:
        return [self.cleaned_data.get(f"reason_{n}") or "" for n in (1, 2, 3)]

    def details(self) -> ExclusionDetails:
        data = self.cleaned_data
        return ExclusionDetails(
            start_date=data["start_date"],
            length_days=data.get("length_days"),
            reasons=self.reasons(),
            la_notified_date=data.get("la_notified_date"),
            notes=data.get("notes", ""),
        )


class PupilFilterForm(forms.Form):
    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    year = forms.ChoiceField(
        label="Year", choices=[("", "All years"), *NCYear.choices], required=False
    )
    sen = forms.ChoiceField(label="SEN", choices=[("", "Any"), *SENStatus.choices], required=False)
    in_ap = forms.BooleanField(label="Only pupils in alternative provision now", required=False)


class ImportForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="School", empty_label=None
    )
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Exported from your MIS in the format described on this page.",
    )

    def __init__(self, *args: Any, schools: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        parts: list[Any] = [Field("file"), Submit("submit", "Import pupils")]
        if schools.count() > 1:
            self.fields["school"].queryset = schools  # type: ignore[attr-defined]
            parts.insert(0, Field.select("school"))
        else:
            del self.fields["school"]
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(*parts)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Upload a photo",
        required=False,
        help_text="A PNG or JPEG image, smaller than 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(Field("photo"), Submit("submit", "Save photo"))


class ChronologyFilterForm(forms.Form):
    """Narrow a pupil's chronology by kind of event and by date (a GET form: the
    filtered page can be bookmarked and printed)."""

    kind = forms.ChoiceField(label="Type of event", required=False)
    since = GovDateField(label="From", error_name="The from date", required=False)
    until = GovDateField(label="To", error_name="The to date", required=False)

    def __init__(self, *args: Any, kinds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All types"), *kinds.items()]  # type: ignore[attr-defined]
        self.helper = GovukFormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            "kind", date_field("since"), date_field("until"), Submit("filter", "Filter")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be the same as or after the start date.")
        return data


@functools.lru_cache(maxsize=8)
def unfiltered_chronology_form(kinds: tuple[tuple[str, str], ...]) -> SafeString:
    """The chronology's filter form before any filter is applied: the same markup for
    the same kinds of event every time, so each process renders it once for each list
    of kinds (with and without child protection) rather than on every page."""
    markup: SafeString = render_crispy_form(ChronologyFilterForm(kinds=dict(kinds)))
    return markup  # a template's output, escaped as it was rendered
