import datetime

import pytest

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.placements import workflow
from apcase.placements.models import Placement
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
        provider=provider,
        start_date=START,
        sessions_per_week=5,
        first_review_date=START + datetime.timedelta(days=42),
    )


def test_a_planned_placement_is_created_with_one_chronology_entry(world, pupil, head):
    placement = _planned(pupil, head, world.provider)
    assert placement.status == Placement.Status.PLANNED
    assert AuditEvent.objects.filter(pupil_id=pupil.pk, action="placement_planned").count() == 1


def test_an_emergency_placement_is_active_from_today(world, pupil, head):
    placement = workflow.start_emergency_placement(
        by=head, pupil=pupil, provider=world.provider, sessions_per_week=10
    )
    assert placement.status == Placement.Status.ACTIVE
    assert placement.is_emergency


def test_a_pupil_cannot_have_two_open_placements(world, pupil, head):
    _planned(pupil, head, world.provider)
    with pytest.raises(ValidationFailed, match="already has an open placement"):
        _planned(pupil, head, world.provider)


def test_ending_a_placement_needs_a_reason_and_cannot_happen_twice(world, pupil, head):
    placement = _planned(pupil, head, world.provider)
    with pytest.raises(ValidationFailed):
        workflow.end_placement(placement, by=head, reason="")
    workflow.end_placement(placement, by=head, reason="Returned to school")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    with pytest.raises(TransitionNotAllowed):
        workflow.end_placement(placement, by=head, reason="again")
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


def test_sessions_per_week_outside_1_to_10_are_refused(world, pupil, head):
    with pytest.raises(ValidationFailed, match="between 1 and 10"):
        workflow.start_emergency_placement(
            by=head, pupil=pupil, provider=world.provider, sessions_per_week=11
        )
