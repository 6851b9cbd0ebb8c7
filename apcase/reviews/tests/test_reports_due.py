"""The reports a provider is asked for before its pupils' placement reviews: the home
page lists the first and, past them, says how many there are in all and links to the
page that lists every one, a page at a time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.home.tests.worklist_page import work_list
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.reviews import attention
from apcase.reviews.models import ProviderReport
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged, queries_asked

NAMES = ("Ada", "Bea", "Cal", "Dee")
WHERE = reverse("reviews:reports_due")


def _placed(world, first_name):
    """Eight weeks in, with no review held: its first is overdue, so its report is due."""
    pupil = make_pupil(world.school, legal_first_name=first_name, legal_last_name="Brook")
    return make_placement(
        world.school,
        world.provider,
        pupil=pupil,
        start_date=timezone.localdate() - datetime.timedelta(weeks=8),
    )


@pytest.fixture
def placements(world):
    return [_placed(world, name) for name in NAMES[:3]]


@pytest.fixture
def staff(world):
    return person(Role.PROVIDER_STAFF, world.provider)


def _reports_listed(client):
    page = assert_page(client.get(reverse("home")))
    lists = work_list(page)["Provider staff"]
    return [text for text, _ in lists.get("Reviews and visits due", [])]


def test_past_the_number_shown_the_home_page_says_how_many_and_links_to_them_all(
    staff, placements, monkeypatch
):
    monkeypatch.setattr(attention, "REPORTS_SHOWN", 2)
    client = sign_in(Client(), staff)
    assert _reports_listed(client) == [
        "Write your report for the review of Ada Brook",
        "Write your report for the review of Bea Brook",
        "All 3 reports due for a placement review",
    ]
    page = assert_page(client.get(reverse("home")), contains="The first 2 are listed above.")
    assert f'href="{WHERE}"' in page
    # the third is not on the home page, but is counted and is on the page linked to
    assert_page(
        client.get(WHERE),
        contains=["Cal Brook", reverse("reviews:provider_report", args=[placements[2].pk])],
    )


def test_with_no_more_than_shown_there_is_no_see_all_item(staff, placements, monkeypatch):
    monkeypatch.setattr(attention, "REPORTS_SHOWN", 3)
    assert _reports_listed(sign_in(Client(), staff)) == [
        f"Write your report for the review of {name} Brook" for name in NAMES[:3]
    ]


def test_the_page_lists_every_one_across_pages(staff, placements, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = sign_in(Client(), staff)
    first = assert_page(
        client.get(WHERE),
        contains=["Reports due for reviews", "Showing 1 to 2 of 3 reports", "?page=2"],
    )
    second = assert_page(client.get(WHERE, {"page": "2"}), contains="Showing 3 to 3 of 3 reports")
    assert first.index("Ada Brook") < first.index("Bea Brook")
    assert "Cal Brook" not in first
    assert "Cal Brook" in second
    assert "Ada Brook" not in second
    assert_page(client.get(WHERE, {"page": "99"}), contains="Cal Brook")


def test_a_written_report_takes_the_pupil_off_the_page(staff, placements):
    ProviderReport.objects.create(placement=placements[0], written_by=staff)
    page = assert_page(sign_in(Client(), staff).get(WHERE), contains="Bea Brook")
    assert "Ada Brook" not in page


def test_another_providers_staff_see_none_of_them(world, placements):
    other = person(Role.PROVIDER_STAFF, world.other_provider)
    page = assert_page(sign_in(Client(), other).get(WHERE), contains="No report is due")
    for name in NAMES[:3]:
        assert f"{name} Brook" not in page


def test_the_home_page_and_the_page_ask_as_many_queries_past_the_number_shown(
    world, staff, monkeypatch
):
    monkeypatch.setattr(attention, "REPORTS_SHOWN", 2)
    client = sign_in(Client(), staff)
    _placed(world, NAMES[0])
    client.get(WHERE)  # warm the session

    urls = (WHERE, reverse("home"))
    few = queries_asked(client, urls, contains="Ada Brook")
    for name in NAMES[1:]:
        _placed(world, name)
    assert queries_asked(client, urls, contains="Ada Brook") == few
    assert "All 4 reports due for a placement review" in _reports_listed(client)


def test_reading_the_page_is_access_logged(staff, placements):
    assert_read_logged(
        sign_in(Client(), staff).get(WHERE),
        action="reviews.reports_due_viewed",
        actor=staff,
        contains="Ada Brook",
    )
