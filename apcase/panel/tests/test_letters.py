"""Letters to the parents about the panel's decision: addressed to each carer with
parental responsibility, emailed through the outbox or marked as sent by post, recorded,
and listed on the referral page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import Membership, User
from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.panel import letters, services
from apcase.panel.attention import letters_not_sent
from apcase.panel.models import LetterSent
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import complete_referral, make_meeting, make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, travel_to

TODAY = timezone.localdate()


@pytest.fixture
def decision(world, scene):
    return services.record_decision(
        by=scene.chair,
        meeting=scene.meeting,
        item=scene.referral,
        members_present=[scene.chair, *scene.members],
        outcome="declined",
        reasons="The school's support plan has not yet had time to work.",
    )


@pytest.fixture
def carers(scene):
    class Carers:
        pass

    c = Carers()
    c.mother = CarerFactory(
        pupil=scene.pupil,
        name="Jo Stone",
        relationship="Mother",
        email="jo.stone@example.com",
        address="4 Willow Way\nMilton Keynes\nMK6 1AA",
    )
    c.father = CarerFactory(
        pupil=scene.pupil,
        name="Lee Stone",
        relationship="Father",
        lives_with_pupil=False,
        address="9 Oak Road\nNorthampton\nNN1 1AA",
    )
    c.barred = CarerFactory(
        pupil=scene.pupil, name="Rob Stone", restriction="No contact: court order"
    )
    c.no_pr = CarerFactory(pupil=scene.pupil, name="Ann Stone", parental_responsibility=False)
    return c


def test_the_letter_is_emailed_through_the_outbox_and_recorded(world, scene, decision, carers):
    officer = person(Role.LA_OFFICER, world.la, full_name="Marcus Feld")
    client = sign_in(Client(), officer)
    assert_page(
        client.post(
            reverse("panel:send_letter", args=[decision.pk, carers.mother.pk]),
            {"method": "email"},
        ),
        status=302,
    )
    sent = LetterSent.objects.get(decision=decision, carer=carers.mother)
    assert (sent.method, sent.addressed_to, sent.email, sent.sent_by) == (
        "email",
        "Jo Stone",
        "jo.stone@example.com",
        officer,
    )
    email = OutboxMessage.objects.get(to="jo.stone@example.com")
    assert "Dear Jo Stone" in email.body
    assert "Riley Stone" not in email.body  # the child is named by initial
    assert "declined" in email.body.lower()
    assert AuditEvent.objects.filter(action="panel_letter_sent").exists()


def test_a_carer_without_email_gets_the_letter_by_post(world, scene, decision, carers):
    with pytest.raises(ValidationFailed, match="Lee Stone has no email address"):
        letters.send_letter(decision, carer_id=carers.father.pk, method="email", by=scene.chair)
    sent = letters.send_letter(decision, carer_id=carers.father.pk, method="post", by=scene.chair)
    assert sent.postal_address.startswith("9 Oak Road")
    assert not OutboxMessage.objects.filter(subject__startswith="What the inclusion panel").exists()
    with pytest.raises(ValidationFailed, match="already sent"):
        letters.send_letter(decision, carer_id=carers.father.pk, method="post", by=scene.chair)


def test_no_letter_to_a_restricted_carer_or_one_without_parental_responsibility(
    scene, decision, carers
):
    with pytest.raises(ValidationFailed, match="restriction"):
        letters.send_letter(decision, carer_id=carers.barred.pk, method="hand", by=scene.chair)
    with pytest.raises(ValidationFailed, match="Choose one of the pupil's parents"):
        letters.send_letter(decision, carer_id=carers.no_pr.pk, method="hand", by=scene.chair)
    assert not LetterSent.objects.exists()


def test_a_school_outside_the_referral_cannot_send(world, scene, decision, carers):
    stranger = person(Role.INCLUSION_LEAD, world.other_school)
    with pytest.raises(NotPermitted):
        letters.send_letter(decision, carer_id=carers.mother.pk, method="hand", by=stranger)
    client = sign_in(Client(), stranger)
    assert_page(
        client.post(
            reverse("panel:send_letter", args=[decision.pk, carers.mother.pk]),
            {"method": "email"},
        ),
        status=404,
    )


def test_the_referral_page_lists_which_letters_went_and_which_did_not(scene, decision, carers):
    letters.send_letter(decision, carer_id=carers.mother.pk, method="email", by=scene.chair)
    client = sign_in(Client(), scene.head)
    page = assert_page(
        client.get(reverse("referrals:detail", args=[scene.referral.pk])),
        contains=["Letters", "Jo Stone", "Sent", "Lee Stone", "Not yet sent", "Rob Stone"],
        lacks="Ann Stone",
    )
    assert "Not to be sent" in page
    assert "to jo.stone@example.com" in page


def test_the_letter_is_addressed_to_the_carer(scene, decision, carers):
    client = sign_in(Client(), scene.head)
    response = client.get(reverse("panel:parent_letter", args=[decision.pk, carers.father.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string

    html = render_to_string(
        "panel/pdf/letter_parents.html",
        {
            "decision": decision,
            "pupil": scene.pupil,
            "school": scene.referral.school,
            "today": datetime.date(2026, 11, 30),
            "carer": carers.father,
        },
    )
    assert "Dear Lee Stone" in html
    assert "9 Oak Road" in html


def test_the_decision_page_offers_email_and_post(world, scene, decision, carers):
    client = sign_in(Client(), scene.chair)
    assert_page(
        client.get(reverse("panel:decision_detail", args=[decision.pk])),
        contains=["Send by email", "Mark as sent by post", "Not to be sent"],
    )


def test_no_letter_is_made_out_to_a_restricted_carer(scene, decision, carers):
    """A letter addressed to a carer under a restriction is not sent, so it is not
    printed for posting either: no link to it, and its address gives nothing."""
    client = sign_in(Client(), scene.chair)
    barred = reverse("panel:parent_letter", args=[decision.pk, carers.barred.pk])
    page = assert_page(
        client.get(reverse("panel:decision_detail", args=[decision.pk])),
        contains=["Rob Stone", "Not to be sent"],
    )
    assert barred not in page
    assert reverse("panel:parent_letter", args=[decision.pk, carers.father.pk]) in page
    assert_page(client.get(barred), status=404)


def _letter_items(user):
    return letters_not_sent(user)


def test_the_la_officer_home_page_lists_a_decision_whose_letters_have_not_all_gone(
    world, scene, decision, carers
):
    officer = person(Role.LA_OFFICER, world.la)
    client = sign_in(Client(), officer)
    href = reverse("panel:decision_detail", args=[decision.pk]) + "#letters"
    page = assert_page(
        client.get(reverse("home")),
        contains=["Letters not sent", "Send the decision letters for Riley Stone", href],
    )
    # the carer under a restriction gets none, so is not waited for
    assert "2 letters to parents or carers not yet sent (Jo Stone, Lee Stone)" in page
    assert "Rob Stone" not in page
    letters.send_letter(decision, carer_id=carers.mother.pk, method="email", by=officer)
    page = assert_page(client.get(reverse("home")), contains=href)
    assert "1 letter to parents or carers not yet sent (Lee Stone)" in page
    letters.send_letter(decision, carer_id=carers.father.pk, method="post", by=officer)
    assert_page(client.get(reverse("home")), lacks=["Letters not sent", href])
    # the decision page it leads to is where they are sent
    assert_page(
        client.get(reverse("panel:decision_detail", args=[decision.pk])),
        contains=['id="letters"', "Lee Stone", "Sent"],
    )


def test_only_a_restricted_carer_left_unsent_means_nothing_to_send(world, scene, decision):
    CarerFactory(pupil=scene.pupil, name="Rob Stone", restriction="No contact: court order")
    CarerFactory(pupil=scene.pupil, name="Ann Stone", parental_responsibility=False)
    assert _letter_items(person(Role.LA_OFFICER, world.la)) == []


def test_a_carer_whose_restriction_is_only_spaces_is_waited_for(world, scene, decision):
    """Spaces are no restriction: that carer's letter is still to send, as a blank
    restriction's is."""
    CarerFactory(pupil=scene.pupil, name="Rob Stone", restriction="No contact: court order")
    CarerFactory(pupil=scene.pupil, name="Jo Stone", restriction="  ")
    items = _letter_items(person(Role.LA_OFFICER, world.la))
    assert [item.title for item in items] == ["Send the decision letters for Riley Stone"]
    assert "(Jo Stone)" in items[0].detail


