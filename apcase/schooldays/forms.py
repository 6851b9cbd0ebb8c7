from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Layout, Submit
from django import forms
from django.db.models import QuerySet

from apcase.accounts.models import Organisation
from apcase.core.forms import GovDateField, GovukFormHelper, date_field


class TermForm(forms.Form):
    local_authority = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Local authority", empty_label=None
    )
    name = forms.CharField(
        label="Name", max_length=60, help_text="For example, Autumn 1 or Spring term (first half)."
    )
    start_date = GovDateField(label="First day of term", help_text="For example, 2 9 2026.")
    end_date = GovDateField(label="Last day of term", help_text="For example, 23 10 2026.")

    def __init__(
        self,
        *args: Any,
        authorities: QuerySet[Organisation] | None = None,
        submit_label: str = "Save term",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        fields = ["name", "start_date", "end_date"]
        if authorities is not None and authorities.count() > 1:
            self.fields["local_authority"].queryset = authorities  # type: ignore[attr-defined]
            fields.insert(0, "local_authority")
        else:
            del self.fields["local_authority"]
        self.helper = GovukFormHelper()
        layout = [
            Field.select(f)
            if f == "local_authority"
            else date_field(f)
            if f.endswith("_date")
            else Field.text(f, field_width=Fluid.ONE_THIRD)
            for f in fields
        ]
        self.helper.layout = Layout(*layout, Submit("submit", submit_label))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day must be the same as or after the first day.")
        return data


class ClosureDayForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    day = GovDateField(label="Date", help_text="For example, 7 4 2027.")
    reason = forms.CharField(
        label="Reason",
        max_length=120,
        help_text="For example, INSET day, polling station or bank holiday.",
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], owner_label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields = ["day", "reason"]
        if owners.count() > 1:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
            self.fields["owner"].label = owner_label
            fields.insert(0, "owner")
        else:
            del self.fields["owner"]
        self.helper = GovukFormHelper()
        layout = [
            Field.select("owner")
            if f == "owner"
            else date_field(f)
            if f == "day"
            else Field.text(f, field_width=Fluid.TWO_THIRDS)
            for f in fields
        ]
        self.helper.layout = Layout(*layout, Submit("submit", "Add closure day"))
