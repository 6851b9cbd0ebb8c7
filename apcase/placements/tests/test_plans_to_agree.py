"""Plans awaiting agreement: the home page of the school's inclusion lead and
headteacher lists the first 20, starting soonest, each with the parties still to agree;
past them it says how many there are in all and links to the page listing every one a
page at a time."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core.pagination import PAGE_SIZE
from apcase.home.tests.worklist_page import work_list
from apcase.placements.attention import PLANS_SHOWN
from apcase.placements.models import Placement, PlacementAgreement
from apcase.placements.tests.factories import START, agree_all, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged

PLANS = "Plans awaiting agreement"
PAGE = reverse("placements:plans_to_agree")


def _planned(world, start: int, count: int, *, school=None, provider=None) -> list[Placement]:
    school, provider = school or world.school, provider or world.provider
    staff = person(Role.SCHOOL_STAFF, school)
    return [
        make_placement(
            school,
            provider,
            pupil=make_pupil(school, legal_first_name="Child", legal_last_name=f"Plan{n:03d}"),
            named_staff_member=staff,
            status=Placement.Status.PLANNED,
            start_date=START + datetime.timedelta(days=n),
        )
        for n in range(start, start + count)
    ]


def _plans_listed(client: Client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert_page(response, contains=PLANS)
    found = work_list(response.content.decode())
    return next(lists[PLANS] for lists in found.values() if PLANS in lists)


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD, Role.HEADTEACHER])
def test_past_20_plans_the_home_page_says_how_many_and_links_to_every_one(
    role, world, user_with_role
):
    user = user_with_role(role)
    placements = _planned(world, 0, PLANS_SHOWN + 2)
    agree_all(placements[1], user)  # agreed by every party: on neither list
    PlacementAgreement.objects.create(
        placement=placements[0],
        party=PlacementAgreement.Party.PARENT,
        agreed_by_name="A parent",
        agreed_on=START,
        plan_version=placements[0].plan_version,
        recorded_by=user,
    )
    _planned(world, 200, 1, school=world.other_school, provider=world.other_provider)
    client = sign_in(Client(), user)

    listed = _plans_listed(client)

    assert len(listed) == PLANS_SHOWN + 1
    shown = [0, *range(2, PLANS_SHOWN + 1)]
    assert [title for title, _ in listed[:PLANS_SHOWN]] == [
        f"Plan awaiting agreement: Child Plan{n:03d} at {world.provider}" for n in shown
    ]
    assert listed[-1] == (f"All {PLANS_SHOWN + 1} plans awaiting agreement", PAGE)
    page = assert_page(
        client.get(PAGE),
        contains=[
            f"{PLANS_SHOWN + 1} plans",
            f"Child Plan{PLANS_SHOWN + 1:03d}",
            "School, Provider",
        ],
        lacks=["Child Plan001", "Plan200"],
    )
    assert page.count("Child Plan") == PLANS_SHOWN + 1


def test_the_page_of_every_plan_is_read_a_page_at_a_time(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    _planned(world, 0, 3)
    assert_page(client.get(PAGE), contains="3 plans")
    with CaptureQueriesContext(connection) as few:
        assert_page(client.get(PAGE))
    _planned(world, 3, PAGE_SIZE)
    total = PAGE_SIZE + 3
    with CaptureQueriesContext(connection) as many:
        assert_page(
            client.get(PAGE),
            contains=[f"Showing 1 to {PAGE_SIZE} of {total} plans", "Child Plan000"],
            lacks=f"Child Plan{PAGE_SIZE:03d}",
        )
    assert len(many) == len(few)
    assert_page(
        client.get(PAGE, {"page": "2"}),
        contains=f"Child Plan{total - 1:03d}",
        lacks="Child Plan000",
    )


def test_reading_the_page_is_access_logged(world, user_with_role):
    lead = user_with_role(Role.INCLUSION_LEAD)
    _planned(world, 0, 1)

    assert_read_logged(
        sign_in(Client(), lead).get(PAGE),
        action="placements.plans_to_agree_viewed",
        actor=lead,
        contains="Plan000",
    )
