import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.placements import workflow
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement, site_of
from apcase.referrals.tests.factories import make_pupil, person

START = datetime.date(2026, 12, 1)


@pytest.fixture
def pupil(world):
    return make_pupil(world.school)


@pytest.fixture
def head(world):
    return person(Role.HEADTEACHER, world.school)


def _planned(pupil, by, provider):
    return workflow.create_planned_placement(
        by=by,
        pupil=pupil,
        terms=workflow.PlacementTerms(
            provider=provider,
            start_date=START,
            sessions_per_week=5,
            first_review_date=START + datetime.timedelta(days=42),
        ),
    )


def test_a_planned_placement_is_created_with_one_chronology_entry(world, pupil, head):
    placement = _planned(pupil, head, world.provider)
    assert placement.status == Placement.Status.PLANNED
    assert AuditEvent.objects.filter(pupil_id=pupil.pk, action="placement_planned").count() == 1


def _emergency(pupil, by, provider, **overrides):
    values = {
        "by": by,
        "pupil": pupil,
        "provider": provider,
        "sessions": {(0, "am"), (1, "am")},
        "sites": [site_of(provider)],
        "named_staff_member": person(Role.SCHOOL_STAFF, pupil.school),
    }
    values.update(overrides)
    return workflow.start_emergency_placement(**values)


def test_an_emergency_placement_is_active_from_today(world, pupil, head):
    placement = _emergency(pupil, head, world.provider)
    assert placement.status == Placement.Status.ACTIVE
    assert placement.is_emergency
    assert placement.sessions_per_week == 2
    assert placement.sites.count() == 1


def test_an_emergency_placement_at_a_pru_is_dual_registered_by_default(world, pupil, head):
    world.provider.establishment_type_code = 14  # GIAS: pupil referral unit
    world.provider.save()
    world.other_provider.establishment_type_code = None  # not a school
    world.other_provider.save()
    at_pru = _emergency(pupil, head, world.provider)
    assert at_pru.dual_registered
    other = make_pupil(world.school)
    elsewhere = _emergency(other, head, world.other_provider, sites=[site_of(world.other_provider)])
    assert not elsewhere.dual_registered


def test_an_emergency_placement_needs_its_site_sessions_and_named_staff_member(world, pupil, head):
    for overrides, field in (
        ({"sessions": set()}, "sessions"),
        ({"sites": []}, "sites"),
        ({"sites": [site_of(world.other_provider)]}, "sites"),
        ({"named_staff_member": None}, "named_staff_member"),
        (
            {"named_staff_member": person(Role.SCHOOL_STAFF, world.other_school)},
            "named_staff_member",
        ),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _emergency(pupil, head, world.provider, **overrides)
        assert field in refused.value.errors
    assert not Placement.objects.exists()


def test_a_pupil_cannot_have_two_open_placements(world, pupil, head):
    _planned(pupil, head, world.provider)
    with pytest.raises(ValidationFailed, match="already has an open placement"):
        _planned(pupil, head, world.provider)


def test_an_active_placement_ends_with_its_last_day_reason_decider_and_destination(
    world, pupil, head
):
    placement = make_placement(world.school, world.provider, pupil=pupil)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        workflow.end_placement(placement, by=head, reason="Back at school", destination="")
    assert "destination" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        workflow.end_placement(
            placement,
            by=head,
            reason="Back at school",
            destination=Placement.Destination.RETURNED_FULL_TIME,
            ended_on=today + datetime.timedelta(days=1),
        )
    assert "ended_on" in refused.value.errors
    workflow.end_placement(
        placement,
        by=head,
        reason="Reintegration plan complete",
        destination=Placement.Destination.RETURNED_FULL_TIME,
        decided_by="Review meeting with the family and provider",
        ended_on=today,
    )
    placement.refresh_from_db()
    assert (placement.status, placement.ended_on, placement.end_destination) == (
        Placement.Status.ENDED,
        today,
        "returned_full_time",
    )
    event = AuditEvent.objects.get(action="placement_ended")
    assert "Returned to the home school full time" in event.summary


def test_the_inclusion_lead_may_end_or_extend_but_a_provider_may_not(world, pupil):
    placement = make_placement(world.school, world.provider, pupil=pupil)
    lead = person(Role.INCLUSION_LEAD, world.school)
    for outsider in (
        person(Role.PROVIDER_MANAGER, world.provider),
        person(Role.SCHOOL_STAFF, world.school),
    ):
        with pytest.raises(NotPermitted):
            workflow.extend_placement(
                placement, by=outsider, new_end_date=date_after(placement), reason="More time"
            )
    workflow.extend_placement(
        placement, by=lead, new_end_date=date_after(placement), reason="Progress; needs a term more"
    )
    placement.refresh_from_db()
    assert placement.planned_end_date == date_after(placement, weeks=0)


def date_after(placement, weeks=6):
    base = max(placement.planned_end_date, timezone.localdate())
    return base + datetime.timedelta(weeks=weeks) if weeks else base


def test_an_extension_moves_the_end_date_later_with_a_reason_and_keeps_the_history(
    world, pupil, head
):
    placement = make_placement(world.school, world.provider, pupil=pupil)
    old_end = placement.planned_end_date
    for new_end, reason, field in (
        (old_end, "Same day", "new_end_date"),
        (old_end + datetime.timedelta(days=30), "", "reason"),
        (None, "No date", "new_end_date"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            workflow.extend_placement(placement, by=head, new_end_date=new_end, reason=reason)
        assert field in refused.value.errors
    new_end = max(old_end, timezone.localdate()) + datetime.timedelta(days=30)
    workflow.extend_placement(placement, by=head, new_end_date=new_end, reason="Needs more time")
    placement.refresh_from_db()
    assert placement.planned_end_date == new_end
    extension = placement.extensions.get()
    assert (extension.previous_end_date, extension.reason) == (old_end, "Needs more time")
    assert AuditEvent.objects.filter(action="placement_extended").count() == 1


def test_ending_a_placement_needs_a_reason_and_cannot_happen_twice(world, pupil, head):
    placement = _planned(pupil, head, world.provider)
    with pytest.raises(ValidationFailed):
        workflow.end_placement(placement, by=head, reason="", destination="not_started")
    with pytest.raises(ValidationFailed) as refused:
        workflow.end_placement(placement, by=head, reason="Family moved away")
    assert refused.value.errors == {"destination": ["Choose where the child goes next."]}
    workflow.end_placement(
        placement, by=head, reason="Returned to school", destination="not_started"
    )
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    with pytest.raises(TransitionNotAllowed):
        workflow.end_placement(placement, by=head, reason="again", destination="not_started")
    # Once ended, a new placement can be arranged.
    _planned(pupil, head, world.provider)


def test_a_provider_or_another_school_cannot_arrange_a_placement(world, pupil):
    for outsider in (
        person(Role.PROVIDER_MANAGER, world.provider),
        person(Role.HEADTEACHER, world.other_school),
        person(Role.PANEL_CHAIR, world.other_la),
    ):
        with pytest.raises(NotPermitted):
            _planned(pupil, outsider, world.provider)


def test_sessions_outside_the_school_week_are_refused(world, pupil, head):
    with pytest.raises(ValidationFailed, match="Check the placement"):
        _emergency(pupil, head, world.provider, sessions={(5, "am")})
