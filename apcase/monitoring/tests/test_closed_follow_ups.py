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
from tests.helpers import assert_page


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
