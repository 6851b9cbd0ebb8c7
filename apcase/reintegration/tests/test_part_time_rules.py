"""The part-time timetable rules: what a plan with a part-time phase needs before it is
agreed (each refusal names what is missing), the sessions recorded as C2, and telling
the local authority."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from apcase.reintegration import rules, services, workflow
from apcase.reintegration.models import Phase, PlanStatus, ReintegrationPlan
from conftest import sign_in
from tests.helpers import assert_page

from .factories import AFTERNOONS, ALL, MORNINGS, add_phase, carer, make_plan, review_on

TODAY = timezone.localdate()


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, full_name="Amara Okafor")


@pytest.fixture
def officer(world):
    return person(Role.LA_OFFICER, world.la, email="officer@mk-council.example")


@pytest.fixture
def plan(world, lead):
    """A draft plan whose first phase is part time: mornings at school, nothing else."""
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    plan = make_plan(placement, named_adult=lead, start_date=TODAY)
    add_phase(plan, 1, 3, MORNINGS, [])
    add_phase(plan, 4, 6, MORNINGS, AFTERNOONS)
    review_on(plan, TODAY + datetime.timedelta(weeks=2))
    return plan


def _agree(plan, lead, who, **changes):
    values = {
        "agreed_by": who,
        "agreed_on": TODAY,
        "agreed_how": "meeting",
        "agreed_times": "Mornings 8:50 to 12:00 at school for three weeks",
        "part_time_ends_on": TODAY + datetime.timedelta(weeks=3, days=-1),
    } | changes
    return services.record_agreement(plan, by=lead, **values)


def _refusal(plan, lead):
    with pytest.raises(ValidationFailed) as refused:
        workflow.activate(plan, by=lead)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT  # nothing changed
    return str(refused.value)


def test_without_the_parents_agreement_the_plan_is_refused_naming_it(plan, lead):
    message = _refusal(plan, lead)
    assert "the agreement of a parent or carer the pupil lives with" in message
    assert "an end date for the part-time timetable" in message
    assert "the agreed times and dates" in message


def test_without_an_end_date_the_plan_is_refused_naming_it(plan, lead):
    mum = carer(plan.placement.pupil)
    _agree(plan, lead, mum)
    ReintegrationPlan.objects.filter(pk=plan.pk).update(part_time_ends_on=None)
    plan.refresh_from_db()
    message = _refusal(plan, lead)
    assert message == ("The plan cannot be agreed without an end date for the part-time timetable.")


def test_an_end_date_is_required_when_the_agreement_is_recorded(plan, lead):
    mum = carer(plan.placement.pupil)
    with pytest.raises(ValidationFailed) as refused:
        _agree(plan, lead, mum, part_time_ends_on=None)
    assert refused.value.errors == {
        "part_time_ends_on": ["Enter the end date of the part-time timetable."]
    }


def test_an_end_date_before_the_last_part_time_day_is_refused(plan, lead):
    _agree(plan, lead, carer(plan.placement.pupil), part_time_ends_on=TODAY)
    message = _refusal(plan, lead)
    last = TODAY + datetime.timedelta(weeks=3, days=-1)
    assert f"on or after its last part-time day ({last:%-d %B %Y})" in message


def test_agreement_by_a_carer_who_does_not_live_with_the_child_is_refused(plan, lead):
    dad = carer(plan.placement.pupil, lives_with=False, name="Ray Marsh")
    with pytest.raises(ValidationFailed) as refused:
        _agree(plan, lead, dad)
    assert refused.value.errors["agreed_by"] == [
        "Ray Marsh does not live with the pupil: a part-time timetable is agreed with a "
        "parent or carer the pupil lives with."
    ]
    plan.refresh_from_db()
    assert plan.agreed_by is None
    # Recorded anyway (say the carer moved out since): agreeing the plan is refused too.
    ReintegrationPlan.objects.filter(pk=plan.pk).update(
        agreed_by=dad,
        agreed_on=TODAY,
        agreed_how="phone",
        agreed_times="Mornings",
        part_time_ends_on=TODAY + datetime.timedelta(weeks=3),
    )
    plan.refresh_from_db()
    assert _refusal(plan, lead) == (
        "The plan cannot be agreed without the agreement of a parent or carer the pupil "
        "lives with: Ray Marsh does not live with the pupil."
    )


def test_a_carer_of_another_child_cannot_agree(world, plan, lead):
    other = make_placement(world.school, world.provider).pupil
    with pytest.raises(ValidationFailed) as refused:
        _agree(plan, lead, carer(other))
    assert refused.value.errors["agreed_by"] == ["Choose the parent or carer who agreed."]


def test_without_a_review_date_in_the_part_time_period_the_plan_is_refused(plan, lead):
    _agree(plan, lead, carer(plan.placement.pupil))
    plan.review_points.update(date=TODAY + datetime.timedelta(weeks=5))
    assert _refusal(plan, lead) == (
        "The plan cannot be agreed without a review date while the timetable is part time."
    )


def test_with_everything_the_plan_is_agreed_and_the_la_told(plan, lead, officer):
    _agree(plan, lead, carer(plan.placement.pupil))
    workflow.activate(plan, by=lead)
    plan.refresh_from_db()
    assert (plan.status, plan.la_notified_on) == (PlanStatus.ACTIVE, TODAY)
    sent = OutboxMessage.objects.get(to="officer@mk-council.example")
    pupil = plan.placement.pupil
    assert pupil.initialled_name in sent.body
    assert pupil.legal_last_name not in sent.body
    assert f"/reintegration/{plan.pk}/" in sent.body
    actions = list(
        AuditEvent.objects.filter(action__startswith="reintegration.").values_list(
            "action", flat=True
        )
    )
    assert actions.count("reintegration.activated") == 1
    assert actions.count("reintegration.la_notified") == 1


def test_a_school_whose_la_has_no_officer_is_told_to_send_the_notice(plan, lead):
    _agree(plan, lead, carer(plan.placement.pupil))
    workflow.activate(plan, by=lead)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.la_notified_on is None
    page = assert_page(sign_in(Client(), lead).get(reverse("reintegration:detail", args=[plan.pk])))
    assert "The local authority has not been told of this part-time timetable" in page


def test_a_plan_of_full_time_phases_needs_no_part_time_agreement(world, lead):
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    plan = make_plan(placement, named_adult=lead, start_date=TODAY)
    add_phase(plan, 1, 4, MORNINGS, AFTERNOONS)
    add_phase(plan, 5, 6, ALL, [])
    workflow.activate(plan, by=lead)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.la_notified_on is None
    assert not OutboxMessage.objects.exists()


def test_a_plan_with_no_phase_cannot_be_agreed(world, lead):
    placement = make_placement(world.school, world.provider, named_staff_member=lead)
    plan = make_plan(placement, named_adult=lead)
    assert _refusal(plan, lead) == (
        "The plan cannot be agreed without at least one phase with its sessions."
    )


def test_the_refusal_through_the_page_names_what_is_missing(plan, lead):
    client = sign_in(Client(), lead)
    response = client.post(reverse("reintegration:activate", args=[plan.pk]), follow=True)
    assert_page(
        response,
        contains=[
            "The plan cannot be agreed without the agreement of a parent or carer the pupil "
            "lives with",
            "Sessions recorded as C2",
        ],
    )


# --- the sessions recorded as C2 ---------------------------------------------------

sessions = st.sets(st.sampled_from(rules.SESSIONS))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(school=sessions, provider=sessions)
def test_every_weekday_session_of_a_part_time_phase_is_exactly_one_of_school_provider_or_c2(
    school, provider
):
    provider = provider - school  # a session is never both (refused when a phase is added)
    plan = ReintegrationPlan(start_date=datetime.date(2027, 1, 4))
    phase = Phase(
        plan=plan, from_week=2, to_week=4, at_school=list(school), at_provider=list(provider)
    )
    places = {key: rules.place_of(phase, key) for key in rules.SESSIONS}
    assert set(places) == set(rules.SESSIONS)
    assert {key for key, p in places.items() if p == rules.SCHOOL} == school
    assert {key for key, p in places.items() if p == rules.PROVIDER} == provider
    c2 = {key for key, p in places.items() if p == rules.PART_TIME_CODE}
    assert c2 == set(rules.SESSIONS) - school - provider
    assert rules.is_part_time(phase) == bool(c2)
    weeks = rules.part_time_weeks(plan, [phase])
    assert [week.number for week in weeks] == ([2, 3, 4] if c2 else [])
    for number, week in zip(range(2, 5), weeks, strict=False):
        assert week.number == number
        assert week.starts == datetime.date(2027, 1, 4) + datetime.timedelta(weeks=number - 1)
        assert set(week.c2_sessions) == c2


def test_a_session_cannot_be_both_at_school_and_at_the_provider(plan, lead):
    with pytest.raises(ValidationFailed) as refused:
        services.add_phase(
            plan, by=lead, from_week=7, to_week=8, at_school={"0-am"}, at_provider={"0-am", "1-am"}
        )
    assert refused.value.errors["at_provider"] == [
        "A session is either at school or at the provider, not both: Monday morning."
    ]


def test_phases_may_not_overlap(plan, lead):
    with pytest.raises(ValidationFailed) as refused:
        services.add_phase(
            plan, by=lead, from_week=3, to_week=5, at_school=set(ALL), at_provider=set()
        )
    assert refused.value.errors["from_week"] == [
        "Weeks 3 to 5 overlap another phase: weeks 1 to 3, weeks 4 to 6."
    ]


def test_the_plan_page_lists_each_part_time_weeks_c2_sessions(plan, lead):
    page = assert_page(
        sign_in(Client(), lead).get(reverse("reintegration:detail", args=[plan.pk])),
        contains=["Sessions recorded as C2", "Monday afternoon, Tuesday afternoon"],
    )
    c2_table = page.split('id="c2"')[1].split('id="reviews"')[0]
    assert c2_table.count("Friday afternoon</td>") == 3  # weeks 1 to 3, not the full-time 4 to 6
