import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone

from apcase.accounts.models import User
from apcase.core.forms import GovDateField, SimpleForm
from apcase.core.uploads import lazy_upload_hint
from apcase.pupils.registry import PupilRecord, records_of

from .models import ActionKind, Concern, ConcernCategory

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _text(label: str, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class ConcernForm(SimpleForm):
    submit_label = "Send the concern to the DSL"
    occurred_on = GovDateField(
        label="Date of the incident or disclosure", help_text="For example, 27 3 2026."
    )
    occurred_time = forms.CharField(
        label="Time",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    category = forms.ModelChoiceField(
        label="Category",
        queryset=ConcernCategory.objects.filter(is_active=True),
        empty_label="Choose a category",
    )
    account = _text(
        "What was seen or disclosed",
        rows=8,
        help_text="Write the child's words exactly as they said them, in quotation marks. "
        "Record facts; say who was present.",
    )
    body_location = forms.CharField(
        label="Where on the body (if an injury or mark was seen)",
        max_length=300,
        required=False,
    )
    immediate_action = _text("Immediate action taken", required=False)
    others_involved = _text(
        "Other people involved",
        required=False,
        help_text="By role (for example, another pupil, a parent, a member of staff): do "
        "not name other children.",
    )
    attachment = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text=lazy_upload_hint("For example, a body map."),
    )

    def clean_occurred_time(self) -> datetime.time:
        found = TIME.match(self.cleaned_data["occurred_time"])
        if found is None:
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30.")
        hour, minute = int(found[1]), int(found[2])
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, for example 14:30.")
        return datetime.time(hour, minute)

    def occurred_at(self) -> datetime.datetime:
        day = self.cleaned_data["occurred_on"]
        return timezone.make_aware(
            datetime.datetime.combine(day, self.cleaned_data["occurred_time"])
        )


class AddendumForm(SimpleForm):
    submit_label = "Add to the record"
    text = _text(
        "Correction or update",
        rows=5,
        help_text="The original record stays as written; this is added below it with your "
        "name and the time.",
    )


class ActionForm(SimpleForm):
    submit_label = "Record the action"
    kind = forms.ChoiceField(label="Action", choices=ActionKind.choices, widget=forms.RadioSelect)
    taken_on = GovDateField(label="Date of the action")
    note = _text(
        "Details",
        required=False,
        help_text="Who you spoke to, and the outcome; if parents or carers were not "
        "informed, why not.",
    )


class LinkForm(SimpleForm):
    submit_label = "Link the record"
    record = forms.ChoiceField(
        label="Which record does this concern bear on?", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, records: list[PupilRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [(r.key, r.label) for r in records]  # type: ignore[attr-defined]

    @classmethod
    def kwargs_for(cls, concern: Concern, user: User) -> dict[str, Any]:
        linked = {f"{link.kind}:{link.record_id}" for link in concern.links.all()}
        return {"records": [r for r in records_of(concern.pupil, user) if r.key not in linked]}


class ReviewForm(SimpleForm):
    submit_label = "Set the review date"
    review_on = GovDateField(label="Review date")

    @classmethod
    def kwargs_for(cls, concern: Concern, user: User) -> dict[str, Any]:
        """The review date set before shows in the boxes: saved unchanged, it stays."""
        return {"initial": {"review_on": concern.review_on}}


class CloseForm(SimpleForm):
    submit_label = "Close the concern"
    outcome = _text("Outcome", rows=4, help_text="What was decided, and why it can close.")


class StartTransferForm(SimpleForm):
    submit_label = "Start the transfer"
    destination = forms.CharField(
        label="School or setting the child has gone to",
        max_length=200,
        help_text="Its name and town, for example: Oakfield Primary School, Bedford.",
    )
    left_on = GovDateField(label="Date the child left")


class TransferSentForm(SimpleForm):
    submit_label = "Record that it was sent"
    sent_on = GovDateField(label="Date sent")
    sent_how = forms.CharField(
        label="How it was sent",
        max_length=200,
        help_text="Separately from the main school file and securely, for example by the "
        "local authority's secure transfer service or by hand with a signature.",
    )


class TransferReceivedForm(SimpleForm):
    submit_label = "Record the confirmation"
    confirmed_on = GovDateField(label="Date receipt was confirmed")
    confirmed_by = forms.CharField(
        label="Who confirmed receipt", max_length=200, help_text="Their name and role."
    )
