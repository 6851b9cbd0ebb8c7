from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms

from apcase.accounts.models import Organisation
from apcase.core.forms import GovDateField, GovukFormHelper, YesNoField, date_field
from apcase.core.uploads import lazy_upload_hint

from .assurance import annotated_reasons
from .models import APSettingType, AssuranceKind, Registration, ServiceCategory
from .ofsted import REPORT_CARD_AREAS, LegacyGrade, ReportCardGrade, Scale
from .services.providers import ORGANISATION_FIELDS, PROFILE_FIELDS


def _date_field(label: str, help_text: str = "For example, 27 3 2025.") -> GovDateField:
    return GovDateField(label=label, help_text=help_text)


class ProviderChoiceField(forms.ModelChoiceField):
    """Choose a provider for a placement; the label says when it is not assured. Give
    it selectors.provider_options_for_placement(user, today=...)."""

    def label_from_instance(self, obj: Organisation) -> str:
        label = obj.name
        if getattr(obj, "not_assured", False):
            reasons = annotated_reasons(obj) or ["see the directory"]
            label += " – not assured: " + "; ".join(reasons)
        return label


class ProviderForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    ukprn = forms.IntegerField(
        label="UKPRN (optional)",
        required=False,
        min_value=10000000,
        max_value=99999999,
        help_text="8 digits, from the UK Register of Learning Providers.",
    )
    website = forms.CharField(label="Website (optional)", max_length=200, required=False)
    street = forms.CharField(label="Street", max_length=200, required=False)
    locality = forms.CharField(label="Locality (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phase = forms.CharField(
        label="Phase (optional)",
        max_length=60,
        required=False,
        help_text="For example, Primary, Secondary, All-through.",
    )
    registration = forms.ChoiceField(
        label="Registration",
        choices=Registration.choices,
        widget=forms.RadioSelect,
        help_text="Registered providers are schools or academies with an Ofsted registration. Unregistered providers need written confirmation of staff vetting before a placement.",
    )
    ap_setting_type = forms.ChoiceField(
        label="AP setting type (unregistered providers only)",
        choices=[("", "Not applicable"), *APSettingType.choices],
        required=False,
    )
    age_from = forms.IntegerField(
        label="Youngest age taught", required=False, min_value=2, max_value=25
    )
    age_to = forms.IntegerField(
        label="Oldest age taught", required=False, min_value=2, max_value=25
    )
    capacity = forms.IntegerField(
        label="Capacity (places)", required=False, min_value=0, max_value=10000
    )
    main_contact_name = forms.CharField(label="Main contact name", max_length=150, required=False)
    main_contact_email = forms.EmailField(label="Main contact email", required=False)
    main_contact_phone = forms.CharField(label="Main contact phone", max_length=30, required=False)
    dsl_name = forms.CharField(label="DSL name", max_length=150, required=False)
    dsl_email = forms.EmailField(label="DSL email", required=False)
    dsl_phone = forms.CharField(label="DSL phone", max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The fields the service takes for the organisation and for its profile.
    ORGANISATION = ORGANISATION_FIELDS
    PROFILE = PROFILE_FIELDS

    def __init__(
        self, *args: Any, gias_held: bool = False, submit_label: str = "Save", **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if gias_held:
            # GIAS is the source of these for a provider with a URN.
            for name in self.ORGANISATION:
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = "From GIAS: changed by the next GIAS import, not here."
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("name", field_width=Fluid.TWO_THIRDS),
                Field.text("ukprn", field_width=10),
                Field.text("website", field_width=Fluid.TWO_THIRDS),
                Field.text("street", field_width=Fluid.TWO_THIRDS),
                Field.text("locality", field_width=Fluid.TWO_THIRDS),
                Field.text("town", field_width=Fluid.TWO_THIRDS),
                Field.text("postcode", field_width=10),
                Field.text("phase", field_width=20),
                legend="Provider",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("registration", legend_size=Size.SMALL),
                Field.select("ap_setting_type"),
                Field.text("age_from", field_width=2),
                Field.text("age_to", field_width=2),
                Field.text("capacity", field_width=4),
                legend="Registration and places",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("main_contact_name", field_width=Fluid.TWO_THIRDS),
                Field.text("main_contact_email", field_width=Fluid.TWO_THIRDS),
                Field.text("main_contact_phone", field_width=20),
                Field.text("dsl_name", field_width=Fluid.TWO_THIRDS),
                Field.text("dsl_email", field_width=Fluid.TWO_THIRDS),
                Field.text("dsl_phone", field_width=20),
                legend="Contacts",
                legend_size=Size.MEDIUM,
            ),
            "version",
            Submit("submit", submit_label),
        )

    def organisation_values(self) -> dict[str, Any]:
        return self._values(self.ORGANISATION)

    def profile_values(self) -> dict[str, Any]:
        return self._values(self.PROFILE)

    def _values(self, names: list[str]) -> dict[str, Any]:
        """The values of `names`, a text one with none (a field GIAS holds, shown
        disabled with an empty initial value) as "": only numbers are saved as none."""
        values = {f: self.cleaned_data[f] for f in names}
        return {
            f: "" if v is None and not isinstance(self.fields[f], forms.IntegerField) else v
            for f, v in values.items()
        }


