import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.placements.tests.factories import add_objective, make_placement
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals.tests.factories import person


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff(world):
    """The named member of staff: a teacher, not one of the review roles."""
    return person(Role.SCHOOL_STAFF, world.school, full_name="Tom Ellery")


@pytest.fixture
def placement(world, staff, today):
    """Active for eight weeks, no first review date on the plan, one objective."""
    placement = make_placement(
        world.school,
        world.provider,
        named_staff_member=staff,
        start_date=today - datetime.timedelta(weeks=8),
        planned_end_date=today + datetime.timedelta(weeks=8),
    )
    add_objective(placement)
    return placement


@pytest.fixture
def carer(placement):
    return CarerFactory(pupil=placement.pupil, name="Jo Example", relationship="Mother")


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, full_name="Priya Shah")
