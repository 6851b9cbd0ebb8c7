"""Closed follow-ups have a list of their own, linked from the open ones: who closed
each and when, for the same people who see the open list."""

from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring import workflow
from apcase.monitoring.models import FollowUpTask
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page, assert_read_logged


def _closed_task(school, provider, first_name, closer):
    placement = make_placement(
        school, provider, pupil=make_pupil(school, legal_first_name=first_name)
    )
    task = FollowUpTask.objects.create(
        placement=placement,
        kind=FollowUpTask.Kind.ABSENCE,
        date=placement.start_date,
        session="am",
        detail=f"{first_name} was absent without a reason.",
    )
    return workflow.close_follow_up(
        task,
        by=closer,
        who_was_contacted="Mother, by phone",
        where_the_child_is="At home, unwell",
        action_taken="Agreed to send work home",
    )


def test_the_open_list_links_to_closed_follow_ups_with_who_closed_them_and_when(world):
    lead = person(Role.INCLUSION_LEAD, world.school, full_name="Amara Okafor")
    other_lead = person(Role.INCLUSION_LEAD, world.other_school)
    task = _closed_task(world.school, world.provider, "Noor", lead)
    _closed_task(world.other_school, world.other_provider, "Zed", other_lead)
    client = sign_in(Client(), lead)

    open_list = assert_page(client.get(reverse("monitoring:tasks")))
    assert "Closed follow-ups" in open_list
    assert reverse("monitoring:closed_tasks") in client.get(reverse("monitoring:tasks")).text

    page = assert_page(
        client.get(reverse("monitoring:closed_tasks")),
        contains=[
            "Noor",
            "Amara Okafor",
            f"{task.closed_at:%-d %B %Y}",
            "At home, unwell",
            "Back to open follow-ups",
        ],
        lacks=["Zed"],
    )
    assert "Noor was absent without a reason." in page


def test_someone_who_sees_no_follow_ups_is_refused_the_closed_list(world):
    client = sign_in(Client(), person(Role.PROVIDER_STAFF, world.provider))

    assert_page(client.get(reverse("monitoring:closed_tasks")), status=403)


def test_every_closed_follow_up_is_listed_a_page_at_a_time_newest_first(world):
    """The list stopped at the latest 200, leaving older ones unsaid; now every one is
    on a page, and the page reads as many queries for 120 as for 3."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apcase.core.pagination import PAGE_SIZE

    lead = person(Role.INCLUSION_LEAD, world.school)
    placement = make_placement(world.school, world.provider, pupil=make_pupil(world.school))
    now = timezone.now()

    def closed(start: int, count: int) -> None:
        FollowUpTask.objects.bulk_create(
            FollowUpTask(
                placement=placement,
                kind=FollowUpTask.Kind.ABSENCE,
                date=placement.start_date - datetime.timedelta(days=n),
                session="am",
                detail=f"Absence number {n:03d}.",
                status=FollowUpTask.Status.CLOSED,
                closed_by=lead,
                closed_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(start, start + count)
        )

    client = sign_in(Client(), lead)
    url = reverse("monitoring:closed_tasks")
    closed(0, 3)
    assert_page(client.get(url), contains="3 closed follow-ups, the most recently closed first")
    with CaptureQueriesContext(connection) as few:
        assert_page(client.get(url))
    closed(3, 117)
    with CaptureQueriesContext(connection) as many:
        first = assert_page(client.get(url), contains=f"Showing 1 to {PAGE_SIZE} of 120 closed")
    assert len(many) == len(few)
    assert "Absence number 000." in first
    assert f"Absence number {PAGE_SIZE:03d}." not in first
    last = assert_page(
        client.get(url, {"page": "3"}),
        contains=["Showing 101 to 120 of 120", "Absence number 119.", 'rel="prev"'],
        lacks="Absence number 099.",
    )
    assert 'aria-current="page">3</a>' in last
    assert_page(client.get(url, {"page": "nonsense"}), contains="Absence number 000.")


def test_every_open_follow_up_is_listed_a_page_at_a_time_oldest_first(world):
    """The home page lists the oldest open follow-ups and links here for every one: the
    list is read a page at a time, as many queries for 120 as for 3."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apcase.core.pagination import PAGE_SIZE

    lead = person(Role.INCLUSION_LEAD, world.school)
    placement = make_placement(world.school, world.provider, pupil=make_pupil(world.school))

    def open_tasks(start: int, count: int) -> None:
        FollowUpTask.objects.bulk_create(
            FollowUpTask(
                placement=placement,
                kind=FollowUpTask.Kind.ABSENCE,
                date=placement.start_date + datetime.timedelta(days=n),
                session="am",
                detail=f"Absence number {n:03d}.",
            )
            for n in range(start, start + count)
        )

    client = sign_in(Client(), lead)
    url = reverse("monitoring:tasks")
    open_tasks(0, 3)
    assert_page(client.get(url), contains="3 open follow-ups, the oldest first")
    with CaptureQueriesContext(connection) as few:
        assert_page(client.get(url))
    open_tasks(3, 117)
    with CaptureQueriesContext(connection) as many:
        first = assert_page(client.get(url), contains=f"Showing 1 to {PAGE_SIZE} of 120 open")
    assert len(many) == len(few)
    assert "Absence number 000." in first
    assert f"Absence number {PAGE_SIZE:03d}." not in first
    assert_page(
        client.get(url, {"page": "3"}),
        contains=["Showing 101 to 120 of 120", "Absence number 119."],
        lacks="Absence number 099.",
    )


def test_reading_the_open_list_is_access_logged(world):
    lead = person(Role.INCLUSION_LEAD, world.school)
    placement = make_placement(
        world.school, world.provider, pupil=make_pupil(world.school, legal_first_name="Ada")
    )
    FollowUpTask.objects.create(
        placement=placement,
        kind=FollowUpTask.Kind.ABSENCE,
        date=placement.start_date,
        session="am",
        detail="Ada was absent without a reason.",
    )

    assert_read_logged(
        sign_in(Client(), lead).get(reverse("monitoring:tasks")),
        action="monitoring.follow_ups_viewed",
        actor=lead,
        contains="Ada was absent without a reason.",
    )
