"""The referrals waiting for a panel meeting: the LA officer's home page lists the
longest waiting and, past them, says how many there are in all and links to the page
that lists every one, a page at a time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.home.tests.worklist_page import work_list
from apcase.referrals import attention
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged, queries_asked

NAMES = ("Ada", "Bea", "Cal", "Dee")
WHERE = reverse("referrals:awaiting_scheduling")
SUBMITTED = timezone.make_aware(datetime.datetime(2026, 10, 5, 10, 0))


def _submitted(world, first_name, days=0, **fields):
    pupil = make_pupil(world.school, legal_first_name=first_name, legal_last_name="Brook")
    referral = complete_referral(pupil, panel=make_panel(world.la))
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.SUBMITTED,
        submitted_at=SUBMITTED + datetime.timedelta(days=days),
        **fields,
    )
    return referral


@pytest.fixture
def referrals(world):
    return [_submitted(world, name, days) for days, name in enumerate(NAMES[:3])]


@pytest.fixture
def officer(world):
    return person(Role.LA_OFFICER, world.la)


def _waiting_listed(client):
    page = assert_page(client.get(reverse("home")))
    lists = work_list(page)["Local authority officer"]
    return [text for text, _ in lists["Referrals awaiting scheduling"]]


def test_past_the_number_shown_the_home_page_says_how_many_and_links_to_them_all(
    officer, referrals, monkeypatch
):
    monkeypatch.setattr(attention, "AWAITING_SHOWN", 2)
    client = sign_in(Client(), officer)
    assert _waiting_listed(client) == [
        "Referral for Ada Brook awaits a panel meeting",
        "Referral for Bea Brook awaits a panel meeting",
        "All 3 referrals awaiting a panel meeting",
    ]
    page = assert_page(
        client.get(reverse("home")), contains="The 2 waiting longest are listed above."
    )
    assert f'href="{WHERE}"' in page
    # the third is not on the home page, but is counted and is on the page linked to
    assert_page(
        client.get(WHERE),
        contains=[
            "Cal Brook",
            reverse("referrals:detail", args=[referrals[2].pk]),
            "submitted on 7 October 2026",
        ],
    )


def test_with_no_more_than_shown_there_is_no_see_all_item(officer, referrals, monkeypatch):
    monkeypatch.setattr(attention, "AWAITING_SHOWN", 3)
    assert _waiting_listed(sign_in(Client(), officer)) == [
        f"Referral for {name} Brook awaits a panel meeting" for name in NAMES[:3]
    ]


def test_the_page_lists_every_one_longest_waiting_first_across_pages(
    officer, referrals, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = sign_in(Client(), officer)
    first = assert_page(
        client.get(WHERE),
        contains=["Referrals awaiting a panel meeting", "Showing 1 to 2 of 3 referrals", "?page=2"],
    )
    second = assert_page(client.get(WHERE, {"page": "2"}), contains="Showing 3 to 3 of 3 referrals")
    assert first.index("Ada Brook") < first.index("Bea Brook")
    assert "Cal Brook" not in first
    assert "Cal Brook" in second
    assert "Ada Brook" not in second
    assert_page(client.get(WHERE, {"page": "99"}), contains="Cal Brook")


def test_a_deferred_referral_waits_and_a_scheduled_one_does_not(world, officer, referrals):
    meeting = make_meeting(make_panel(world.la), date=datetime.date(2026, 10, 20))
    Referral.objects.filter(pk=referrals[0].pk).update(
        status=Referral.Status.DEFERRED, meeting=meeting
    )
    Referral.objects.filter(pk=referrals[1].pk).update(
        status=Referral.Status.SCHEDULED, meeting=meeting
    )
    page = assert_page(
        sign_in(Client(), officer).get(WHERE),
        contains=["Ada Brook", "deferred at the panel meeting on 20 October 2026", "Cal Brook"],
    )
    assert "Bea Brook" not in page


def test_another_las_officer_sees_none_of_them(world, referrals):
    other = person(Role.LA_OFFICER, world.other_la)
    page = assert_page(
        sign_in(Client(), other).get(WHERE),
        contains="Every referral to your panels is on a meeting's agenda.",
    )
    for name in NAMES[:3]:
        assert f"{name} Brook" not in page


def test_the_home_page_and_the_page_ask_as_many_queries_past_the_number_shown(
    world, officer, monkeypatch
):
    monkeypatch.setattr(attention, "AWAITING_SHOWN", 2)
    client = sign_in(Client(), officer)
    _submitted(world, NAMES[0])
    client.get(WHERE)  # warm the session

    urls = (WHERE, reverse("home"))
    few = queries_asked(client, urls, contains="Ada Brook")
    for days, name in enumerate(NAMES[1:], start=1):
        _submitted(world, name, days)
    assert queries_asked(client, urls, contains="Ada Brook") == few
    assert "All 4 referrals awaiting a panel meeting" in _waiting_listed(client)


def test_reading_the_page_is_access_logged(officer, referrals):
    assert_read_logged(
        sign_in(Client(), officer).get(WHERE),
        action="referrals.awaiting_scheduling_viewed",
        actor=officer,
        contains="Ada Brook",
    )
