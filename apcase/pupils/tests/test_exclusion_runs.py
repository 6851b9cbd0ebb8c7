"""The 6th-day duty runs across back-to-back suspensions, and each school day of a
suspension counts towards the school year it falls in."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apcase.core.errors import ValidationFailed
from apcase.pupils import selectors, services
from apcase.pupils.exclusion_days import Suspension, covered_days, days_by_school_year, runs
from apcase.pupils.tests.factories import ExclusionFactory, PupilFactory
from apcase.schooldays.calculator import SchoolCalendar
from apcase.schooldays.models import ClosureDay
from apcase.schooldays.testing import enter_school_year, half_terms
from conftest import Role
from tests.helpers import assert_page


@pytest.fixture
def pupil(world):
    enter_school_year(world.la, 2025)
    enter_school_year(world.la, 2026)
    return PupilFactory(school=world.school, legal_first_name="Ellis", legal_last_name="Mace")


@pytest.fixture
def lead(user_with_role):
    return user_with_role(Role.INCLUSION_LEAD)


def suspension(pupil, start, length):  # type: ignore[no-untyped-def]
    return ExclusionFactory(pupil=pupil, start_date=start, length_days=length)


def provision_dates(pupil):  # type: ignore[no-untyped-def]
    history = selectors.exclusion_history(pupil)
    return {line.exclusion.start_date: line.provision_from for line in history.lines}


# --- runs across suspensions ---------------------------------------------------------


def test_two_three_day_suspensions_back_to_back_reach_the_sixth_day(pupil):
    suspension(pupil, date(2026, 9, 14), 3)  # Mon–Wed
    suspension(pupil, date(2026, 9, 17), 3)  # Thu, Fri, Mon 21
    assert provision_dates(pupil) == {
        date(2026, 9, 14): date(2026, 9, 21),
        date(2026, 9, 17): date(2026, 9, 21),
    }
    (duty,) = selectors.exclusion_history(pupil).duties
    assert (duty.first_day, duty.last_day, duty.school_days) == (
        date(2026, 9, 14),
        date(2026, 9, 21),
        6,
    )
    assert len(duty.exclusions) == 2
    assert not duty.provisional


def test_a_weekend_between_suspensions_does_not_break_the_run(pupil):
    suspension(pupil, date(2026, 9, 16), 3)  # Wed–Fri
    suspension(pupil, date(2026, 9, 21), 3)  # Mon–Wed
    assert set(provision_dates(pupil).values()) == {date(2026, 9, 23)}


def test_half_term_and_an_inset_day_between_suspensions_do_not_break_the_run(pupil):
    ClosureDay.objects.create(date=date(2026, 11, 2), reason="INSET", school=pupil.school)
    suspension(pupil, date(2026, 10, 21), 3)  # Wed 21–Fri 23 Oct, then half term
    suspension(pupil, date(2026, 11, 3), 3)  # Tue 3–Thu 5 Nov
    assert set(provision_dates(pupil).values()) == {date(2026, 11, 5)}


def test_a_school_day_back_at_school_breaks_the_run(pupil):
    suspension(pupil, date(2026, 9, 14), 3)  # Mon–Wed
    suspension(pupil, date(2026, 9, 18), 3)  # Fri, Mon, Tue: back at school on Thu
    assert set(provision_dates(pupil).values()) == {None}
    assert selectors.exclusion_history(pupil).duties == []


def test_three_short_suspensions_make_one_run(pupil):
    suspension(pupil, date(2026, 9, 14), 2)
    suspension(pupil, date(2026, 9, 16), 2)
    suspension(pupil, date(2026, 9, 18), 2)
    (duty,) = selectors.exclusion_history(pupil).duties
    assert duty.provision_from == date(2026, 9, 21)
    assert len(duty.exclusions) == 3


def test_a_part_day_counts_as_a_day_of_the_run(pupil):
    # 2.5 days from Mon 14 Sept: Mon, Tue and part of Wed; then Thu, Fri, Mon.
    suspension(pupil, date(2026, 9, 14), "2.5")
    suspension(pupil, date(2026, 9, 17), 3)
    assert set(provision_dates(pupil).values()) == {date(2026, 9, 21)}


def test_a_lunchtime_suspension_between_two_suspensions_joins_them(pupil):
    suspension(pupil, date(2026, 9, 14), 3)  # Mon–Wed
    suspension(pupil, date(2026, 9, 17), "0.5")  # Thursday lunchtime
    suspension(pupil, date(2026, 9, 18), 2)  # Fri, Mon
    (duty,) = selectors.exclusion_history(pupil).duties
    assert duty.provision_from == date(2026, 9, 21)
    assert duty.school_days == 6


def test_a_permanent_exclusion_keeps_its_own_sixth_day(pupil, lead):
    suspension(pupil, date(2026, 9, 7), 3)
    services.record_exclusion(
        by=lead,
        pupil=pupil,
        kind="permanent",
        details=services.ExclusionDetails(start_date=date(2026, 9, 10), reasons=["PA"]),
    )
    history = selectors.exclusion_history(pupil)
    permanent = next(line for line in history.lines if line.exclusion.kind == "permanent")
    assert permanent.provision_from == date(2026, 9, 17)  # Thu 10 Sept + 5 school days
    assert history.duties == []


def test_with_incomplete_term_dates_a_run_is_counted_on_weekdays_and_marked_provisional(world):
    # Only Autumn 1 of 2026/27 is entered, so 26–30 Oct (really half term) count.
    enter_school_year(world.la, 2026, only=1)
    pupil = PupilFactory(school=world.school)
    suspension(pupil, date(2026, 10, 21), 3)  # Wed 21–Fri 23 Oct
    suspension(pupil, date(2026, 10, 26), 3)  # Mon 26–Wed 28 Oct
    (duty,) = selectors.exclusion_history(pupil).duties
    assert duty.provision_from == date(2026, 10, 28)
    assert duty.provisional
    assert "Only 1 of the 6 terms of 2026/27" in duty.provisional_note


def test_the_pupil_page_shows_the_date_full_time_education_is_due_for_a_run(
    world, client_for, pupil
):
    suspension(pupil, date(2026, 9, 14), 3)
    suspension(pupil, date(2026, 9, 17), 3)
    response = client_for(Role.INCLUSION_LEAD).get(f"/pupils/{pupil.pk}/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Full-time education from Monday 21 September 2026" in page
    assert "made up of 2 suspensions back to back" in page
    assert "with 1 other suspension back to back (6 school days)" in page


def test_the_pupil_page_says_loudly_when_the_date_is_provisional(world, client_for):
    pupil = PupilFactory(school=world.school)
    suspension(pupil, date(2026, 9, 14), 6)
    response = client_for(Role.INCLUSION_LEAD).get(f"/pupils/{pupil.pk}/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Full-time education from Monday 21 September 2026" in page
    assert "Provisional: weekdays were counted as school days" in page
    assert "There are no term dates for 2026/27" in page


# --- the 45-day total, day by day ----------------------------------------------------


def test_a_suspension_over_the_summer_counts_partly_in_each_school_year(pupil):
    # Summer 2 of 2025/26 ends Tue 21 July 2026: 13–21 July are 7 school days, and the
    # other 3 are 2–4 September 2026, in 2026/27.
    suspension(pupil, date(2026, 7, 13), 10)
    assert selectors.suspension_days_in_year(pupil, 2025) == 7
    assert selectors.suspension_days_in_year(pupil, 2026) == 3
    years = {y.label: y.days for y in selectors.exclusion_history(pupil).years}
    assert years == {"2025/26": 7, "2026/27": 3}


def test_the_part_day_falls_in_the_year_of_the_suspensions_last_day(pupil):
    suspension(pupil, date(2026, 7, 20), "2.5")  # Mon 20, Tue 21 July, half of Wed 2 Sept
    assert selectors.suspension_days_in_year(pupil, 2025) == 2
    assert selectors.suspension_days_in_year(pupil, 2026) == Decimal("0.5")


def test_the_limit_is_checked_in_each_year_a_suspension_falls_in(pupil, lead):
    suspension(pupil, date(2026, 9, 21), 43)
    with pytest.raises(ValidationFailed) as refused:
        services.record_exclusion(
            by=lead,
            pupil=pupil,
            kind="suspension",
            details=services.ExclusionDetails(
                start_date=date(2026, 7, 13), length_days=10, reasons=["DB"]
            ),
        )
    message = str(refused.value)
    assert "already been suspended for 43 school days in 2026/27" in message
    assert "no more than 2 can be recorded in 2026/27" in message
    assert "this suspension has 3 of its school days in 2026/27" in message
    assert pupil.exclusions.count() == 1


def test_a_suspension_with_only_its_last_days_in_a_full_year_is_refused_by_the_form(
    world, client_for, pupil
):
    suspension(pupil, date(2026, 9, 21), 43)
    response = client_for(Role.INCLUSION_LEAD).post(
        f"/pupils/{pupil.pk}/exclusions/add/",
        {
            "kind": "suspension",
            "start_date_0": "13",
            "start_date_1": "7",
            "start_date_2": "2026",
            "length_days": "10",
            "reason_1": "DB",
        },
    )
    assert_page(response, contains="no more than 2 can be recorded in 2026/27")
    assert pupil.exclusions.count() == 1


# --- properties ------------------------------------------------------------------------

KNOWN = SchoolCalendar(
    school=None,
    terms=[(s, e) for _, s, e in half_terms(2026)],
    closures={date(2026, 11, 2), date(2026, 12, 25), date(2027, 1, 4)},
    terms_in_year=Counter({2026: 6}),
)
# The same year with only its first two terms entered: not known, weekdays count.
PARTLY_KNOWN = SchoolCalendar(
    school=None,
    terms=[(s, e) for _, s, e in half_terms(2026)[:2]],
    closures=KNOWN.closures,
    terms_in_year=Counter({2026: 2}),
)

starts = st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 5, 31))


@settings(max_examples=150, deadline=None)
@given(start=starts, length=st.integers(1, 25), data=st.data())
def test_splitting_a_run_into_suspensions_never_moves_its_sixth_day(start, length, data):
    whole = Suspension(1, start, Decimal(length))
    days = [day for day, _ in covered_days(KNOWN, whole).days]
    cuts = sorted(data.draw(st.sets(st.integers(1, length - 1))) if length > 1 else set())
    bounds = [0, *cuts, length]
    pieces = [
        Suspension(i + 10, days[a], Decimal(b - a))
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]
    (one,) = runs(KNOWN, [whole])
    (split,) = runs(KNOWN, pieces)
    assert split.days == one.days
    assert split.provision_from == one.provision_from
    assert (one.provision_from is not None) == (length >= 6)


@settings(max_examples=150, deadline=None)
@given(start=starts, halves=st.integers(1, 60))
def test_incomplete_term_dates_never_make_the_sixth_day_later(start, halves):
    s = Suspension(1, start, Decimal(halves) / 2)
    (known,) = runs(KNOWN, [s])
    (partly,) = runs(PARTLY_KNOWN, [s])
    if known.provision_from is not None:
        assert partly.provision_from is not None
        assert partly.provision_from <= known.provision_from
        assert partly.provisional_years
        assert not known.provisional_years


@settings(max_examples=150, deadline=None)
@given(
    suspensions=st.lists(
        st.tuples(st.dates(date(2026, 6, 1), date(2027, 7, 31)), st.integers(1, 40)),
        max_size=5,
    )
)
def test_the_yearly_split_loses_and_invents_no_days(suspensions):
    items = [Suspension(i, d, Decimal(h) / 2) for i, (d, h) in enumerate(suspensions)]
    split = days_by_school_year(KNOWN, items)
    assert sum(split.days.values(), Decimal("0")) == sum((s.length for s in items), Decimal("0"))
    for s in items:
        for day, _ in covered_days(KNOWN, s).days:
            assert day.weekday() < 5
            assert day not in KNOWN.closures
            assert day >= s.start
            assert day - s.start < timedelta(days=400)


# --- bad input is refused with a message, never an error page ------------------------


def test_the_first_day_of_an_exclusion_may_not_be_years_ahead(world, client_for, pupil):
    data = {
        "kind": "suspension",
        "start_date_0": "14",
        "start_date_1": "9",
        "start_date_2": "9999",
        "length_days": "2",
        "reason_1": "DB",
    }
    response = client_for(Role.INCLUSION_LEAD).post(f"/pupils/{pupil.pk}/exclusions/add/", data)
    assert_page(response, contains="cannot be more than a year from today")
    assert not pupil.exclusions.exists()


@pytest.mark.parametrize("length", ["46", "999.5"])
def test_a_suspension_longer_than_45_days_is_refused_by_the_service(pupil, lead, length):
    with pytest.raises(ValidationFailed, match="cannot be longer than 45 school days"):
        services.record_exclusion(
            by=lead,
            pupil=pupil,
            kind="suspension",
            details=services.ExclusionDetails(
                start_date=date(2026, 9, 14), length_days=length, reasons=["DB"]
            ),
        )
    assert not pupil.exclusions.exists()
