"""The missed-register check asks the home school's calendar, and a partly entered
calendar must not turn school days into holidays."""

import datetime

import pytest
from django.utils import timezone

from apcase.monitoring import services
from apcase.monitoring.models import FollowUpTask
from apcase.placements.tests.factories import START, make_placement
from apcase.schooldays.models import Term
from apcase.schooldays.testing import enter_school_year

MONDAY = START + datetime.timedelta(days=7)  # Mon 14 Sep 2026
HALF_TERM_MONDAY = datetime.date(2026, 10, 26)


def at(day, hour=10, minute=30):  # type: ignore[no-untyped-def]
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def placements(world, settings):
    settings.APCASE_REGISTER_LOOKBACK_DAYS = 0
    return [make_placement(world.school, world.provider) for _ in range(2)]


def test_a_weekday_outside_the_few_entered_terms_still_expects_a_register(world, placements):
    # Only Autumn 2 of 2026/27 is entered: 14 September is outside it, but the year's
    # calendar is incomplete, so the day counts and the missing register is followed up.
    Term.objects.create(
        local_authority=world.la,
        name="Autumn 2",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 12, 18),
    )
    assert services.check_registers(now=at(MONDAY)) == 2
    assert FollowUpTask.objects.filter(kind="register_missing", date=MONDAY).count() == 2


def test_with_every_term_entered_half_term_expects_no_register(world, placements):
    enter_school_year(world.la, 2026)
    assert services.check_registers(now=at(HALF_TERM_MONDAY)) == 0
    assert services.check_registers(now=at(MONDAY)) == 2
