from django import forms

from .errors import DomainError, ValidationFailed


def show_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's refusal on the form so the GOV.UK error summary shows it: against
    the fields it names where the form has them, otherwise at the top of the summary."""
    errors = error.errors if isinstance(error, ValidationFailed) else {None: [str(error)]}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
