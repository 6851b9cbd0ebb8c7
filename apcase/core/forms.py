import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError

from .errors import DomainError, ValidationFailed


def show_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's refusal on the form so the GOV.UK error summary shows it: against
    the fields it names where the form has them, otherwise at the top of the summary."""
    errors = error.errors if isinstance(error, ValidationFailed) else {None: [str(error)]}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class GovukFormHelper(FormHelper):
    """crispy-forms-gds' helper with the form tag marked `novalidate`, as the GOV.UK
    Design System asks: the browser's own checks (a `minlength`, an email address's
    shape) would otherwise stop the form in the browser with a message of its own, and
    the person would never see the GOV.UK error summary the server gives."""

    def __init__(self, form: forms.BaseForm | None = None) -> None:
        super().__init__(form)
        self.attrs = {"novalidate": ""}


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


class ReasonIfChanged(forms.Form):
    """A form that corrects a record and asks why: the reason (field `reason`) is asked
    for only when something else changes. Saved unchanged, the view does nothing and
    says so (`changes_something()`), as every other edit form does, rather than refusing
    the person who opened it to check it."""

    reason_required = "Enter the reason."

    def changes_something(self) -> bool:
        return bool(set(self.changed_data) - {"reason"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.changes_something() and not str(data.get("reason") or "").strip():
            self.add_error("reason", self.reason_required)
        return data


NOTHING_CHANGED = "Nothing was changed."


class ConfirmForm(forms.Form):
    """ "Are you sure?": no fields, one button. `warning` for a button that removes or
    ends something (GOV.UK's red warning button)."""

    def __init__(self, *args: Any, submit_label: str, warning: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        css_class = "govuk-button--warning" if warning else ""
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(Submit("submit", submit_label, css_class=css_class))


YES_NO = [("yes", "Yes"), ("no", "No")]


def _is_yes(value: Any) -> bool:
    return value in (True, "yes")


class YesNoField(forms.TypedChoiceField):
    """A yes-or-no question as GOV.UK radios; the cleaned value is True or False, and
    True or False given as the initial value shows that radio chosen. `choices` may
    word the answers differently (the values stay "yes" and "no"; "" for an optional
    "not applicable"). `if_yes` says what a yes means, for the GOV.UK error when the
    question is left blank: "Select yes if {if_yes}". A question is optional only with
    a "" answer to choose: left blank, it would otherwise be read as "no" unasked."""

    def __init__(
        self,
        *,
        choices: list[tuple[str, str]] = YES_NO,
        required: bool = True,
        if_yes: str = "",
        widget: Any = forms.RadioSelect,
        **kwargs: Any,
    ):
        if not required and "" not in (value for value, _ in choices):
            raise ImproperlyConfigured(
                "An optional yes/no question needs a '' answer (such as 'Not applicable'): "
                "left blank, it would be saved as no."
            )
        messages = kwargs.pop("error_messages", {})
        messages.setdefault("required", f"Select yes if {if_yes}" if if_yes else "Select yes or no")
        super().__init__(
            choices=choices,
            coerce=_is_yes,
            empty_value=None,
            required=required,
            widget=widget,
            error_messages=messages,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class GovDateWidget(DateInputWidget):
    """The day, month and year boxes. A date given whole as YYYY-MM-DD (a link such as
    `?date=2026-11-27`) fills the three boxes."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data and not any(f"{name}_{n}" in data for n in range(3)):
            whole = str(data.get(name) or "").strip()
            try:
                found = datetime.date.fromisoformat(whole)
            except ValueError:
                return [whole, "", ""] if whole else ["", "", ""]
            return [str(found.day), str(found.month), str(found.year)]
        return super().value_from_datadict(data, files, name)


_BOXES = ("day", "month", "year")


def _date_name(label: Any) -> str:
    """How an error names a date: its label without a trailing question mark or a
    bracketed aside ("End date (leave blank if …)" is "End date")."""
    text = str(label or "The date").split(" (")[0].strip().rstrip("?").strip()
    return text or "The date"


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _lowered(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() or len(name) == 1 else name


class GovDateField(DateInputField):
    """The project's date field: the GOV.UK date input (day, month, year boxes) with the
    GOV.UK Design System's date input error messages, naming the date by its label (or
    `error_name` where the label is a question): "Enter date of birth", "Date of birth
    must include a month", "Date of birth must be a real date", "Date of birth year
    must include 4 numbers" (so "26" is not read as the year 26). The box or boxes at
    fault get the error style, the whole date when the fault is in no one box. A saved
    date shows in the boxes again (edit forms). Lay it out with `date_field`."""

    widget = GovDateWidget

    def __init__(self, *, error_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_name = error_name

    @property
    def name_in_errors(self) -> str:
        return self.error_name or _date_name(self.label)

    def clean(self, value: Any) -> datetime.date | None:
        for box in self.fields:
            box.widget.errors = []  # read by crispy-forms-gds
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        found = self.compress(list(value) if isinstance(value, list | tuple) else [])
        self.validate(found)
        self.run_validators(found)
        return found

    def _refuse(self, message: str, boxes: tuple[int, ...] = ()) -> ValidationError:
        for index in boxes:
            self.fields[index].widget.errors = [message]
        return ValidationError(message, code="invalid")

    def compress(self, data_list: Any) -> datetime.date | None:
        parts = [str(part).strip() if part not in (None, "") else "" for part in data_list]
        parts = (parts + ["", "", ""])[:3]
        name = self.name_in_errors
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {_lowered(name)}", code="required")
            return None
        missing = tuple(i for i, part in enumerate(parts) if not part)
        if missing:
            words = " and ".join(_BOXES[i] for i in missing)
            raise self._refuse(f"{name} must include a {words}", missing)
        not_numbers = tuple(i for i, part in enumerate(parts) if not _is_number(part))
        if not_numbers:
            # One box at fault is styled alone; more, and the whole date is.
            only = not_numbers if len(not_numbers) == 1 else ()
            raise self._refuse(f"{name} must be a real date", only)
        if len(parts[2]) != 4:
            raise self._refuse(f"{name} year must include 4 numbers", (2,))
        day, month, year = (int(part) for part in parts)
        return self._real_date(day, month, year, name)

    def _real_date(self, day: int, month: int, year: int, name: str) -> datetime.date:
        if year < 1900:
            raise self._refuse(f"{name} must be a real date", (2,))
        if not 1 <= month <= 12:
            raise self._refuse(f"{name} must be a real date", (1,) if 1 <= day <= 31 else ())
        try:
            return datetime.date(day=day, month=month, year=year)
        except (ValueError, OverflowError):
            raise self._refuse(f"{name} must be a real date", (0,)) from None


def date_field(name: str) -> Field:
    """The layout of a GovDateField: its boxes in a fieldset with the label as legend."""
    return Field(name, context={"fieldset": True})


class SimpleForm(forms.Form):
    """A form laid out field by field in order (a GovDateField as its fieldset), with
    one submit button worded by `submit_label`."""

    submit_label = "Save"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = GovukFormHelper()
        self.helper.layout = Layout(
            *(
                date_field(name) if isinstance(field, GovDateField) else name
                for name, field in self.fields.items()
            )
        )
        self.helper.add_input(Submit("submit", self.submit_label))
