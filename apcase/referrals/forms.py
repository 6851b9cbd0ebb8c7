import dataclasses
import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.core.forms import (
    GovDateField,
    GovukFormHelper,
    ModelMultipleChoiceField,
    YesNoField,
    date_field,
)
from apcase.core.uploads import lazy_upload_hint
from apcase.directory.forms import ProviderChoiceField
from apcase.directory.models import Site
from apcase.pupils.models import Pupil
from apcase.reference.attendance import Session, Weekday

from .models import EmergencyPlacement, Referral
from .workflow import EmergencyCase


def _helper(*items: Any, submit: str = "Save and continue") -> GovukFormHelper:
    helper = GovukFormHelper()
    helper.layout = Layout(*items, Submit("submit", submit))
    return helper


def _text(name: str, *, rows: int = 5) -> Field:
    return Field.textarea(name, rows=rows)


class StartReferralForm(forms.Form):
    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(),
        label="Which pupil are you referring?",
        empty_label="Choose a pupil",
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.helper = _helper(Field.select("pupil"), submit="Start referral")


class SectionForm(forms.Form):
    """A section of the referral. `version` carries the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    layout_fields: tuple[Any, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.layout_fields, "version")

    def section_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {k: ("" if v is None and k not in NULLABLE else v) for k, v in data.items()}


NULLABLE = {
    "parent_views_gathered_on",
    "consent_given_on",
    "parents_told_on",
    "preferred_provider",
}


class ReasonForm(SectionForm):
    reason = forms.ChoiceField(
        label="Main reason for the referral",
        choices=Referral.Reason.choices,
        widget=forms.RadioSelect,
    )
    reason_description = forms.CharField(
        label="Describe the pupil's needs and why alternative provision is being sought",
        widget=forms.Textarea,
    )
    layout_fields = (
        Field.radios("reason", legend_size=Size.SMALL),
        _text("reason_description"),
    )


class AttendanceForm(SectionForm):
    attendance_summary = forms.CharField(
        label="Attendance",
        help_text="Attendance this year, patterns of absence, part-time timetables.",
        widget=forms.Textarea,
    )
    exclusions_summary = forms.CharField(
        label="Suspensions and exclusions",
        help_text="Filled in from the pupil record where it holds them. Write “None” if none.",
        widget=forms.Textarea,
    )
    layout_fields = (_text("attendance_summary"), _text("exclusions_summary"))


class SendHealthForm(SectionForm):
    send_summary = forms.CharField(
        label="Special educational needs and disabilities",
        help_text="SEN support, EHC plan, assessments and who is involved.",
        widget=forms.Textarea,
    )
    health_summary = forms.CharField(
        label="Health", help_text="Write “No known health needs” if none.", widget=forms.Textarea
    )
    layout_fields = (_text("send_summary"), _text("health_summary"))


class ParentViewsForm(SectionForm):
    parent_views = forms.CharField(
        label="Parent and carer views, in their words", widget=forms.Textarea
    )
    parent_views_gathered_how = forms.CharField(
        label="How were their views gathered?",
        help_text="For example, a meeting at school or a phone call.",
        max_length=200,
    )
    parent_views_gathered_on = GovDateField(
        label="When were their views gathered?", error_name="The date their views were gathered"
    )
    consent = forms.ChoiceField(
        label="Consent to share information with the panel and providers",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
    )
    consent_given_by = forms.CharField(
        label="Who gave consent (if given)", max_length=200, required=False
    )
    consent_given_on = GovDateField(
        label="When was consent given (if given)",
        error_name="The date consent was given",
        required=False,
    )
    consent_recorded_how = forms.CharField(
        label="How was consent recorded (if given)",
        help_text="For example, a signed consent form.",
        max_length=200,
        required=False,
    )
    consent_not_obtained_reason = forms.CharField(
        label="Why consent was refused or not obtained (if not given)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    sharing_basis = forms.ChoiceField(
        label="Lawful basis for sharing without consent (if not given)",
        choices=Referral.SharingBasis.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    sharing_basis_detail = forms.CharField(
        label="Why sharing without consent is necessary (if not given)",
        help_text="What the panel and provider need to know to keep the child safe and "
        "educated, and why it cannot wait for consent.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    parents_told_by = forms.CharField(
        label="Who told the parents that the information is being shared (if refused)",
        max_length=200,
        required=False,
    )
    parents_told_on = GovDateField(
        label="When were they told (if refused)",
        error_name="The date they were told",
        required=False,
    )
    parents_told_how = forms.CharField(
        label="How were they told (if refused)",
        help_text="For example, a phone call followed by a letter. If telling them would put "
        "the child at risk, say so here.",
        max_length=200,
        required=False,
    )
    layout_fields = (
        Fieldset(
            _text("parent_views"),
            Field.text("parent_views_gathered_how", field_width=Fluid.TWO_THIRDS),
            date_field("parent_views_gathered_on"),
            legend="Views",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.radios("consent", legend_size=Size.SMALL),
            Field.text("consent_given_by", field_width=Fluid.TWO_THIRDS),
            date_field("consent_given_on"),
            Field.text("consent_recorded_how", field_width=Fluid.TWO_THIRDS),
            _text("consent_not_obtained_reason", rows=3),
            legend="Consent to share",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.radios("sharing_basis", legend_size=Size.SMALL),
            _text("sharing_basis_detail", rows=3),
            Field.text("parents_told_by", field_width=Fluid.TWO_THIRDS),
            date_field("parents_told_on"),
            Field.text("parents_told_how", field_width=Fluid.TWO_THIRDS),
            legend="Sharing without consent",
            legend_size=Size.MEDIUM,
        ),
    )


class ChildVoiceForm(SectionForm):
    child_voice = forms.CharField(
        label="The child's views, in their words",
        help_text="What they like, what is hard, what would help.",
        widget=forms.Textarea,
    )
    child_voice_gathered_how = forms.CharField(
        label="How were the child's views gathered?",
        help_text="For example, a conversation with their key adult, drawings.",
        max_length=200,
    )
    layout_fields = (
        _text("child_voice"),
        Field.text("child_voice_gathered_how", field_width=Fluid.TWO_THIRDS),
    )


class ProvisionForm(SectionForm):
    provision_sought = forms.CharField(
        label="What provision is sought",
        help_text="Type, length and pattern, for example mornings for 6 weeks.",
        widget=forms.Textarea,
    )
    preferred_provider = ProviderChoiceField(
        queryset=Organisation.objects.none(),
        label="Preferred provider (optional)",
        required=False,
        empty_label="No preference",
    )
    layout_fields = (_text("provision_sought"), Field.select("preferred_provider"))

    def __init__(self, *args: Any, providers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["preferred_provider"].queryset = providers  # type: ignore[attr-defined]


class FinishedForm(forms.Form):
    """ "Have you completed this section?" for the list sections."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    finished = YesNoField(
        label="Have you completed this section?",
        if_yes="you have completed this section",
        choices=[("yes", "Yes, I've completed this section"), ("no", "No, I'll come back later")],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("finished", legend_size=Size.MEDIUM), "version")
        self.helper.form_id = "finished-form"


