"""The board's filters: a GET form whose choices are the schools, providers and named
staff members of the board's own rows, so nothing outside the user's scope is offered."""

from typing import Any

from django import forms

from .board import SHOW, Filters


def _choices(items: list[Any], anything: str) -> list[tuple[str, str]]:
    return [("", anything)] + [(str(item.pk), str(item)) for item in items]


class BoardFilterForm(forms.Form):
    school = forms.ChoiceField(label="School", required=False)
    provider = forms.ChoiceField(label="Provider", required=False)
    staff = forms.ChoiceField(label="Named staff member", required=False)
    show = forms.ChoiceField(
        label="Show only",
        required=False,
        choices=[("", "Every child in AP"), *SHOW.items()],
    )

    def __init__(self, data: Any, *, schools: list[Any], providers: list[Any], staff: list[Any]):
        super().__init__(data)
        for name, items, anything in (
            ("school", schools, "Any school"),
            ("provider", providers, "Any provider"),
            ("staff", staff, "Anyone"),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = _choices(items, anything)

    def filters(self) -> Filters:
        """The chosen filters; none when a choice is not one offered."""
        if not self.is_valid():
            return Filters()
        values = self.cleaned_data

        def number(name: str) -> int | None:
            return int(values[name]) if values.get(name) else None

        return Filters(
            school=number("school"),
            provider=number("provider"),
            staff=number("staff"),
            show=values.get("show") or "",
        )
