"""The home page's placement reviews overdue stop at the most overdue few and say how
many there are in all; /reviews/due/ lists every one, a page at a time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

URL = reverse("reviews:due")


@pytest.fixture
def overdue(world, today):
    """Three placements with no review ever held, started 20, 14 and 10 weeks ago: all
    overdue, the first the longest."""
    return [
        make_placement(
            world.school,
            world.provider,
            pupil=make_pupil(world.school, legal_first_name=name, legal_last_name="Waiting"),
            start_date=today - datetime.timedelta(weeks=weeks),
        )
        for name, weeks in (("Ada", 20), ("Ben", 14), ("Cy", 10))
    ]


def test_past_the_cap_the_home_page_counts_them_all_and_links_to_the_list(
    world, overdue, monkeypatch
):
    monkeypatch.setattr("apcase.reviews.attention.REVIEWS_SHOWN", 2)
    officer = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    home = assert_page(officer.get(reverse("home")))
    assert "Ada Waiting" in home
    assert "Ben Waiting" in home
    assert "Cy Waiting" not in home  # the least overdue, past the two shown
    assert "All 3 placement reviews overdue or asked for" in home
    assert f'href="{URL}"' in home

    listed = assert_page(officer.get(URL), contains=["Placement reviews due", "3 placements"])
    assert listed.index("Ada Waiting") < listed.index("Ben Waiting") < listed.index("Cy Waiting")


def test_within_the_cap_there_is_no_count_item(world, overdue):
    officer = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    home = assert_page(officer.get(reverse("home")), contains="Cy Waiting")
    assert "placement reviews overdue or asked for" not in home


def test_the_list_comes_a_page_at_a_time_and_never_shows_another_las(world, overdue, monkeypatch):
    monkeypatch.setattr("apcase.core.pagination.PAGE_SIZE", 2)
    officer = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    first = assert_page(officer.get(URL), contains="Showing 1 to 2 of 3 placements")
    assert "Cy Waiting" not in first
    assert_page(officer.get(URL, {"page": "2"}), contains="Cy Waiting", lacks="Ada Waiting")
    assert_page(officer.get(URL, {"page": "abc"}), contains="Ada Waiting")
    other = sign_in(Client(), person(Role.LA_OFFICER, world.other_la))
    assert_page(
        other.get(URL),
        contains="No placement review is overdue or asked for.",
        lacks="Waiting",
    )


def test_the_list_is_refused_to_providers_and_the_panel(world, overdue):
    for role, organisation in (
        (Role.PROVIDER_MANAGER, world.provider),
        (Role.PANEL_CHAIR, world.la),
    ):
        response = sign_in(Client(), person(role, organisation)).get(URL)
        assert response.status_code == 403


def test_reading_the_list_is_access_logged(world, overdue):
    # It names every child whose review is overdue or asked for: a read of many
    # pupils' placements, logged like the other lists of sensitive records.
    officer = person(Role.LA_OFFICER, world.la)
    assert_page(sign_in(Client(), officer).get(URL), contains="Ada Waiting")
    assert AccessLogEntry.objects.filter(action="reviews.due_viewed", actor_id=officer.pk).exists()


def test_at_a_school_with_no_inclusion_lead_the_head_is_told_of_an_overdue_review(world, today):
    """Nobody holds the inclusion lead's role and the named staff member has left: the
    headteacher stands in (placements.watch.stand_ins), so the overdue review is on their
    home page and list, as it would be on an inclusion lead's, not only the LA's."""
    from apcase.accounts.models import Membership

    head = person(Role.HEADTEACHER, world.school, full_name="Hana Head")
    gone = person(Role.SCHOOL_STAFF, world.school, full_name="Sam Gone")
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Ada", legal_last_name="Waiting"),
        start_date=today - datetime.timedelta(weeks=20),
        named_staff_member=gone,
    )
    Membership.objects.filter(user=gone).update(is_active=False)

    client = sign_in(Client(), head)
    assert_page(client.get(reverse("home")), contains="Ada Waiting")
    assert_page(client.get(URL), contains=["Ada Waiting", "1 placement"])
