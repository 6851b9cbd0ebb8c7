from datetime import date, timedelta
from decimal import Decimal

import pytest

from apcase.directory.models import Registration
from apcase.directory.threshold import (
    PlacedPupil,
    count_placed_pupils,
    is_compulsory_school_age,
    threshold_for,
    warning_for_new_placement,
    warning_for_placement,
)
from apcase.placements.models import Placement, PlacementSession
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil

from .factories import ProviderProfileFactory

ON = date(2026, 1, 20)  # spring term
TEN = date(2015, 6, 1)  # aged 10: compulsory school age


@pytest.mark.parametrize(
    ("born", "on", "compulsory"),
    [
        (date(2020, 8, 31), date(2025, 8, 31), True),  # 5 on a prescribed day: from that day
        (date(2020, 9, 1), date(2025, 12, 30), False),  # 5 on 1 Sep: not until 31 Dec
        (date(2020, 9, 1), date(2025, 12, 31), True),
        (date(2009, 8, 31), date(2025, 6, 27), True),  # last Friday in June 2025
        (date(2009, 8, 31), date(2025, 6, 28), False),
        (date(2009, 9, 1), date(2025, 10, 1), True),  # turns 16 in the next school year
    ],
)
def test_compulsory_school_age_starts_on_a_prescribed_day_and_ends_on_the_last_friday_in_june(
    born, on, compulsory
):
    assert is_compulsory_school_age(born, on=on) is compulsory


def _placed(n: int, **facts) -> list[PlacedPupil]:  # type: ignore[no-untyped-def]
    return [PlacedPupil(pupil_id=i, date_of_birth=TEN, full_time=True, **facts) for i in range(n)]


def test_five_full_time_pupils_reach_the_threshold_and_four_do_not():
    assert count_placed_pupils(_placed(4), unregistered=True, on=ON).reached is False
    assert count_placed_pupils(_placed(5), unregistered=True, on=ON).reached is True


def test_one_full_time_pupil_who_is_looked_after_or_has_an_ehc_plan_reaches_the_threshold():
    assert count_placed_pupils(_placed(1, looked_after=True), unregistered=True, on=ON).reached
    assert count_placed_pupils(_placed(1, ehc_plan=True), unregistered=True, on=ON).reached


def test_part_time_pupils_and_pupils_over_compulsory_age_do_not_count():
    placed = [
        PlacedPupil(1, TEN, full_time=False, looked_after=True),
        PlacedPupil(2, date(2008, 5, 1), full_time=True, ehc_plan=True),
    ]
    count = count_placed_pupils(placed, unregistered=True, on=ON)
    assert (count.full_time_pupils, count.full_time_lac_or_ehc, count.reached) == (0, 0, False)


def test_a_registered_provider_is_never_warned():
    assert count_placed_pupils(_placed(9), unregistered=False, on=ON).reached is False


# --- counting real placements: taught hours, open placements, fail safe -------------

FULL_DAYS = {(d, s) for d in range(5) for s in ("am", "pm")}  # 27.5 hours
FOUR_DAYS = {(d, s) for d in range(4) for s in ("am", "pm")}  # 22 hours
THREE_MORNINGS = {(0, "am"), (1, "am"), (2, "am")}  # 9 hours


@pytest.fixture
def tuition(world):
    ProviderProfileFactory(organisation=world.provider, registration=Registration.UNREGISTERED)
    return world.provider


def _place(world, provider, *, sessions=FULL_DAYS, **fields):  # type: ignore[no-untyped-def]
    pupil_fields = {k: fields.pop(k) for k in ("looked_after", "sen_status") if k in fields}
    pupil = make_pupil(world.school, date_of_birth=TEN, **pupil_fields)
    return make_placement(world.school, provider, pupil=pupil, sessions=sessions, **fields)


@pytest.mark.django_db
def test_four_full_days_a_week_is_full_time_though_it_is_not_every_session(world, tuition):
    """Old code: only 10 of 10 sessions counted, so 4 days (22 taught hours) did not."""
    for _ in range(4):
        _place(world, tuition, sessions=FOUR_DAYS)
    _place(world, tuition, sessions=THREE_MORNINGS)  # 9 hours: part time
    count = threshold_for(tuition, on=ON)
    assert (count.full_time_pupils, count.reached, count.one_short) == (4, False, True)
    _place(world, tuition, sessions=FOUR_DAYS)
    count = threshold_for(tuition, on=ON)
    assert (count.full_time_pupils, count.reached) == (5, True)
    assert "Milton Keynes Primary Referral Unit is not a registered school and teaches 5" in (
        count.message
    )
    assert "It has reached the registration threshold" in count.message


