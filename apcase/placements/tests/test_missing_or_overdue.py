"""What is missing or overdue on the school's open placements: the home page lists the
first 20 and, past them, says how many there are in all, linking to the page that lists
every one a page at a time."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.home.tests.worklist_page import work_list
from apcase.placements.attention import CONCERNS_SHOWN
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged

LIST = "Placements"
PAGE = reverse("placements:missing_or_overdue")


def _without_sites(school, provider, start: int, count: int, named=None) -> None:
    """Active placements with no site recorded: one thing missing on each."""
    named = named or person(Role.SCHOOL_STAFF, school)
    for n in range(start, start + count):
        placement = make_placement(
            school,
            provider,
            pupil=make_pupil(school, legal_first_name="Child", legal_last_name=f"Gap{n:03d}"),
            named_staff_member=named,
            planned_end_date=timezone.localdate() + datetime.timedelta(days=365),
        )
        placement.sites.clear()


def _listed(client: Client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert_page(response)
    found = work_list(response.content.decode())
    return next(lists[LIST] for lists in found.values() if LIST in lists)


def test_past_20_the_home_page_says_how_many_and_links_to_every_one(world, user_with_role):
    _without_sites(world.school, world.provider, 0, CONCERNS_SHOWN + 1)
    _without_sites(world.other_school, world.other_provider, 100, 1)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))

    listed = _listed(client)

    assert len(listed) == CONCERNS_SHOWN + 1
    assert [title for title, _ in listed[:CONCERNS_SHOWN]] == [
        f"No site recorded: Child Gap{n:03d}" for n in range(CONCERNS_SHOWN)
    ]
    assert listed[-1] == (
        f"All {CONCERNS_SHOWN + 1} things missing or overdue on placements",
        PAGE,
    )
    page = assert_page(
        client.get(PAGE),
        contains=[
            f"{CONCERNS_SHOWN + 1} things missing or overdue",
            f"No site recorded: Child Gap{CONCERNS_SHOWN:03d}",
        ],
        lacks="Gap100",
    )
    assert page.count("No site recorded") == CONCERNS_SHOWN + 1


def test_a_member_of_staff_sees_those_on_the_placements_they_are_named_on(world, user_with_role):
    staff = user_with_role(Role.SCHOOL_STAFF)
    _without_sites(world.school, world.provider, 0, 2, named=staff)
    _without_sites(world.school, world.provider, 2, 1)

    assert_page(
        sign_in(Client(), staff).get(PAGE),
        contains=["2 things missing or overdue", "Child Gap001"],
        lacks="Child Gap002",
    )


def test_reading_the_page_is_access_logged(world, user_with_role):
    lead = user_with_role(Role.INCLUSION_LEAD)
    _without_sites(world.school, world.provider, 0, 1)

    assert_read_logged(
        sign_in(Client(), lead).get(PAGE),
        action="placements.missing_or_overdue_viewed",
        actor=lead,
        contains="Child Gap000",
    )


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.SCHOOL_DSL])
def test_at_a_school_with_no_inclusion_lead_whoever_stands_in_is_shown_every_placement(
    role, world, user_with_role
):
    """Nobody holds the inclusion lead's role (nor, for the DSL, the headteacher's):
    whoever stands in is shown what is missing on placements they are not named on, as
    the daily alert tells them, rather than nobody at the school seeing it."""
    stand_in = user_with_role(role)
    _without_sites(world.school, world.provider, 0, 1)

    assert (
        "No site recorded: Child Gap000",
        reverse("placements:detail", kwargs={"placement_id": Placement.objects.get().pk}),
    ) in _listed(sign_in(Client(), stand_in))
    assert_page(sign_in(Client(), stand_in).get(PAGE), contains="No site recorded: Child Gap000")


def test_where_the_school_has_an_inclusion_lead_the_headteacher_sees_only_their_own(
    world, user_with_role
):
    user_with_role(Role.INCLUSION_LEAD)
    head = user_with_role(Role.HEADTEACHER)
    _without_sites(world.school, world.provider, 0, 1)

    assert_page(sign_in(Client(), head).get(PAGE), lacks="Child Gap000")
