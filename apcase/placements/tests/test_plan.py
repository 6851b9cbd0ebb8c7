import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.directory.threshold import count_for_threshold
from apcase.placements import plan, services, workflow
from apcase.placements.models import Placement
from apcase.placements.selectors import current_placements_for_threshold
from apcase.placements.tests.factories import (
    START,
    add_objective,
    agree_all,
    make_placement,
)
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in

TODAY = datetime.date(2026, 9, 1)


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school)


@pytest.fixture
def planned(world):
    return make_placement(world.school, world.provider, status=Placement.Status.PLANNED)


# --- B, K, D ---------------------------------------------------------------------


def test_a_school_arranged_placement_is_recorded_as_b_with_the_reason(world, planned):
    code = plan.home_school_code(planned)
    assert code.code == "B"
    assert "school arranged" in code.reason


def test_a_placement_the_la_arranged_is_recorded_as_k(world):
    placement = make_placement(world.school, world.provider, arranged_by="la")
    assert plan.home_school_code(placement).code == "K"


def test_dual_registration_at_the_provider_school_is_recorded_as_d_whoever_arranged_it(world):
    for arranged_by in ("school", "la"):
        placement = make_placement(
            world.school, world.provider, arranged_by=arranged_by, dual_registered=True
        )
        assert plan.home_school_code(placement).code == "D"


def test_the_mis_code_is_the_derived_code_when_present_and_the_schools_code_otherwise(world):
    from types import SimpleNamespace as Mark

    placement = make_placement(world.school, world.provider, arranged_by="la")
    assert plan.mis_code(placement, Mark(observed="present", code="")) == "K"
    assert plan.mis_code(placement, Mark(observed="late", code="")) == "K"
    assert plan.mis_code(placement, Mark(observed="left_early", code="")) == "K"
    assert plan.mis_code(placement, Mark(observed="absent_illness", code="")) == "N"
    assert plan.mis_code(placement, Mark(observed="absent_illness", code="I")) == "I"


def test_a_pupil_cannot_be_dual_registered_at_a_provider_that_is_not_a_school(world, planned, lead):
    world.provider.urn = None
    world.provider.save()
    with pytest.raises(ValidationFailed) as error:
        services.update_plan(
            planned,
            by=lead,
            details=services.PlanDetails(
                site="",
                planned_end_date=START + datetime.timedelta(weeks=6),
                named_staff_member=planned.named_staff_member,
                transport="",
                funding="",
                dual_registered=True,
            ),
        )
    assert "dual_registered" in error.value.errors


# --- the plan and its activation --------------------------------------------------


def _update(placement, by, **overrides):
    values = {
        "site": "Romans Field Site",
        "planned_end_date": START + datetime.timedelta(weeks=6),
        "named_staff_member": placement.named_staff_member,
        "transport": "Taxi arranged by the LA",
        "funding": "£60 a day from the school's AP budget",
        "dual_registered": False,
    }
    values.update(overrides)
    return services.update_plan(placement, by=by, details=services.PlanDetails(**values))


def test_the_planned_end_date_and_named_staff_member_are_required(world, planned, lead):
    with pytest.raises(ValidationFailed) as error:
        _update(planned, lead, planned_end_date=None, named_staff_member=None)
    assert set(error.value.errors) == {"planned_end_date", "named_staff_member"}


def test_the_named_staff_member_must_work_at_the_pupils_school(world, planned, lead):
    outsider = person(Role.SCHOOL_STAFF, world.other_school)
    with pytest.raises(ValidationFailed):
        _update(planned, lead, named_staff_member=outsider)