@pytest.mark.django_db
@pytest.mark.parametrize(("hours", "full_time"), [("4.5", False), ("4.6", True)])
def test_full_time_is_more_than_18_taught_hours_a_week(world, tuition, hours, full_time):
    placement = _place(world, tuition, sessions={(d, "am") for d in range(4)})
    PlacementSession.objects.filter(placement=placement).update(hours=Decimal(hours))
    # 4 x 4.5 = 18.0 hours: not more than 18; 4 x 4.6 = 18.4: full time.
    assert threshold_for(tuition, on=ON).full_time_pupils == int(full_time)


@pytest.mark.django_db
def test_a_placement_with_no_timetable_or_an_unagreed_emergency_plan_counts_as_full_time(
    world, tuition
):
    _place(world, tuition, sessions=set())  # no timetable yet
    emergency = _place(world, tuition, sessions={(0, "am")}, is_emergency=True)
    count = threshold_for(tuition, on=ON)
    assert (count.full_time_pupils, count.hours_unknown) == (2, 2)
    assert "2 of them are counted as full time because there is no agreed timetable" in (
        count.message
    )
    # Once the emergency placement's plan is agreed, its timetable (3 hours) rules.
    Placement.objects.filter(pk=emergency.pk).update(full_plan_agreed_on=ON)
    assert threshold_for(tuition, on=ON).full_time_pupils == 1


@pytest.mark.django_db
def test_every_open_placement_counts_whatever_its_dates_and_ended_ones_do_not(world, tuition):
    """Old code: only placements started by today and not past their planned end."""
    _place(world, tuition, status=Placement.Status.PLANNED, start_date=ON + timedelta(days=30))
    _place(
        world,
        tuition,
        start_date=ON - timedelta(days=120),
        planned_end_date=ON - timedelta(days=10),  # overdue for ending: still there
    )
    _place(world, tuition, status=Placement.Status.ENDED, ended_on=ON - timedelta(days=1))
    assert threshold_for(tuition, on=ON).full_time_pupils == 2


@pytest.mark.django_db
def test_the_warning_for_a_new_placement_names_the_provider_the_count_and_why(world, tuition):
    for _ in range(4):
        _place(world, tuition)
    newcomer = make_pupil(world.school, date_of_birth=TEN)
    warning = warning_for_new_placement(tuition, newcomer, on=ON)
    assert warning is not None
    assert "Milton Keynes Primary Referral Unit is not a registered school" in warning
    assert "teaches 4 full-time pupils of compulsory school age" in warning
    assert "because it would teach 5 full-time pupils of compulsory school age" in warning
    assert "no agreed timetable yet, so it is counted as full time" in warning
    assert "must register as an independent school" in warning
    # Part time (9 hours) keeps it below the line.
    assert warning_for_new_placement(tuition, newcomer, taught_hours=Decimal(9), on=ON) is None


@pytest.mark.django_db
def test_one_looked_after_pupil_placed_full_time_needs_registration(world, tuition):
    child = make_pupil(world.school, date_of_birth=TEN, looked_after=True)
    warning = warning_for_new_placement(tuition, child, on=ON)
    assert warning is not None
    assert "because this pupil is looked after or has an EHC plan" in warning
    ehc = make_pupil(world.school, date_of_birth=TEN, sen_status="E")
    assert warning_for_new_placement(tuition, ehc, taught_hours=Decimal("18.5"), on=ON)
    assert warning_for_new_placement(tuition, ehc, taught_hours=Decimal(18), on=ON) is None


@pytest.mark.django_db
def test_a_placements_own_plan_is_not_counted_twice(world, tuition):
    for _ in range(3):
        _place(world, tuition)
    fourth = _place(world, tuition)
    assert warning_for_placement(fourth, on=ON) is None  # 4 pupils, this one included
    _place(world, tuition)
    assert "it would teach 5 full-time pupils" in warning_for_placement(fourth, on=ON)


@pytest.mark.django_db
def test_a_registered_provider_is_never_warned_about_registration(world):
    ProviderProfileFactory(organisation=world.provider, registration=Registration.REGISTERED)
    for _ in range(6):
        _place(world, world.provider)
    child = make_pupil(world.school, date_of_birth=TEN, looked_after=True)
    assert warning_for_new_placement(world.provider, child, on=ON) is None
    assert threshold_for(world.provider, on=ON) is None
