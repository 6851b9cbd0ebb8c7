"""The plans awaiting a provider's agreement: the home page lists the first and, past
them, says how many there are in all and links to the page that lists every one, a page
at a time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.home.tests.worklist_page import work_list
from apcase.placements import attention, services
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged, queries_asked

NAMES = ("Ada", "Bea", "Cal", "Dee")
WHERE = reverse("placements:provider_plans_to_agree")


def _planned(world, first_name, days=0):
    pupil = make_pupil(world.school, legal_first_name=first_name, legal_last_name="Brook")
    return make_placement(
        world.school,
        world.provider,
        pupil=pupil,
        status=Placement.Status.PLANNED,
        start_date=START + datetime.timedelta(days=days),
    )


@pytest.fixture
def placements(world):
    return [_planned(world, name, days) for days, name in enumerate(NAMES[:3])]


@pytest.fixture
def manager(world):
    return person(Role.PROVIDER_MANAGER, world.provider)


def _plans_listed(client):
    page = assert_page(client.get(reverse("home")))
    return [
        text for text, _ in work_list(page)["Provider DSL / manager"]["Plans awaiting agreement"]
    ]


def test_past_the_number_shown_the_home_page_says_how_many_and_links_to_them_all(
    manager, placements, monkeypatch
):
    monkeypatch.setattr(attention, "PROVIDER_PLANS_SHOWN", 2)
    client = sign_in(Client(), manager)
    assert _plans_listed(client) == [
        "Plan awaiting your agreement: Ada Brook",
        "Plan awaiting your agreement: Bea Brook",
        "All 3 plans awaiting your agreement",
    ]
    page = assert_page(client.get(reverse("home")), contains="The first 2 are listed above.")
    assert f'href="{WHERE}"' in page
    # the third is not on the home page, but is counted and is on the page linked to
    assert_page(
        client.get(WHERE),
        contains=["Cal Brook", reverse("placements:detail", args=[placements[2].pk])],
    )


def test_with_no_more_than_shown_there_is_no_see_all_item(manager, placements, monkeypatch):
    monkeypatch.setattr(attention, "PROVIDER_PLANS_SHOWN", 3)
    assert _plans_listed(sign_in(Client(), manager)) == [
        f"Plan awaiting your agreement: {name} Brook" for name in NAMES[:3]
    ]


def test_the_page_lists_every_one_earliest_start_first_across_pages(
    manager, placements, monkeypatch
):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = sign_in(Client(), manager)
    first = assert_page(
        client.get(WHERE),
        contains=["Plans awaiting your agreement", "Showing 1 to 2 of 3 placements", "?page=2"],
    )
    second = assert_page(
        client.get(WHERE, {"page": "2"}), contains="Showing 3 to 3 of 3 placements"
    )
    assert first.index("Ada Brook") < first.index("Bea Brook")
    assert "Cal Brook" not in first
    assert "Cal Brook" in second
    assert "Ada Brook" not in second
    assert_page(client.get(WHERE, {"page": "99"}), contains="Cal Brook")


def test_the_providers_agreement_takes_the_plan_off_the_page_until_the_plan_changes(
    manager, placements
):
    services.record_provider_agreement(placements[0], by=manager)
    client = sign_in(Client(), manager)
    page = assert_page(client.get(WHERE), contains="Bea Brook")
    assert "Ada Brook" not in page
    # a new version of the plan waits for the provider's agreement again
    Placement.objects.filter(pk=placements[0].pk).update(plan_version=2)
    assert_page(client.get(WHERE), contains="Ada Brook")


def test_another_providers_staff_see_none_of_them(world, placements):
    other = person(Role.PROVIDER_MANAGER, world.other_provider)
    page = assert_page(
        sign_in(Client(), other).get(WHERE),
        contains="Your provider has agreed to the plan of every open placement.",
    )
    for name in NAMES[:3]:
        assert f"{name} Brook" not in page


def test_the_home_page_and_the_page_ask_as_many_queries_past_the_number_shown(
    world, manager, monkeypatch
):
    monkeypatch.setattr(attention, "PROVIDER_PLANS_SHOWN", 2)
    client = sign_in(Client(), manager)
    _planned(world, NAMES[0])
    client.get(WHERE)  # warm the session

    urls = (WHERE, reverse("home"))
    few = queries_asked(client, urls, contains="Ada Brook")
    for days, name in enumerate(NAMES[1:], start=1):
        _planned(world, name, days)
    assert queries_asked(client, urls, contains="Ada Brook") == few
    assert "All 4 plans awaiting your agreement" in _plans_listed(client)


def test_reading_the_page_is_access_logged(manager, placements):
    assert_read_logged(
        sign_in(Client(), manager).get(WHERE),
        action="placements.provider_plans_to_agree_viewed",
        actor=manager,
        contains="Ada Brook",
    )
