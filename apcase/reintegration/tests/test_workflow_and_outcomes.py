"""A plan's status moves (each allowed and refused one), completing a plan ends the
placement as "returned to the home school full time", an ended placement always has an
outcome, the flag on a plan past its target date, and who may do what."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import Membership, User
from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.attention import items_for
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.placements import workflow as placement_workflow
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from apcase.reintegration import services, workflow
from apcase.reintegration.models import PlanStatus, ReintegrationPlan
from apcase.reintegration.workflow import ALLOWED_TRANSITIONS
from conftest import sign_in
from tests.helpers import assert_page

from .factories import AFTERNOONS, ALL, MORNINGS, add_phase, make_plan

TODAY = timezone.localdate()
S = PlanStatus


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, full_name="Amara Okafor")


@pytest.fixture
def placement(world, lead):
    return make_placement(
        world.school,
        world.provider,
        named_staff_member=lead,
        start_date=TODAY - datetime.timedelta(weeks=10),
    )


def _plan(placement, lead, status=S.DRAFT, **fields):
    plan = make_plan(placement, named_adult=lead, status=status, **fields)
    add_phase(plan, 1, 2, MORNINGS, AFTERNOONS)  # full time: no part-time agreement needed
    return plan


def _events(action):
    return AuditEvent.objects.filter(action=f"reintegration.{action}").count()


# --- every move --------------------------------------------------------------------


def test_the_table_lists_every_status():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)


def test_draft_to_active(placement, lead):
    plan = _plan(placement, lead)
    workflow.activate(plan, by=lead)
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert _events("activated") == 1


def test_draft_to_withdrawn(placement, lead):
    plan = _plan(placement, lead)
    with pytest.raises(ValidationFailed):
        workflow.withdraw(plan, by=lead, reason=" ")
    workflow.withdraw(plan, by=lead, reason="The family moved away")
    plan.refresh_from_db()
    assert (plan.status, plan.withdrawn_reason) == (S.WITHDRAWN, "The family moved away")
    assert _events("withdrawn") == 1


def test_active_to_withdrawn(placement, lead):
    plan = _plan(placement, lead, status=S.ACTIVE)
    workflow.withdraw(plan, by=lead, reason="Not ready to return yet")
    plan.refresh_from_db()
    assert plan.status == S.WITHDRAWN
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE  # withdrawing ends nothing


def test_active_to_completed_ends_the_placement_as_returned_full_time(placement, lead):
    plan = _plan(placement, lead, status=S.ACTIVE)
    workflow.complete(plan, by=lead, last_day=TODAY, decided_by="Review with the family")
    plan.refresh_from_db()
    placement.refresh_from_db()
    assert (plan.status, plan.completed_on) == (S.COMPLETED, TODAY)
    assert (placement.status, placement.ended_on, placement.end_destination) == (
        Placement.Status.ENDED,
        TODAY,
        Placement.Destination.RETURNED_FULL_TIME,
    )
    assert placement.end_decided_by == "Review with the family"
    assert _events("completed") == 1
    assert AuditEvent.objects.filter(action="placement_ended").count() == 1


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (S.DRAFT, "complete"),
        (S.ACTIVE, "activate"),
        (S.COMPLETED, "activate"),
        (S.COMPLETED, "complete"),
        (S.COMPLETED, "withdraw"),
        (S.WITHDRAWN, "activate"),
        (S.WITHDRAWN, "complete"),
        (S.WITHDRAWN, "withdraw"),
    ],
)
def test_refused_moves_change_nothing(placement, lead, status, move):
    plan = _plan(placement, lead, status=status)
    calls = {
        "activate": lambda: workflow.activate(plan, by=lead),
        "complete": lambda: workflow.complete(plan, by=lead, last_day=TODAY, decided_by="Review"),
        "withdraw": lambda: workflow.withdraw(plan, by=lead, reason="Changed our minds"),
    }
    with pytest.raises(TransitionNotAllowed):
        calls[move]()
    plan.refresh_from_db()
    placement.refresh_from_db()
    assert plan.status == status
    assert placement.status == Placement.Status.ACTIVE
    assert not AuditEvent.objects.filter(action__startswith="reintegration.").exists()


def test_when_the_placement_cannot_end_the_plan_is_not_completed(placement, lead):
    """One transaction: a last day in the future is refused by the placement, and the
    plan stays active."""
    plan = _plan(placement, lead, status=S.ACTIVE)
    with pytest.raises(ValidationFailed) as refused:
        workflow.complete(
            plan, by=lead, last_day=TODAY + datetime.timedelta(days=1), decided_by="Review"
        )
    assert "ended_on" in refused.value.errors
    plan.refresh_from_db()
    placement.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert placement.status == Placement.Status.ACTIVE
    assert not AuditEvent.objects.filter(action__startswith="reintegration.").exists()


def test_completing_through_the_page_shows_the_outcome_on_the_pupil_page(placement, lead):
    plan = _plan(placement, lead, status=S.ACTIVE)
    client = sign_in(Client(), lead)
    url = reverse("reintegration:complete", args=[plan.pk])
    assert_page(client.get(url), contains="Complete the plan")
    response = client.post(
        url,
        {
            "last_day_0": TODAY.day,
            "last_day_1": TODAY.month,
            "last_day_2": TODAY.year,
            "decided_by": "Review meeting",
        },
        follow=True,
    )
    assert_page(response, contains="returned to the home school full time")
    page = assert_page(client.get(reverse("pupils:detail", args=[placement.pupil_id])))
    assert "Returned to the home school full time" in page
    assert "No school attendance imported" in page


# --- outcomes of ended placements -----------------------------------------------


def test_ending_a_placement_needs_an_outcome(placement, lead):
    with pytest.raises(ValidationFailed) as refused:
        placement_workflow.end_placement(placement, by=lead, reason="Back at school")
    assert refused.value.errors == {"destination": ["Choose where the child goes next."]}
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_other_says_where_the_child_went(placement, lead):
    with pytest.raises(ValidationFailed) as refused:
        placement_workflow.end_placement(
            placement, by=lead, reason="Moving on", destination="other", destination_other=" "
        )
    assert refused.value.errors == {"destination_other": ["Say where the child goes next."]}
    placement_workflow.end_placement(
        placement,
        by=lead,
        reason="Moving on",
        destination="other",
        destination_other="Hospital education service",
    )
    placement.refresh_from_db()
    assert placement_workflow.outcome_of(placement) == "Other: Hospital education service"


def test_a_started_placement_cannot_end_as_not_started(placement, lead):
    with pytest.raises(ValidationFailed) as refused:
        placement_workflow.end_placement(
            placement, by=lead, reason="Oops", destination="not_started"
        )
    assert "destination" in refused.value.errors


def test_the_end_page_offers_every_outcome(placement, lead):
    page = assert_page(
        sign_in(Client(), lead).get(reverse("placements:end", args=[placement.pk])),
        contains=[
            "Returned to the home school full time",
            "Moved to specialist provision",
            "Managed move to another school",
            "Permanently excluded",
            "Left the area",
            "Other",
            "If other: where the child goes next",
        ],
    )
    assert "Emergency placement not ratified" not in page


# --- the flag on a plan past its target date --------------------------------------


def _titles(user):
    return [item.title for item in items_for(user)]


def test_a_plan_past_its_target_date_is_flagged_to_those_who_answer_for_it(world, placement, lead):
    staff = person(Role.SCHOOL_STAFF, world.school, full_name="Tom Ellery")
    other_lead = person(Role.INCLUSION_LEAD, world.other_school)
    plan = _plan(
        placement,
        staff,
        status=S.ACTIVE,
        start_date=TODAY - datetime.timedelta(weeks=8),
        target_full_time_date=TODAY - datetime.timedelta(days=1),
    )
    title = f"Reintegration plan past its target date: {placement.pupil.display_name}"
    assert title in _titles(staff)  # the named adult
    assert title in _titles(lead)  # the placement's named staff member, and inclusion lead
    assert title not in _titles(other_lead)
    assert title not in _titles(person(Role.SCHOOL_ADMIN, world.school))
    page = assert_page(
        sign_in(Client(), lead).get(reverse("pupils:detail", args=[placement.pupil_id]))
    )
    assert "Past its target date" in page
    # The named adult who has left the school is no longer told.
    Membership.objects.filter(user=staff).update(is_active=False)
    assert title not in _titles(User.objects.get(pk=staff.pk))
    # Completed: no longer flagged.
    workflow.complete(plan, by=lead, last_day=TODAY, decided_by="Review")
    assert title not in _titles(lead)


def test_a_plan_due_today_is_not_yet_flagged(placement, lead):
    _plan(
        placement,
        lead,
        start_date=TODAY - datetime.timedelta(weeks=8),
        target_full_time_date=TODAY,
    )
    assert not [t for t in _titles(lead) if "past its target date" in t]


# --- who may plan -------------------------------------------------------------------


def test_the_named_adult_must_work_at_the_pupils_school_now(world, placement, lead):
    elsewhere = person(Role.INCLUSION_LEAD, world.other_school)
    left = person(Role.SCHOOL_STAFF, world.school)
    Membership.objects.filter(user=left).update(is_active=False)
    for adult in (elsewhere, left):
        with pytest.raises(ValidationFailed) as refused:
            services.create_plan(
                placement,
                by=lead,
                named_adult=adult,
                start_date=TODAY,
                target_full_time_date=TODAY + datetime.timedelta(weeks=6),
            )
        assert refused.value.errors == {
            "named_adult": [f"The named adult must work at {world.school.name} now."]
        }
    assert not ReintegrationPlan.objects.exists()


def test_the_target_date_must_be_after_the_start(placement, lead):
    with pytest.raises(ValidationFailed) as refused:
        services.create_plan(
            placement, by=lead, named_adult=lead, start_date=TODAY, target_full_time_date=TODAY
        )
    assert refused.value.errors == {
        "target_full_time_date": [
            "The target date to be back full time must be after the start date."
        ]
    }


def test_school_staff_who_are_not_named_cannot_plan_nor_complete(world, placement, lead):
    staff = person(Role.SCHOOL_STAFF, world.school)
    with pytest.raises(NotPermitted):
        services.create_plan(
            placement,
            by=staff,
            named_adult=lead,
            start_date=TODAY,
            target_full_time_date=TODAY + datetime.timedelta(weeks=6),
        )
    plan = _plan(placement, lead, status=S.ACTIVE)
    with pytest.raises(NotPermitted):
        workflow.complete(plan, by=staff, last_day=TODAY, decided_by="Review")
    client = sign_in(Client(), staff)
    assert_page(
        client.get(reverse("reintegration:detail", args=[plan.pk])), lacks="Complete the plan"
    )
    assert_page(client.get(reverse("reintegration:complete", args=[plan.pk])), status=404)


def test_a_named_staff_member_who_is_not_an_inclusion_lead_plans_but_does_not_end(world, lead):
    staff = person(Role.SCHOOL_STAFF, world.school)
    placement = make_placement(world.school, world.provider, named_staff_member=staff)
    plan = services.create_plan(
        placement,
        by=staff,
        named_adult=staff,
        start_date=TODAY,
        target_full_time_date=TODAY + datetime.timedelta(weeks=6),
    )
    services.add_phase(
        plan, by=staff, from_week=1, to_week=6, at_school=set(ALL), at_provider=set()
    )
    workflow.activate(plan, by=staff)
    with pytest.raises(NotPermitted, match="cannot end this placement"):
        workflow.complete(plan, by=staff, last_day=TODAY, decided_by="Review")
    workflow.complete(plan, by=lead, last_day=TODAY, decided_by="Review")


def test_an_ended_placement_gets_no_plan(placement, lead):
    placement_workflow.end_placement(
        placement, by=lead, reason="Moved", destination="left_area", ended_on=TODAY
    )
    with pytest.raises(TransitionNotAllowed):
        services.create_plan(
            placement,
            by=lead,
            named_adult=lead,
            start_date=TODAY,
            target_full_time_date=TODAY + datetime.timedelta(weeks=6),
        )


# --- review points ------------------------------------------------------------------


def test_progress_is_recorded_at_a_review_point_once_its_day_has_come(placement, lead):
    plan = _plan(placement, lead, start_date=TODAY - datetime.timedelta(weeks=2))
    today_point = services.add_review_point(plan, by=lead, date=TODAY)
    later = services.add_review_point(plan, by=lead, date=TODAY + datetime.timedelta(weeks=2))
    with pytest.raises(TransitionNotAllowed):  # a draft plan is not reviewed yet
        services.record_progress(today_point, by=lead, progress="on_track", note="Fine")
    workflow.activate(plan, by=lead)
    with pytest.raises(ValidationFailed) as refused:
        services.record_progress(later, by=lead, progress="on_track", note="Early")
    assert "record its progress then" in str(refused.value.errors[None])
    services.record_progress(today_point, by=lead, progress="behind", note="Mornings only so far")
    page = assert_page(
        sign_in(Client(), lead).get(reverse("reintegration:detail", args=[plan.pk])),
        contains=["Behind", "Mornings only so far"],
    )
    assert "Not recorded" not in page.split('id="reviews"')[1]


def test_progress_saved_unchanged_keeps_who_recorded_it_and_when(world, placement, lead):
    """Opening the progress form and saving it as it stood stamped it again: the person
    who saved it became its recorder, at that time, with a second audit event."""
    plan = _plan(placement, lead, start_date=TODAY - datetime.timedelta(weeks=2))
    point = services.add_review_point(plan, by=lead, date=TODAY)
    workflow.activate(plan, by=lead)
    services.record_progress(point, by=lead, progress="behind", note="Mornings only so far")
    point.refresh_from_db()
    recorded = (point.recorded_by_id, point.recorded_at)
    events = AuditEvent.objects.count()
    head = person(Role.HEADTEACHER, world.school)
    client = sign_in(Client(), head)
    url = reverse("reintegration:progress", args=[plan.pk, point.pk])
    data = {"progress": "behind", "note": "Mornings only so far"}
    assert_page(client.post(url, data), status=302)
    point.refresh_from_db()
    assert (point.recorded_by_id, point.recorded_at) == recorded
    assert AuditEvent.objects.count() == events
    assert_page(client.post(url, data | {"note": "Mornings and two afternoons"}), status=302)
    point.refresh_from_db()
    assert point.recorded_by_id == head.pk


# --- from a review's decision -------------------------------------------------------


def test_a_plan_started_from_a_reviews_decision_names_that_review(placement, lead):
    from apcase.reviews.models import Decision
    from apcase.reviews.tests.factories import make_review

    review = make_review(
        placement, held_on=TODAY - datetime.timedelta(days=1), decision=Decision.REINTEGRATE
    )
    client = sign_in(Client(), lead)
    url = reverse("reintegration:create", args=[placement.pk])
    target = TODAY + datetime.timedelta(weeks=6)
    response = client.post(
        url,
        {
            "named_adult": lead.pk,
            "start_date_0": TODAY.day,
            "start_date_1": TODAY.month,
            "start_date_2": TODAY.year,
            "target_full_time_date_0": target.day,
            "target_full_time_date_1": target.month,
            "target_full_time_date_2": target.year,
        },
        follow=True,
    )
    assert_page(response, contains=["Reintegration plan drafted", "Started by", "The review on"])
    assert ReintegrationPlan.objects.get().started_by_review == review


def test_a_review_whose_day_has_come_and_a_draft_are_on_the_home_page(world, placement, lead):
    staff = person(Role.SCHOOL_STAFF, world.school, full_name="Tom Ellery")
    plan = _plan(placement, staff, start_date=TODAY - datetime.timedelta(weeks=1))
    name = placement.pupil.display_name
    assert f"Reintegration plan to agree: {name}" in _titles(staff)
    assert f"Reintegration plan to agree: {name}" not in _titles(lead)  # the named adult's
    point = services.add_review_point(plan, by=lead, date=TODAY)
    services.add_review_point(plan, by=lead, date=TODAY + datetime.timedelta(days=1))
    workflow.activate(plan, by=lead)
    due = f"Reintegration review due: {name}"
    assert [t for t in _titles(staff) if t.startswith("Reintegration")] == [due]
    assert due in _titles(lead)  # the inclusion lead
    assert due not in _titles(person(Role.HEADTEACHER, world.school))
    services.record_progress(point, by=staff, progress="on_track", note="Settled")
    assert due not in _titles(staff)  # the next review's day has not come
