from django import forms

from apcase.accounts.models import Organisation
from apcase.core.forms import SimpleForm

from .scopes import SCOPES, scopes_for


class CreateKeyForm(SimpleForm):
    submit_label = "Create key"

    name = forms.CharField(
        label="Name of the key",
        help_text="Say which system will use it, such as “Attendance app” or “MIS sync”.",
        max_length=100,
    )
    scopes = forms.MultipleChoiceField(
        label="What the key may do",
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={"required": "Choose at least one thing the key may do."},
    )

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        field.choices = [(s, f"{SCOPES[s]} ({s})") for s in scopes_for(organisation.kind)]
