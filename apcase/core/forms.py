from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from .errors import DomainError, ValidationFailed


def show_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's refusal on the form so the GOV.UK error summary shows it: against
    the fields it names where the form has them, otherwise at the top of the summary."""
    errors = error.errors if isinstance(error, ValidationFailed) else {None: [str(error)]}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id too large for a database integer (for example
    99999999999999999999) as it refuses any unknown id: SQLite raised OverflowError on
    the `id IN (...)` query, an error page (docs/security.md, "Bad input never gives an
    error page")."""

    def _check_values(self, value: Any) -> Any:
        for pk in value or ():
            text = str(pk).strip().removeprefix("-")
            if text.isascii() and text.isdigit() and int(text) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs


class ConfirmForm(forms.Form):
    """ "Are you sure?": no fields, one button. `warning` for a button that removes or
    ends something (GOV.UK's red warning button)."""

    def __init__(self, *args: Any, submit_label: str, warning: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        css_class = "govuk-button--warning" if warning else ""
        self.helper = FormHelper()
        self.helper.layout = Layout(Submit("submit", submit_label, css_class=css_class))
