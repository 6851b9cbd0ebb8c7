"""Whoever holds a role now is who may act: a member of staff who has left the school
(their membership there deactivated) keeps no task, visit or named-staff duty, even if
they still hold a role somewhere else."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory
from apcase.core.attention import items_for
from apcase.core.errors import NotPermitted
from apcase.monitoring import workflow
from apcase.monitoring.models import FollowUpTask, Visit
from apcase.placements.tests.factories import make_placement
from conftest import sign_in
from tests.helpers import assert_page

TODAY = timezone.localdate()


@pytest.fixture
def leaver(world):
    """The named staff member of a placement, with an open task and a scheduled visit,
    who then leaves Heronsgate for a job at Elmhurst."""
    placement = make_placement(
        world.school, world.provider, start_date=TODAY - datetime.timedelta(weeks=12)
    )
    person = placement.named_staff_member
    task = FollowUpTask.objects.create(
        placement=placement,
        kind="absence",
        date=TODAY,
        session="am",
        detail="Absent with no reason given.",
        assigned_to=person,
    )
    visit = Visit.objects.create(placement=placement, scheduled_for=TODAY, scheduled_by=person)
    Membership.objects.filter(user=person, organisation=world.school).update(is_active=False)
    MembershipFactory(user=person, organisation=world.other_school, role=Role.INCLUSION_LEAD)
    return person, placement, task, visit


def test_a_leaver_cannot_open_or_close_the_task_they_were_given(world, leaver):
    person, placement, task, _ = leaver
    client = sign_in(Client(), person)
    url = reverse("monitoring:close_task", kwargs={"task_id": task.pk})
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "who_was_contacted": "Mother",
            "where_the_child_is": "At home",
            "action_taken": "None",
        },
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.OPEN
    with pytest.raises(NotPermitted):
        workflow.close_follow_up(
            task,
            by=type(person).objects.get(pk=person.pk),
            who_was_contacted="Mother",
            where_the_child_is="At home",
            action_taken="None",
        )


def test_a_leaver_sees_none_of_the_schools_pupils_on_their_home_page(world, leaver):
    person, placement, _, _ = leaver
    page = sign_in(Client(), person).get(reverse("home"))
    assert_page(page, lacks=placement.pupil.display_name)
    assert placement.pupil.display_name not in str(
        items_for(type(person).objects.get(pk=person.pk))
    )


def test_a_leaver_cannot_log_the_visit_or_open_the_placement(world, leaver):
    person, placement, _, visit = leaver
    client = sign_in(Client(), person)
    assert (
        client.get(reverse("monitoring:log_visit", kwargs={"visit_id": visit.pk})).status_code
        == 404
    )
    assert (
        client.get(reverse("placements:detail", kwargs={"placement_id": placement.pk})).status_code
        == 404
    )


def test_the_inclusion_lead_who_holds_the_role_now_closes_the_leavers_task(world, leaver):
    from apcase.referrals.tests.factories import person as make_person

    _, _, task, _ = leaver
    lead = make_person(Role.INCLUSION_LEAD, world.school)
    response = sign_in(Client(), lead).get(
        reverse("monitoring:close_task", kwargs={"task_id": task.pk})
    )
    assert response.status_code == 200


def test_a_leaver_no_longer_sees_the_schools_absences_to_code(world, leaver):
    from apcase.monitoring import selectors
    from apcase.monitoring.models import AttendanceMark
    from apcase.referrals.tests.factories import person as make_person

    person, placement, _, _ = leaver
    staff = make_person(Role.PROVIDER_STAFF, world.provider)
    AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=TODAY,
        session="am",
        observed="absent_illness",
        recorded_by=staff,
        recorded_at=timezone.now(),
    )
    now = type(person).objects.get(pk=person.pk)
    assert list(selectors.absences_to_code_for(now)) == []
    page = sign_in(Client(), now).get(reverse("monitoring:absences"))
    assert page.status_code in (200, 403)
    assert placement.pupil.display_name not in page.content.decode()


def test_the_leavers_overdue_visit_is_on_the_home_page_of_the_inclusion_lead_now(world, leaver):
    """Nobody named works at the school now: the overdue visit does not vanish with the
    leaver, it is the inclusion lead's to arrange (as the follow-ups are)."""
    from apcase.referrals.tests.factories import person as make_person

    person, placement, _, _ = leaver
    lead = make_person(Role.INCLUSION_LEAD, world.school)
    visit = f"Visit {placement.pupil.display_name} at {placement.provider}"

    assert_page(sign_in(Client(), lead).get(reverse("home")), contains=visit)
    assert_page(sign_in(Client(), person).get(reverse("home")), lacks=visit)


def test_a_named_staff_members_overdue_visit_is_theirs_not_the_inclusion_leads(world):
    from apcase.referrals.tests.factories import person as make_person

    placement = make_placement(
        world.school, world.provider, start_date=TODAY - datetime.timedelta(weeks=12)
    )
    lead = make_person(Role.INCLUSION_LEAD, world.school)
    visit = f"Visit {placement.pupil.display_name} at {placement.provider}"

    assert_page(
        sign_in(Client(), placement.named_staff_member).get(reverse("home")), contains=visit
    )
    assert_page(sign_in(Client(), lead).get(reverse("home")), lacks=visit)


def test_at_a_school_with_nobody_to_stand_in_the_overdue_visit_is_the_las(world, leaver):
    """The leaver named nobody behind them and the school has no inclusion lead,
    headteacher or DSL: the reminder already goes to the authority's officers, and the
    overdue visit is on their home page too, not on nobody's (another LA's never)."""
    from apcase.referrals.tests.factories import person as make_person

    _person, placement, _, _ = leaver
    officer = make_person(Role.LA_OFFICER, world.la)
    other_officer = make_person(Role.LA_OFFICER, world.other_la)
    visit = f"Visit {placement.pupil.display_name} at {placement.provider}"

    assert_page(sign_in(Client(), officer).get(reverse("home")), contains=visit)
    assert_page(sign_in(Client(), other_officer).get(reverse("home")), lacks=visit)
    # Once someone at the school can stand in, it is theirs and no longer the LA's.
    lead = make_person(Role.INCLUSION_LEAD, world.school)
    assert_page(sign_in(Client(), lead).get(reverse("home")), contains=visit)
    assert_page(sign_in(Client(), officer).get(reverse("home")), lacks=visit)
