"""The LA officer's decisions whose letters to the parents have not all gone: the home
page lists the oldest and, past them, says how many there are in all and links to the
page that lists every one, a page at a time."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.panel import attention, letters, services
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import complete_referral, make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged

NAMES = ("Ada", "Bea", "Cal", "Dee")
WHERE = reverse("panel:letters_not_sent")


def _decide(scene, world, first_name):
    """A decision at the scene's meeting for a new pupil with one carer to write to."""
    pupil = make_pupil(world.school, legal_first_name=first_name, legal_last_name="Brook")
    CarerFactory(pupil=pupil, name=f"{first_name} Carer", address="1 Elm Row\nMK1 1AA")
    referral = complete_referral(pupil, signed_off_by=scene.head)
    referral_workflow.submit_referral(referral, by=referral.created_by)
    Referral.objects.filter(pk=referral.pk).update(
        meeting=scene.meeting, status=Referral.Status.SCHEDULED
    )
    referral.refresh_from_db()
    return services.record_decision(
        by=scene.chair,
        meeting=scene.meeting,
        item=referral,
        members_present=[scene.chair, *scene.members],
        outcome="declined",
        reasons="The school's plan has not yet had time to work.",
    )


@pytest.fixture
def decisions(world, scene):
    return [_decide(scene, world, name) for name in NAMES[:3]]


@pytest.fixture
def officer(world):
    return person(Role.LA_OFFICER, world.la)


def test_past_the_number_shown_the_home_page_says_how_many_and_links_to_them_all(
    officer, decisions, monkeypatch
):
    monkeypatch.setattr(attention, "LETTERS_SHOWN", 2)
    client = sign_in(Client(), officer)
    page = assert_page(
        client.get(reverse("home")),
        contains=[
            "Send the decision letters for Ada Brook",
            "Send the decision letters for Bea Brook",
            "All 3 decisions whose letters have not all been sent",
            "The oldest 2 are listed above.",
            f'href="{WHERE}"',
        ],
    )
    # the third is not on the home page, but is counted and is on the page linked to
    assert "Send the decision letters for Cal Brook" not in page
    assert_page(client.get(WHERE), contains=["Cal Brook", "Cal Carer"])


def test_with_no_more_than_shown_there_is_no_see_all_item(officer, decisions, monkeypatch):
    monkeypatch.setattr(attention, "LETTERS_SHOWN", 3)
    items = attention.letters_not_sent(officer)
    assert [item.title for item in items] == [
        f"Send the decision letters for {name} Brook" for name in NAMES[:3]
    ]


def test_the_page_lists_every_one_oldest_first_across_pages(officer, decisions, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = sign_in(Client(), officer)
    first = assert_page(
        client.get(WHERE),
        contains=["Decision letters not yet sent", "Showing 1 to 2 of 3 decisions", "?page=2"],
    )
    second = assert_page(client.get(WHERE, {"page": "2"}), contains="Showing 3 to 3 of 3 decisions")
    assert first.index("Ada Brook") < first.index("Bea Brook")
    assert "Cal Brook" not in first
    assert "Cal Brook" in second
    assert "Ada Brook" not in second
    for decision in decisions:
        href = reverse("panel:decision_detail", args=[decision.pk]) + "#letters"
        assert href in first + second
    # a page number past the end shows the last page, never an error
    assert_page(client.get(WHERE, {"page": "99"}), contains="Cal Brook")


def test_a_sent_letter_takes_the_decision_off_the_page(officer, decisions):
    carer = decisions[0].referral.pupil.carers.get()
    letters.send_letter(decisions[0], carer_id=carer.pk, method="post", by=officer)
    page = assert_page(sign_in(Client(), officer).get(WHERE), contains="Bea Brook")
    assert "Ada Brook" not in page


def test_another_las_officer_sees_none_of_them(world, decisions):
    other = person(Role.LA_OFFICER, world.other_la)
    page = assert_page(
        sign_in(Client(), other).get(WHERE),
        contains="Every decision letter to parents and carers has been sent.",
    )
    for name in NAMES[:3]:
        assert f"{name} Brook" not in page


@pytest.mark.parametrize("role", [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.HEADTEACHER])
def test_only_la_officers_have_the_page(world, decisions, role):
    where = world.school if role == Role.HEADTEACHER else world.la
    response = sign_in(Client(), person(role, where)).get(WHERE)
    assert response.status_code == 403


def test_the_page_reads_the_same_number_of_queries_however_many_decisions(world, scene, officer):
    client = sign_in(Client(), officer)
    _decide(scene, world, NAMES[0])
    client.get(WHERE)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert_page(client.get(WHERE), contains="Ada Brook")
    for name in NAMES[1:]:
        _decide(scene, world, name)
    with CaptureQueriesContext(connection) as four:
        assert_page(client.get(WHERE), contains=["Ada Brook", "Dee Brook"])
    assert len(four) == len(one)


def test_reading_the_page_is_access_logged(officer, decisions):
    # It names every child whose panel decision is waiting and their carers: a read of
    # many pupils' panel records, logged like the other lists of sensitive records.
    assert_read_logged(
        sign_in(Client(), officer).get(WHERE),
        action="panel.letters_not_sent_viewed",
        actor=officer,
        contains="Ada Brook",
    )


def test_a_letter_sent_while_the_home_page_reads_the_oldest_never_breaks_the_page(
    officer, decisions, monkeypatch
):
    """The home page reads the oldest decisions' ids (with the count), then those
    decisions by id and their letters. A colleague who sends the last letter of one of
    them between the reads takes it off the page (no item with nothing to send): the
    page must still be shown (the others listed), not fail with a server error."""
    from django.db.models import QuerySet

    real_in_bulk = QuerySet.in_bulk

    def colleague_sends_first(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        carer = decisions[0].referral.pupil.carers.get()
        letters.send_letter(decisions[0], carer_id=carer.pk, method="post", by=officer)
        return real_in_bulk(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "in_bulk", colleague_sends_first)
    page = assert_page(
        sign_in(Client(), officer).get(reverse("home")),
        contains=[
            "Send the decision letters for Bea Brook",
            "Send the decision letters for Cal Brook",
        ],
    )
    assert "Send the decision letters for Ada Brook" not in page


def test_a_parent_still_waiting_keeps_the_decision_listed_after_a_written_to_one_is_removed(
    world, officer, decisions
):
    """A letter went to one parent, whose record was then removed (the letter's record
    stays, naming no carer): the other parent, never written to, is still waiting, so
    the decision stays on the home page and the page listing them all."""
    from apcase.pupils.services import carers as carer_services

    pupil = decisions[0].referral.pupil
    written_to = pupil.carers.get()
    CarerFactory(pupil=pupil, name="Ada Second Carer", address="2 Elm Row\nMK1 1AA")
    letters.send_letter(decisions[0], carer_id=written_to.pk, method="post", by=officer)
    carer_services.remove_carer(by=person(Role.INCLUSION_LEAD, world.school), carer=written_to)

    titles = [item.title for item in attention.letters_not_sent(officer)]
    assert "Send the decision letters for Ada Brook" in titles
    assert_page(sign_in(Client(), officer).get(WHERE), contains="Ada Second Carer")