def test_the_plan_page_offers_as_named_staff_member_only_people_working_at_the_school(
    world, planned, lead
):
    """The choices are those the service accepts (policies.works_at): a deactivated
    account, or someone whose membership has ended, is not offered."""
    current = person(Role.SCHOOL_STAFF, world.school, full_name="Current Colleague")
    person(Role.SCHOOL_STAFF, world.school, full_name="Deactivated Account", is_active=False)
    left = person(Role.SCHOOL_STAFF, world.school, full_name="Left The School")
    left.memberships.update(is_active=False)
    person(Role.SCHOOL_STAFF, world.other_school, full_name="Other School")
    client = sign_in(Client(), lead)
    response = client.get(reverse("placements:edit_plan", kwargs={"placement_id": planned.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert current.full_name in page
    for absent in ("Deactivated Account", "Left The School", "Other School"):
        assert absent not in page


def test_changing_the_plan_needs_agreement_again(world, planned, lead):
    add_objective(planned)
    agree_all(planned, lead)
    assert plan.missing_before_start(planned) == []
    _update(planned, lead, transport="Parent drives")
    planned.refresh_from_db()
    assert planned.plan_version == 2
    assert len(plan.missing_before_start(planned)) == 3
    assert AuditEvent.objects.filter(action="placement_plan_updated").count() == 1


def test_a_placement_starts_only_with_an_agreed_plan_and_a_named_staff_member(world, planned, lead):
    with pytest.raises(ValidationFailed, match="not ready"):
        workflow.start_placement(planned, by=lead)
    add_objective(planned)
    agree_all(planned, lead)
    Placement.objects.filter(pk=planned.pk).update(named_staff_member=None)
    with pytest.raises(ValidationFailed, match="named"):
        workflow.start_placement(planned, by=lead)
    # The plan runs on from today, whenever the test runs.
    Placement.objects.filter(pk=planned.pk).update(
        named_staff_member=lead,
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=6),
    )
    workflow.start_placement(planned, by=lead)
    planned.refresh_from_db()
    assert planned.status == Placement.Status.ACTIVE
    assert (
        AuditEvent.objects.filter(action="placement_started", pupil_id=planned.pupil_id).count()
        == 1
    )
    with pytest.raises(TransitionNotAllowed):
        workflow.start_placement(planned, by=lead)


def test_provider_staff_cannot_change_the_plan_or_start_the_placement(world, planned):
    provider_manager = person(Role.PROVIDER_MANAGER, world.provider)
    with pytest.raises(NotPermitted):
        _update(planned, provider_manager)
    with pytest.raises(NotPermitted):
        workflow.start_placement(planned, by=provider_manager)


def test_the_named_staff_member_may_plan(world, planned):
    _update(planned, planned.named_staff_member, transport="Bus pass")
    planned.refresh_from_db()
    assert planned.transport == "Bus pass"


def test_the_timetable_sets_the_sessions_a_week(world, planned, lead):
    services.set_timetable(planned, by=lead, sessions={(0, "am"), (2, "am"), (4, "pm")})
    planned.refresh_from_db()
    assert planned.sessions_per_week == 3
    assert plan.timetable_grid(planned)[0] == ("Monday", True, False)
    with pytest.raises(ValidationFailed):
        services.set_timetable(planned, by=lead, sessions=set())


def test_an_agreement_is_recorded_once_per_party_and_version(world, planned, lead):
    from apcase.pupils.tests.factories import CarerFactory

    carer = CarerFactory(pupil=planned.pupil, name="Jo Carer")
    by_carer = services.AgreementDetails(
        party="parent", agreed_on=TODAY, carer=carer, how="in_person"
    )
    services.record_agreement(planned, by=lead, details=by_carer)
    with pytest.raises(ValidationFailed):
        services.record_agreement(planned, by=lead, details=by_carer)
    with pytest.raises(ValidationFailed, match="The provider agrees to the plan itself"):
        services.record_agreement(
            planned,
            by=lead,
            details=services.AgreementDetails(
                party="provider", agreed_on=TODAY, agreed_by_name="Kim Provider"
            ),
        )


def test_an_ended_placements_plan_cannot_change(world, lead):
    ended = make_placement(world.school, world.provider, status=Placement.Status.ENDED)
    with pytest.raises(TransitionNotAllowed):
        _update(ended, lead)


# --- one open placement (the database, not only the form) --------------------------


def _insert(pupil, provider, **fields):
    with transaction.atomic():
        return Placement.objects.create(
            pupil=pupil,
            provider=provider,
            start_date=START,
            sessions_per_week=fields.pop("sessions_per_week", 4),
            arranged_by="school",
            **fields,
        )


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_open_placement_unless_part_time_elsewhere(world):
    pupil = make_pupil(world.school)
    _insert(pupil, world.provider)
    with pytest.raises(IntegrityError):
        _insert(pupil, world.other_provider)
    # Explicitly part time at another provider: allowed, once.
    _insert(pupil, world.other_provider, is_additional_part_time=True)
    third = ProviderFactoryNamed("Third provider", world.la)
    with pytest.raises(IntegrityError):
        _insert(pupil, third, is_additional_part_time=True)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_placement_at_the_same_provider_or_full_time(world):
    pupil = make_pupil(world.school)
    _insert(pupil, world.provider)
    with pytest.raises(IntegrityError):
        _insert(pupil, world.provider, is_additional_part_time=True)
    with pytest.raises(IntegrityError):
        _insert(pupil, world.other_provider, is_additional_part_time=True, sessions_per_week=10)


@pytest.mark.django_db(transaction=True)
def test_an_ended_placement_does_not_block_a_new_one(world):
    pupil = make_pupil(world.school)
    _insert(pupil, world.provider, status="ended")
    _insert(pupil, world.provider)
    assert sorted(pupil.placements.values_list("status", flat=True)) == ["ended", "planned"]


def ProviderFactoryNamed(name, la):  # noqa: N802
    from apcase.accounts.tests.factories import ProviderFactory

    return ProviderFactory(name=name, local_authority=la)


# --- the directory's registration threshold counts real placements -----------------


def test_the_registration_threshold_counts_open_full_time_placements(world):
    world.provider.urn = None
    world.provider.save()
    on = START + datetime.timedelta(days=3)
    for _ in range(2):
        make_placement(
            world.school,
            world.provider,
            pupil=make_pupil(world.school, date_of_birth=datetime.date(2015, 5, 1)),
        )
    make_placement(world.school, world.provider, sessions={(0, "am")})  # part time
    make_placement(world.school, world.provider, status=Placement.Status.ENDED)
    queryset, fields = current_placements_for_threshold(on)
    count = count_for_threshold(world.provider, queryset, on=on, fields=fields)
    assert count.full_time_pupils == 2
