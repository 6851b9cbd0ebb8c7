"""Text about a child refers to them as their record does: "she" for a girl, "he" for a
boy, "they" where the record says neither; never assumed (apcase/core/words.py)."""

import io
import types

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from apcase.core.words import pronouns_for
from apcase.monitoring.models import CheckIn
from apcase.notifications import messages
from apcase.pupils.models import Pupil
from apcase.referrals.models import Referral

# (sex on the record, the support ... will get, whose safeguarding)
CHILDREN = [("F", "she", "her"), ("M", "he", "his"), ("", "they", "their")]


@pytest.mark.parametrize(("sex", "subject", "possessive"), CHILDREN)
def test_the_pronouns_come_from_the_record(sex, subject, possessive):
    pupil = Pupil(legal_first_name="Robin", legal_last_name="Ash", sex=sex)
    assert (pupil.pronouns.subject, pupil.pronouns.possessive) == (subject, possessive)
    assert pupil.pronouns.fill("{His} key adult; {he} agreed") == (
        f"{possessive.capitalize()} key adult; {subject} agreed"
    )
    assert pronouns_for(None) == pronouns_for("X") == pronouns_for("")
    verb = "are" if subject == "they" else "is"
    needs = "need" if subject == "they" else "needs"
    assert pupil.pronouns.fill("{He} {is} calm; {he} need{s} time") == (
        f"{subject.capitalize()} {verb} calm; {subject} {needs} time"
    )


@pytest.mark.parametrize(("sex", "subject", "possessive"), CHILDREN)
def test_letters_and_messages_about_a_girl_a_boy_and_a_child_of_unknown_sex(
    sex, subject, possessive
):
    pupil = Pupil(legal_first_name="Robin", legal_last_name="Ash", sex=sex)
    school = types.SimpleNamespace(name="Heronsgate School")
    decision = types.SimpleNamespace(
        outcome="declined", get_outcome_display="Declined", reasons="Not yet.", conditions=""
    )
    message = messages.render(
        "panel/messages/decision_letter_parents.txt",
        child=pupil,
        carer_name="Jo Ash",
        decision=decision,
        school=school,
    )
    assert f"the support {subject} will get there" in message.body
    context = {"pupil": pupil, "school": school, "decision": decision, "item": None}
    letter = render_to_string("panel/pdf/letter_parents.html", context)
    assert f"the support {subject} will get there" in letter
    agreement = render_to_string("placements/agreement_pdf.html", {"pupil": pupil})
    assert f"keeps responsibility for {possessive} safeguarding" in agreement


@pytest.mark.django_db
def test_the_demo_calls_each_child_as_their_record_does():
    call_command("seed_demo", stdout=io.StringIO())
    girls = Referral.objects.filter(pupil__sex="F")
    assert girls.exists()
    for referral in girls:
        assert "He " not in referral.parent_views
        assert " his " not in f" {referral.child_voice_gathered_how} "
    assert "She is happier" in Referral.objects.get(pupil__legal_first_name="Amelia").parent_views
    boy = Referral.objects.get(pupil__legal_first_name="Kwabena")
    assert "He is happier" in boy.parent_views
    maya = CheckIn.objects.filter(placement__pupil__legal_first_name="Maya")
    assert maya.filter(comments__contains="her key worker").exists()
    assert not maya.filter(comments__contains="his key worker").exists()
