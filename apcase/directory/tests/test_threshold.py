from datetime import date

import pytest

from apcase.accounts.tests.factories import ProviderFactory
from apcase.directory.models import Registration
from apcase.directory.threshold import (
    PlacedPupil,
    PupilFacts,
    count_for_threshold,
    count_placed_pupils,
    is_compulsory_school_age,
    warning_for_new_placement,
)
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil

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


@pytest.mark.django_db
def test_the_query_counts_current_full_time_placements_as_the_plain_count_does(world):
    provider = world.provider
    ProviderProfileFactory(organisation=provider, registration=Registration.UNREGISTERED)

    def place(n, *, sessions=10, looked_after=False, sen="N", born=TEN, at=provider):  # type: ignore[no-untyped-def]
        pupil = Pupil.objects.create(
            school=world.school,
            upn=f"T{n:012d}",
            legal_first_name="Invented",
            legal_last_name=f"Pupil{n}",
            date_of_birth=born,
            sex="F",
            nc_year="5",
            looked_after=looked_after,
            sen_status=sen,
        )
        Placement.objects.create(
            pupil=pupil,
            provider=at,
            start_date=date(2026, 1, 5),
            sessions_per_week=sessions,
            arranged_by="school",
            status="active",
        )

    for n in range(3):
        place(n)
    place(3, sessions=6, looked_after=True)  # part time: not counted
    place(4, born=date(2008, 1, 1))  # over compulsory school age
    place(5, at=ProviderFactory(local_authority=world.la))  # elsewhere
    current = Placement.objects.exclude(status="ended")
    count = count_for_threshold(provider, current, on=ON)
    assert (count.full_time_pupils, count.full_time_lac_or_ehc, count.reached) == (3, 0, False)

    ehc_pupil = PupilFacts(date_of_birth=TEN, full_time=True, ehc_plan=True)
    warning = warning_for_new_placement(provider, current, ehc_pupil, on=ON)
    assert warning is not None
    assert "must register as an independent school" in warning
    part_timer = PupilFacts(date_of_birth=TEN, full_time=False)
    assert warning_for_new_placement(provider, current, part_timer, on=ON) is None

    place(6, sen="E")
    count = count_for_threshold(provider, current, on=ON)
    assert (count.full_time_pupils, count.full_time_lac_or_ehc, count.reached) == (4, 1, True)