class SiteForm(forms.Form):
    name = forms.CharField(
        label="Site name", max_length=200, help_text="For example, Romans Field Site."
    )
    street = forms.CharField(label="Street", max_length=200)
    locality = forms.CharField(label="Locality (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10)
    is_main = forms.BooleanField(label="This is the provider's main site", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("street", field_width=Fluid.TWO_THIRDS),
            Field.text("locality", field_width=Fluid.TWO_THIRDS),
            Field.text("town", field_width=Fluid.TWO_THIRDS),
            Field.text("postcode", field_width=10),
            Field.checkbox("is_main"),
            Submit("submit", "Add site"),
        )


class ServiceForm(forms.Form):
    category = forms.ChoiceField(label="Kind of service", choices=ServiceCategory.choices)
    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        help_text="For example, Speech and Language Team.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.select("category"),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Add service"),
        )


class InspectionForm(forms.Form):
    scale = forms.ChoiceField(
        label="Kind of inspection", choices=Scale.choices, widget=forms.RadioSelect
    )
    inspected_on = _date_field("Date of the inspection")
    overall_grade = forms.ChoiceField(
        label="Overall effectiveness (legacy inspections only)",
        choices=[("", "Not applicable"), *LegacyGrade.choices],
        required=False,
    )
    safeguarding_met = YesNoField(
        label="Safeguarding (report cards only)",
        choices=[("", "Not applicable"), ("yes", "Met"), ("no", "Not met")],
        required=False,
        widget=forms.Select,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        area_choices = [("", "Not graded"), *ReportCardGrade.choices]
        for key, label in REPORT_CARD_AREAS.items():
            self.fields[f"area_{key}"] = forms.ChoiceField(
                label=label, choices=area_choices, required=False
            )
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.radios("scale", legend_size=Size.SMALL),
            date_field("inspected_on"),
            Field.select("overall_grade"),
            Fieldset(
                *[Field.select(f"area_{key}") for key in REPORT_CARD_AREAS],
                Field.select("safeguarding_met"),
                legend="Report card grades",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Record inspection"),
        )

    def area_grades(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"area_{key}") or "" for key in REPORT_CARD_AREAS}


class AssuranceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is this evidence?", choices=AssuranceKind.choices, widget=forms.RadioSelect
    )
    received_on = _date_field("Date received (or date of the visit)")
    expires_on = _date_field(
        "Valid until",
        "The last day this evidence can be relied on, for example the insurance end date or the date the next check is due.",
    )
    undertakes_to_report_changes = forms.BooleanField(
        label="The provider has undertaken in writing to tell us of changes, such as new staff (required for a vetting confirmation)",
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    document = forms.FileField(
        label="Evidence document",
        help_text=lazy_upload_hint(),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            date_field("received_on"),
            date_field("expires_on"),
            Field.checkbox("undertakes_to_report_changes"),
            Field.textarea("notes"),
            Field("document"),
            Submit("submit", "Add assurance record"),
        )


class GiasUploadForm(forms.Form):
    file = forms.FileField(
        label="GIAS establishment file (CSV)",
        help_text="The “all establishment data” CSV downloaded from Get Information about Schools, unchanged.",
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows and import the rest",
        required=False,
        help_text="Leave this unticked to import nothing if any row is invalid.",
    )

    scope = forms.ChoiceField(
        label="Which establishments does this import change?",
        widget=forms.RadioSelect,
        required=False,
    )

    NATIONAL = "national"

    def __init__(
        self,
        *args: Any,
        authorities: list[Organisation] | None = None,
        national: bool = False,
        **kwargs: Any,
    ):
        """`authorities`: the LAs the user may import for; `national`: whether the
        user may import the file of all England (which can move establishments
        between authorities). With one choice only, the field is not shown."""
        super().__init__(*args, **kwargs)
        self.authorities = {str(a.pk): a for a in authorities or []}
        choices = [
            (pk, f"{a.name} only: rows with LA code {a.la_code}")
            for pk, a in self.authorities.items()
        ]
        if national:
            choices.append(
                (
                    self.NATIONAL,
                    "All of England: the national file, which may move an establishment "
                    "to another local authority",
                )
            )
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]
        self.single_choice = choices[0][0] if len(choices) == 1 else None
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            Field("file"),
            *([] if self.single_choice else [Field.radios("scope")]),
            Field.checkbox("skip_invalid"),
            Submit("submit", "Check and import"),
        )

    def clean_scope(self) -> str:
        scope = self.cleaned_data.get("scope") or self.single_choice
        if not scope:
            raise forms.ValidationError("Select which establishments this import changes.")
        return scope

    def import_scope(self) -> dict[str, Any]:
        """Keyword arguments for services.import_gias."""
        scope = self.cleaned_data["scope"]
        if scope == self.NATIONAL:
            return {"national": True}
        return {"authority": self.authorities[scope]}