def test_letters_not_sent_are_the_la_officers_own_and_oldest_first(
    world, scene, decision, carers, monkeypatch
):
    # a later meeting's decision, for another pupil, comes after
    later = make_meeting(scene.panel, chair=scene.chair, members=scene.members)
    pupil = make_pupil(world.school, legal_first_name="Ada", legal_last_name="Brook")
    CarerFactory(pupil=pupil, name="Kit Brook", address="1 Elm Row\nMK1 1AA")
    referral = complete_referral(pupil, signed_off_by=scene.head)
    referral_workflow.submit_referral(referral, by=referral.created_by)
    Referral.objects.filter(pk=referral.pk).update(meeting=later)  # on the later agenda
    referral.refresh_from_db()
    travel_to(monkeypatch, later.date)
    services.record_decision(
        by=scene.chair,
        meeting=later,
        item=referral,
        members_present=[scene.chair, *scene.members],
        outcome="declined",
        reasons="The school's plan has not yet had time to work.",
    )
    officer = person(Role.LA_OFFICER, world.la)
    assert [item.title for item in _letter_items(officer)] == [
        "Send the decision letters for Riley Stone",
        "Send the decision letters for Ada Brook",
    ]
    # another LA's officer, the chair and the school's staff get no such list
    assert _letter_items(person(Role.LA_OFFICER, world.other_la)) == []
    assert _letter_items(scene.chair) == []
    assert _letter_items(scene.head) == []


def test_letters_not_sent_follow_the_officers_current_role(world, scene, decision, carers):
    """The list is the LA officer's while they hold the role at the panel's authority:
    not once their membership ends, nor to one who moved to another authority."""
    officer = person(Role.LA_OFFICER, world.la)
    client = sign_in(Client(), officer)
    assert_page(client.get(reverse("home")), contains="Send the decision letters for Riley Stone")
    Membership.objects.filter(user=officer, organisation=world.la).update(is_active=False)
    Membership.objects.create(user=officer, organisation=world.other_la, role=Role.LA_OFFICER)
    assert letters_not_sent(User.objects.get(pk=officer.pk)) == []
    page = assert_page(client.get(reverse("home")))
    assert "Send the decision letters for Riley Stone" not in page