class InterventionForm(forms.Form):
    description = forms.CharField(label="What was tried", widget=forms.Textarea(attrs={"rows": 3}))
    started_on = GovDateField(label="Start date")
    ended_on = GovDateField(label="End date (leave blank if it is still going on)", required=False)
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _text("description", rows=3),
            date_field("started_on"),
            date_field("ended_on"),
            _text("outcome", rows=3),
            submit="Add intervention",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The end date must be the same as or after the start date.")
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Document title",
        help_text="For example, Educational psychologist report.",
        max_length=200,
    )
    upload = forms.FileField(
        label="Upload a file",
        help_text=lazy_upload_hint(),
        error_messages={"required": "Select a file to upload."},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field("upload"),
            submit="Upload document",
        )
        self.helper.attrs["enctype"] = "multipart/form-data"


class ReasonTextForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: str, submit: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = _helper(_text("reason", rows=3), submit=submit)


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "reason": ReasonForm,
    "attendance": AttendanceForm,
    "send-health": SendHealthForm,
    "parent-views": ParentViewsForm,
    "child-voice": ChildVoiceForm,
    "provision": ProvisionForm,
}


class EmergencyForm(forms.Form):
    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(), label="Pupil", empty_label="Choose a pupil"
    )
    provider = ProviderChoiceField(
        queryset=Organisation.objects.none(), label="Provider", empty_label="Choose a provider"
    )
    provider_acceptance_reason = forms.CharField(
        label="If the provider is not assured: why it is used",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sites = ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        label="Where the pupil is taught",
        help_text="Every site of the chosen provider where the pupil will be taught. If a "
        "site is missing, ask the local authority to add it to the provider's directory entry.",
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.MultipleChoiceField(
        label="Half-days at the provider",
        help_text="Until the full plan is agreed, the pupil is expected at the provider every "
        "weekday session, so an absence on any day is followed up.",
        choices=[
            (f"{day}-{half}", f"{day_label} {half_label.lower()}")
            for day, day_label in Weekday.choices
            for half, half_label in Session.choices
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    named_staff_member = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Named member of school staff",
        help_text="Supports the pupil, visits the provider and follows up absence the same day.",
        empty_label="Choose a member of staff",
    )
    parents_told_how = forms.CharField(
        label="How the parents or carers were told",
        help_text="Who told whom, and how: for example, phone call from the headteacher to "
        "the child's mother.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents_told_on = GovDateField(label="Date the parents or carers were told")
    parents_told_time = forms.TimeField(
        label="Time they were told",
        help_text="24-hour clock, for example 14:30.",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
    )
    why_it_cannot_wait = forms.CharField(
        label="Why this cannot wait for the next panel meeting", widget=forms.Textarea
    )
    risks = forms.CharField(label="Risks", widget=forms.Textarea(attrs={"rows": 4}))
    likelihood = forms.ChoiceField(
        label="Likelihood", choices=EmergencyPlacement.Level.choices, widget=forms.RadioSelect
    )
    severity = forms.ChoiceField(
        label="Severity", choices=EmergencyPlacement.Level.choices, widget=forms.RadioSelect
    )
    mitigations = forms.CharField(
        label="How the risks will be reduced", widget=forms.Textarea(attrs={"rows": 4})
    )
    assessed_by = forms.CharField(label="Who assessed the risks", max_length=200)
    assessed_on = GovDateField(label="Date of the risk assessment")
    risk_review_on = GovDateField(label="Date the risk assessment will be reviewed")

    def __init__(self, *args: Any, pupils: Any, providers: Any, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault(
            "sessions", [f"{day}-{half}" for day in range(5) for half in ("am", "pm")]
        )
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["sites"].queryset = (  # type: ignore[attr-defined]
            Site.objects.filter(organisation__in=providers, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "-is_main", "name")
        )
        self.fields["sites"].label_from_instance = lambda site: (  # type: ignore[attr-defined]
            f"{site.organisation.name}: {site.name}, {', '.join(site.address_lines)}"
        )
        self.fields["named_staff_member"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__organisation__in=pupils.values("school"),
                memberships__is_active=True,
                is_active=True,
            )
            .distinct()
            .order_by("full_name")
        )
        self.helper = _helper(
            Fieldset(
                Field.select("pupil"),
                Field.select("provider"),
                Field.textarea("provider_acceptance_reason", rows=3),
                Field.checkboxes("sites", legend_size=Size.SMALL),
                Field.checkboxes("sessions", legend_size=Size.SMALL, small=True),
                Field.select("named_staff_member"),
                _text("why_it_cannot_wait"),
                legend="The placement",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                _text("parents_told_how", rows=2),
                date_field("parents_told_on"),
                Field.text("parents_told_time", field_width=5),
                legend="Telling the parents or carers",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                _text("risks", rows=4),
                Field.radios("likelihood", inline=True, legend_size=Size.SMALL),
                Field.radios("severity", inline=True, legend_size=Size.SMALL),
                _text("mitigations", rows=4),
                Field.text("assessed_by", field_width=Fluid.TWO_THIRDS),
                date_field("assessed_on"),
                date_field("risk_review_on"),
                legend="Risk assessment",
                legend_size=Size.MEDIUM,
            ),
            submit="Start the emergency placement",
        )

    def service_values(self) -> dict[str, Any]:
        """The cleaned form as the emergency route's arguments."""
        values = dict(self.cleaned_data)
        values.pop("idempotency_key", None)  # the view's (apcase.core.idempotency)
        values["sites"] = list(values["sites"])
        values["sessions"] = {
            (int(v.split("-")[0]), v.split("-")[1]) for v in values.pop("sessions")
        }
        told_on, told_time = values.pop("parents_told_on"), values.pop("parents_told_time")
        values["parents_told_at"] = (
            timezone.make_aware(datetime.datetime.combine(told_on, told_time))
            if told_on and told_time
            else None
        )
        case = {f.name: values.pop(f.name) for f in dataclasses.fields(EmergencyCase)}
        return {**values, "case": EmergencyCase(**case)}
