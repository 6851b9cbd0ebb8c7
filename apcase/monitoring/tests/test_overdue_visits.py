"""Overdue visits: the home page lists the 20 overdue longest and, past them, says how
many placements have a visit overdue in all, linking to the page that lists every one a
page at a time (an authority's officer stands in at each of its schools where nobody
holds a stand-in role, so the list grows with the authority)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import pagination
from apcase.home.tests.worklist_page import work_list
from apcase.monitoring.attention import VISITS_SHOWN
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged

TODAY = START + datetime.timedelta(weeks=10)  # every placement below is past its first visit
NOW = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(11, 0)))
LIST = "Reviews and visits due"
PAGE = reverse("monitoring:overdue_visits")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _overdue(school, provider, n: int, named, *, pupil=None, days_later: int = 0, **fields):
    """A placement of child `Gap{n}` with no visit, its first visit due six weeks after
    its start (`days_later` days after START)."""
    pupil = pupil or make_pupil(school, legal_first_name="Child", legal_last_name=f"Gap{n:03d}")
    return make_placement(
        school,
        provider,
        pupil=pupil,
        named_staff_member=named,
        start_date=START + datetime.timedelta(days=days_later),
        **fields,
    )


def _visits_listed(client: Client) -> list[tuple[str, str]]:
    page = assert_page(client.get(reverse("home")))
    lists = work_list(page)
    found = next((found[LIST] for found in lists.values() if LIST in found), [])
    return [
        (title, href)
        for title, href in found
        if title.startswith("Visit ") or title.endswith("with a visit overdue")
    ]


@pytest.fixture
def staff(world):
    return person(Role.SCHOOL_STAFF, world.school)


@pytest.fixture
def many(world, staff):
    """VISITS_SHOWN children with one overdue placement each, the later the higher the
    number, and one child (Gap999) placed at two providers: VISITS_SHOWN + 2 placements."""
    placements = [
        _overdue(world.school, world.provider, n, staff, days_later=n) for n in range(VISITS_SHOWN)
    ]
    twice = make_pupil(world.school, legal_first_name="Child", legal_last_name="Gap999")
    second_provider = type(world.provider).objects.create(
        name="Second Provider", kind=world.provider.kind, local_authority=world.la
    )
    mornings = {(day, "am") for day in range(5)}
    placements.append(
        _overdue(
            world.school,
            world.provider,
            999,
            staff,
            pupil=twice,
            days_later=VISITS_SHOWN,
            sessions=mornings,
        )
    )
    placements.append(
        _overdue(
            world.school,
            second_provider,
            999,
            staff,
            pupil=twice,
            days_later=VISITS_SHOWN,
            sessions={(day, "pm") for day in range(5)},
            is_additional_part_time=True,
        )
    )
    # Another school's overdue visit is never counted here.
    _overdue(
        world.other_school, world.other_provider, 500, person(Role.SCHOOL_STAFF, world.other_school)
    )
    return placements


def test_past_20_the_home_page_lists_the_20_overdue_longest_and_how_many_placements_in_all(
    staff, many
):
    listed = _visits_listed(sign_in(Client(), staff))

    assert len(listed) == VISITS_SHOWN + 1
    assert [title for title, _ in listed[:VISITS_SHOWN]] == [
        f"Visit Child Gap{n:03d} at {many[n].provider}" for n in range(VISITS_SHOWN)
    ]
    # Counted a placement each: the child at two providers has two visits to arrange.
    assert listed[-1] == (f"All {VISITS_SHOWN + 2} placements with a visit overdue", PAGE)


def test_with_no_more_than_20_there_is_no_all_item(world, staff):
    for n in range(VISITS_SHOWN):
        _overdue(world.school, world.provider, n, staff, days_later=n)

    listed = _visits_listed(sign_in(Client(), staff))

    assert len(listed) == VISITS_SHOWN
    assert not any(title.startswith("All ") for title, _ in listed)


def test_the_page_lists_every_one_overdue_longest_first_a_page_at_a_time(staff, many, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 10)
    client = sign_in(Client(), staff)
    total = VISITS_SHOWN + 2
    pages = [
        assert_page(client.get(PAGE, {"page": str(number)}), contains="Overdue visits")
        for number in (1, 2, 3)
    ]

    assert f"Showing 1 to 10 of {total} placements" in pages[0]
    assert f"Showing 21 to {total} of {total} placements" in pages[2]
    names = [f"Child Gap{n:03d}" for n in range(VISITS_SHOWN)]
    assert [page.count("Child Gap0") for page in pages] == [10, 10, 0]
    for name in names:
        assert sum(page.count(f">{name}<") for page in pages) == 1, name
    # The child placed twice is on two rows, the last page's.
    assert pages[2].count(">Child Gap999<") == 2
    assert "Second Provider" in pages[2]
    first = pages[0]
    assert first.index("Child Gap000") < first.index("Child Gap001")
    assert "Gap500" not in "".join(pages)
    assert reverse("monitoring:placement", args=[many[0].pk]) in first


@pytest.mark.parametrize("number", ["0", "-1", "99", "abc", "1e9", "2.5", ""])
def test_a_bad_page_number_shows_a_page_never_an_error(staff, many, number):
    assert_page(sign_in(Client(), staff).get(PAGE, {"page": number}), contains="Child Gap")


def test_an_officer_is_given_those_of_the_authoritys_schools_where_nobody_stands_in(
    world, user_with_role
):
    # Nobody at the school holds a stand-in role and the named member of staff now works
    # elsewhere: the authority's officers are who arrange the visit.
    gone = person(Role.SCHOOL_STAFF, world.other_school)
    for n in range(VISITS_SHOWN + 1):
        _overdue(world.school, world.provider, n, gone, days_later=n)
    officer = user_with_role(Role.LA_OFFICER)
    client = sign_in(Client(), officer)

    listed = _visits_listed(client)

    assert len(listed) == VISITS_SHOWN + 1
    assert listed[-1] == (f"All {VISITS_SHOWN + 1} placements with a visit overdue", PAGE)
    page = assert_page(client.get(PAGE), contains=f"Child Gap{VISITS_SHOWN:03d}")
    assert "Heronsgate School" in page
    other_officer = user_with_role(Role.LA_OFFICER, world.other_la)
    assert_page(
        sign_in(Client(), other_officer).get(PAGE),
        contains="No visit you are to arrange is overdue.",
        lacks="Child Gap",
    )


def test_a_member_of_staff_sees_only_the_placements_they_are_named_for(world, staff):
    _overdue(world.school, world.provider, 1, staff)
    _overdue(world.school, world.provider, 2, person(Role.SCHOOL_STAFF, world.school))

    assert_page(
        sign_in(Client(), staff).get(PAGE),
        contains=["Child Gap001", "(1 placement)"],
        lacks="Child Gap002",
    )


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.PANEL_CHAIR, Role.LA_ADMIN])
def test_nobody_who_arranges_no_visits_is_let_in(role, user_with_role):
    assert_page(sign_in(Client(), user_with_role(role)).get(PAGE), status=403)


def test_reading_the_page_is_access_logged(world, staff):
    _overdue(world.school, world.provider, 1, staff)
    assert_read_logged(
        sign_in(Client(), staff).get(PAGE),
        action="monitoring.overdue_visits_viewed",
        actor=staff,
        contains="Child Gap001",
    )
