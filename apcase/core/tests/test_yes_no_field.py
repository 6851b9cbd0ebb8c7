"""core.forms.YesNoField: a yes/no question left blank is refused with the GOV.UK
message, never read as "no"."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

from apcase.core.forms import YesNoField


class Question(forms.Form):
    part_time = YesNoField(
        label="Is the pupil on a part-time timetable?",
        if_yes="the pupil is on a part-time timetable",
    )


@pytest.mark.parametrize("data", [{}, {"part_time": ""}])
def test_a_required_question_left_blank_is_refused_with_select_yes_if(data):
    form = Question(data)
    assert not form.is_valid()
    assert form.errors["part_time"] == ["Select yes if the pupil is on a part-time timetable"]


@pytest.mark.parametrize(("answer", "value"), [("yes", True), ("no", False)])
def test_an_answer_is_read_as_true_or_false(answer, value):
    form = Question({"part_time": answer})
    assert form.is_valid()
    assert form.cleaned_data["part_time"] is value


def test_a_question_without_if_yes_still_asks_for_yes_or_no():
    class Bare(forms.Form):
        seen = YesNoField(label="Was the child seen?")

    assert Bare({}).errors["seen"] == ["Select yes or no"]


def test_an_optional_question_must_offer_an_answer_for_not_applicable():
    with pytest.raises(ImproperlyConfigured, match="saved as no"):
        YesNoField(label="Is the pupil on a part-time timetable?", required=False)


def test_an_optional_question_with_not_applicable_gives_none_when_blank():
    class Optional(forms.Form):
        met = YesNoField(
            label="Safeguarding",
            choices=[("", "Not applicable"), ("yes", "Met"), ("no", "Not met")],
            required=False,
        )

    form = Optional({"met": ""})
    assert form.is_valid()
    assert form.cleaned_data["met"] is None
