"""The pupil page asks as many queries for a child with several placements, each with
its marks, reviews and check-ins, as for a child with one: each section reads the
pupil's placements once for them all."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring.models import AttendanceMark
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page


def _ended(school, provider, pupil, weeks_ago):  # type: ignore[no-untyped-def]
    start = START - datetime.timedelta(weeks=weeks_ago)
    placement = make_placement(
        school,
        provider,
        pupil=pupil,
        status=Placement.Status.ENDED,
        start_date=start,
        planned_end_date=start + datetime.timedelta(weeks=2),
        started_at=datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC),
        ended_on=start + datetime.timedelta(weeks=2),
    )
    AttendanceMark.objects.create(
        placement=placement,
        pupil=pupil,
        date=start,
        session="am",
        observed="present",
        recorded_by=person(Role.PROVIDER_STAFF, provider),
        recorded_at=datetime.datetime.combine(start, datetime.time(10), tzinfo=datetime.UTC),
    )
    return placement


def test_the_pupil_page_asks_as_many_queries_for_three_placements_as_for_one(
    world, user_with_role, django_assert_max_num_queries
):
    pupil = make_pupil(world.school)
    make_placement(world.school, world.provider, pupil=pupil)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    url = reverse("pupils:detail", args=[pupil.pk])
    assert_page(client.get(url))  # the session, warmed
    with CaptureQueriesContext(connection) as one:
        assert_page(client.get(url))

    _ended(world.school, world.provider, pupil, weeks_ago=20)
    _ended(world.school, world.provider, pupil, weeks_ago=10)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert_page(client.get(url))


def test_the_pupil_and_the_view_a_party_gets_of_them_are_read_at_once(world, client_for):
    """Which view of the pupil a user gets (the school's, the panel's, the provider's)
    comes with the pupil's row, not from a query per party after it."""
    from apcase.chronology.models import AccessLogEntry

    pupil = make_pupil(world.school)
    make_placement(world.school, world.provider, pupil=pupil)
    client = client_for(Role.PROVIDER_STAFF)
    with CaptureQueriesContext(connection) as asked:
        assert_page(client.get(reverse("pupils:detail", args=[pupil.pk])))
    reads = [q["sql"] for q in asked.captured_queries if 'FROM "pupils_pupil"' in q["sql"]]
    assert len(reads) == 1, reads
    assert AccessLogEntry.objects.filter(
        action="pupil.viewed.placement", pupil_id=pupil.pk
    ).exists()


def test_a_pupil_with_no_exclusions_is_shown_without_reading_the_school_calendar(
    world, user_with_role
):
    """The calendar only counts school days of suspension: with none to count, the
    page says so without the two reads of term dates and closures."""
    pupil = make_pupil(world.school)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    with CaptureQueriesContext(connection) as asked:
        assert_page(
            client.get(reverse("pupils:detail", args=[pupil.pk])),
            contains="No suspensions or exclusions recorded.",
        )
    calendar = [q["sql"] for q in asked.captured_queries if "schooldays_" in q["sql"]]
    assert calendar == []


def test_the_pupils_placements_are_listed_newest_first_and_the_later_made_first_on_a_tie(
    world, user_with_role
):
    pupil = make_pupil(world.school)
    first = _ended(world.school, world.provider, pupil, weeks_ago=20)
    tie = _ended(world.school, world.provider, pupil, weeks_ago=20)
    latest = make_placement(world.school, world.provider, pupil=pupil)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    page = assert_page(client.get(reverse("pupils:detail", args=[pupil.pk])))
    links = [reverse("placements:detail", args=[p.pk]) for p in (latest, tie, first)]
    found = [page.index(f'href="{link}"') for link in links]
    assert found == sorted(found)
