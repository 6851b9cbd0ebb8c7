"""The children in alternative provision today: the home page of the school's inclusion
lead and headteacher lists the first 20 by surname, each with today's attendance, and
past them says how many there are in all, linking to the page that lists every one a
page at a time."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from apcase.core.pagination import PAGE_SIZE
from apcase.home.tests.worklist_page import work_list
from apcase.monitoring.attention import IN_AP_SHOWN
from apcase.monitoring.models import AttendanceMark
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged

TODAY = START + datetime.timedelta(days=7)  # a Monday of the placements
NOW = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(11, 0)))
IN_AP = "Children in alternative provision now"
PAGE = reverse("monitoring:in_ap_today")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _children(school, provider, start: int, count: int) -> list:
    staff = person(Role.SCHOOL_STAFF, school)
    return [
        make_placement(
            school,
            provider,
            pupil=make_pupil(school, legal_first_name="Child", legal_last_name=f"Pupil{n:03d}"),
            named_staff_member=staff,
        )
        for n in range(start, start + count)
    ]


def _in_ap_list(client: Client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert_page(response, contains=IN_AP)
    found = work_list(response.content.decode())
    return next(lists[IN_AP] for lists in found.values() if IN_AP in lists)


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD, Role.HEADTEACHER])
def test_past_20_children_the_home_page_says_how_many_and_links_to_every_one(
    role, world, user_with_role
):
    placements = _children(world.school, world.provider, 0, IN_AP_SHOWN + 1)
    mark = AttendanceMark.objects.create(
        placement=placements[0],
        pupil=placements[0].pupil,
        date=TODAY,
        session="am",
        observed="present",
        recorded_by=person(Role.PROVIDER_STAFF, world.provider),
        recorded_at=NOW,
    )
    _children(world.other_school, world.other_provider, 100, 1)
    client = sign_in(Client(), user_with_role(role))

    listed = _in_ap_list(client)

    assert len(listed) == IN_AP_SHOWN + 1
    assert [title for title, _ in listed[:IN_AP_SHOWN]] == [
        f"Child Pupil{n:03d} at {world.provider}" for n in range(IN_AP_SHOWN)
    ]
    assert listed[-1] == (f"All {IN_AP_SHOWN + 1} children in alternative provision today", PAGE)
    page = assert_page(
        client.get(PAGE),
        contains=[
            f"{IN_AP_SHOWN + 1} placements",
            f"Child Pupil{IN_AP_SHOWN:03d}",
            f"{mark.get_session_display()} {mark.observed_label}",
            "Present",
            "Not yet recorded",
        ],
        lacks="Pupil100",
    )
    assert page.count("Child Pupil") == IN_AP_SHOWN + 1


def test_with_20_children_or_fewer_the_home_page_lists_each_and_no_count(world, user_with_role):
    _children(world.school, world.provider, 0, IN_AP_SHOWN)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))

    listed = _in_ap_list(client)

    assert len(listed) == IN_AP_SHOWN
    assert not any(title.startswith("All ") for title, _ in listed)


def test_the_page_of_every_child_is_read_a_page_at_a_time(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    _children(world.school, world.provider, 0, 3)
    assert_page(client.get(PAGE), contains="3 placements")
    with CaptureQueriesContext(connection) as few:
        assert_page(client.get(PAGE))
    _children(world.school, world.provider, 3, PAGE_SIZE)
    total = PAGE_SIZE + 3
    with CaptureQueriesContext(connection) as many:
        assert_page(
            client.get(PAGE),
            contains=[f"Showing 1 to {PAGE_SIZE} of {total} placements", "Child Pupil000"],
            lacks=f"Child Pupil{PAGE_SIZE:03d}",
        )
    assert len(many) == len(few)
    assert_page(
        client.get(PAGE, {"page": "2"}),
        contains=[f"Showing {PAGE_SIZE + 1} to {total} of {total}", f"Child Pupil{total - 1:03d}"],
        lacks="Child Pupil000",
    )


def test_reading_the_page_is_access_logged(world, user_with_role):
    lead = user_with_role(Role.INCLUSION_LEAD)
    _children(world.school, world.provider, 0, 1)

    assert_read_logged(
        sign_in(Client(), lead).get(PAGE),
        action="monitoring.in_ap_today_viewed",
        actor=lead,
        contains="Pupil000",
    )


def test_a_child_at_two_providers_is_counted_once_and_listed_on_both_rows(world, user_with_role):
    """A child may attend a second provider part time: the home page's count is of
    children, the full page has a row for each placement."""
    placements = _children(world.school, world.provider, 0, IN_AP_SHOWN)
    second = ProviderFactory(name="Willow Farm Learning", local_authority=world.la)
    make_placement(
        world.school,
        second,
        pupil=placements[0].pupil,
        is_additional_part_time=True,
        sessions={(0, "am"), (2, "am")},
    )
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))

    listed = _in_ap_list(client)

    assert listed[-1] == (f"All {IN_AP_SHOWN} children in alternative provision today", PAGE)
    page = assert_page(
        client.get(PAGE), contains=[f"{IN_AP_SHOWN + 1} placements", "Willow Farm Learning"]
    )
    assert page.count("Child Pupil000") == 2
