from typing import Any

from crispy_forms_gds.layout import Field, Hidden, Layout, Submit
from django import forms

from apcase.core.forms import GovDateField, GovukFormHelper, SimpleForm, YesNoField, date_field
from apcase.reference import attendance as codes


class _Form(SimpleForm):
    pass


class CloseTaskForm(_Form):
    submit_label = "Close the task"
    who_was_contacted = forms.CharField(
        label="Who was contacted", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    where_the_child_is = forms.CharField(
        label="Where the child is", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    action_taken = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 3}))


SCORES = [
    (1, "1 – serious concern"),
    (2, "2 – concern"),
    (3, "3 – settled, some ups and downs"),
    (4, "4 – good"),
    (5, "5 – excellent"),
]


SAFEGUARDING_QUESTION = "Is anything here a safeguarding concern?"
SAFEGUARDING_HELP = (
    "If yes, you go on to the concern form, which alerts the designated safeguarding "
    "lead at once; what you typed below goes there, not into this record."
)


def _safeguarding_question() -> YesNoField:
    return YesNoField(
        label=SAFEGUARDING_QUESTION,
        help_text=SAFEGUARDING_HELP,
        choices=[("no", "No"), ("yes", "Yes")],
        if_yes="anything here is a safeguarding concern",
    )


class CheckInForm(_Form):
    submit_label = "Save the check-in"
    week_of = GovDateField(
        label="Week of",
        error_name="The week of the check-in",
        help_text="Any day in the week: the check-in is for that week.",
    )
    engagement = forms.TypedChoiceField(
        label="Engagement in learning", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    wellbeing = forms.TypedChoiceField(
        label="Wellbeing", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    behaviour = forms.TypedChoiceField(
        label="Behaviour", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label="Comments", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    child_rating = forms.TypedChoiceField(
        label="The child's own rating (optional)",
        choices=[("", "Not given"), *SCORES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    child_words = forms.CharField(
        label="The child's own words (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    safeguarding = _safeguarding_question()


class ScheduleVisitForm(_Form):
    submit_label = "Schedule the visit"
    scheduled_for = GovDateField(label="Date of the visit")


class LogVisitForm(_Form):
    submit_label = "Log the visit"
    visited_on = GovDateField(label="Date visited")
    visitors = forms.CharField(label="Who visited", max_length=300)
    child_seen = YesNoField(label="Was the child seen?", if_yes="the child was seen")
    learning_observations = forms.CharField(
        label="Observations of learning", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    environment_observations = forms.CharField(
        label="Observations of the environment",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    child_views = forms.CharField(
        label="The child's views", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    registers_checked = YesNoField(
        label="Safeguarding check: were the site's registers seen and in order?",
        if_yes="the site's registers were seen and in order",
    )
    supervision_suitable = YesNoField(
        label="Safeguarding check: was supervision suitable?", if_yes="supervision was suitable"
    )
    safeguarding_notes = forms.CharField(
        label="Safeguarding notes", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    actions = forms.CharField(
        label="Actions, each with its owner",
        help_text="One a line, for example: Send a reading book – Tom Ellery",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    safeguarding = _safeguarding_question()


class CodeAbsenceForm(_Form):
    """The home school's code for an absence the provider reported."""

    submit_label = "Save the code"
    code = forms.ChoiceField(
        label="Attendance code",
        help_text="Only the school authorises an absence. Until you choose, the session "
        "shows as N (reason not yet known).",
        error_messages={"required": "Choose the code for this absence."},
    )
    note = forms.CharField(
        label="What you found out (optional)",
        help_text="For example: phoned mum at 9:40; she confirmed he was ill.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args: object, recoding: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "Choose a code"), *codes.absence_choices()]  # type: ignore[attr-defined]
        if recoding:
            self.fields["note"].label = "Why the code changes"
            self.fields["note"].required = True


class RegisterDayForm(forms.Form):
    """Which register to show: the provider (when the user works at more than one), the
    day, as the GOV.UK date input, and the session. Read from the query string."""

    provider = forms.TypedChoiceField(label="Provider", coerce=int, required=False)
    date = GovDateField(label="Date", required=False, help_text="For example, 27 11 2026.")
    session = forms.ChoiceField(label="Session", choices=codes.Session.choices, required=False)

    def __init__(self, *args: Any, providers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]  # type: ignore[attr-defined]
        self.helper = GovukFormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("provider") if len(providers) > 1 else Hidden("provider", providers[0].pk),
            date_field("date"),
            Field.select("session"),
            Submit("show", "Show register", css_class="govuk-button--secondary"),
        )
