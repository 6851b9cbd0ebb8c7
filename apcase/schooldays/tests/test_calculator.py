from datetime import date, timedelta

import pytest

from apcase.schooldays.calculator import (
    SchoolCalendar,
    TermDatesMissing,
    add_school_days,
    is_expected_day,
    is_school_day,
    nth_school_day,
    school_days_between,
    school_year_label,
    school_year_of,
    years_to_watch,
)
from apcase.schooldays.models import ClosureDay, Term
from apcase.schooldays.testing import enter_school_year, half_terms


@pytest.fixture
def autumn(world):
    """All six half-terms of 2026/27 in world's LA: Autumn 1 is 2 Sept–23 Oct, half term,
    Autumn 2 is 2 Nov–18 Dec (the rest follow in 2027)."""
    enter_school_year(world.la, 2026)
    return world


def test_a_weekday_in_term_is_a_school_day(autumn):
    assert is_school_day(date(2026, 9, 14), school=autumn.school)  # a Monday


def test_weekends_are_never_school_days(autumn):
    assert not is_school_day(date(2026, 9, 12), school=autumn.school)  # Saturday
    assert not is_school_day(date(2026, 9, 13), school=autumn.school)  # Sunday


def test_days_between_terms_are_holidays(autumn):
    assert not is_school_day(date(2026, 10, 27), school=autumn.school)  # half term
    assert not is_school_day(date(2026, 9, 1), school=autumn.school)  # before term


def test_school_la_and_national_closures_are_not_school_days(autumn):
    ClosureDay.objects.create(date=date(2026, 9, 14), reason="INSET", school=autumn.school)
    ClosureDay.objects.create(
        date=date(2026, 9, 15), reason="Area closure", local_authority=autumn.la
    )
    ClosureDay.objects.create(date=date(2026, 9, 16), reason="Bank holiday")
    for day in (14, 15, 16):
        assert not is_school_day(date(2026, 9, day), school=autumn.school)
    assert is_school_day(date(2026, 9, 17), school=autumn.school)


def test_another_schools_inset_day_does_not_close_this_school(autumn):
    ClosureDay.objects.create(date=date(2026, 9, 14), reason="INSET", school=autumn.other_school)
    assert is_school_day(date(2026, 9, 14), school=autumn.school)


def test_adding_school_days_skips_weekends(autumn):
    # Thursday 17 Sept + 2 school days = Monday 21 Sept.
    assert add_school_days(date(2026, 9, 17), 2, school=autumn.school) == date(2026, 9, 21)
    assert add_school_days(date(2026, 9, 17), 0, school=autumn.school) == date(2026, 9, 17)


def test_adding_school_days_skips_half_term_and_closures(autumn):
    ClosureDay.objects.create(date=date(2026, 11, 2), reason="INSET", school=autumn.school)
    # Friday 23 Oct is the last day before half term; the next school day is Tue 3 Nov.
    assert add_school_days(date(2026, 10, 23), 1, school=autumn.school) == date(2026, 11, 3)


def test_the_sixth_school_day_of_a_suspension_starting_on_a_monday_is_the_next_monday(autumn):
    assert nth_school_day(date(2026, 9, 14), 6, school=autumn.school) == date(2026, 9, 21)


def test_the_sixth_school_day_counts_from_the_first_school_day_when_starting_in_a_holiday(
    autumn,
):
    # Starting on Saturday 24 Oct (half term): day 1 is Mon 2 Nov, day 6 is Mon 9 Nov.
    assert nth_school_day(date(2026, 10, 24), 6, school=autumn.school) == date(2026, 11, 9)


def test_school_days_between_counts_both_ends(autumn):
    assert school_days_between(date(2026, 9, 14), date(2026, 9, 18), school=autumn.school) == 5
    # Two weeks spanning half term: 19–23 Oct (5) + 2–6 Nov (5).
    assert school_days_between(date(2026, 10, 19), date(2026, 11, 6), school=autumn.school) == 10


def test_school_year_runs_from_september_to_august():
    assert school_year_of(date(2026, 9, 1)) == 2026
    assert school_year_of(date(2027, 8, 31)) == 2026
    assert school_year_of(date(2026, 8, 31)) == 2025
    assert school_year_label(2026) == "2026/27"


def test_counting_in_a_year_with_no_term_dates_is_refused_not_guessed(autumn):
    with pytest.raises(TermDatesMissing, match="no term dates for 2027/28"):
        is_school_day(date(2027, 9, 6), school=autumn.school)
    with pytest.raises(TermDatesMissing):
        is_school_day(date(2026, 9, 14), school=autumn.other_school)


def test_one_calendar_answers_many_questions_with_two_queries(autumn, django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = SchoolCalendar.for_school(autumn.school)
        for n in range(1, 40):
            calendar.add_school_days(date(2026, 9, 2), n)


# --- a partly entered year is not a known year -------------------------------------


@pytest.fixture
def autumn_only(world):
    """Only the two autumn half-terms of 2026/27 are entered: 2 of 6."""
    enter_school_year(world.la, 2026, only=2)
    return world


def test_a_year_with_only_some_terms_entered_is_not_known(autumn_only):
    calendar = SchoolCalendar.for_school(autumn_only.school)
    assert not calendar.is_known_year(2026)
    # Spring is not entered yet: the calculator refuses rather than call it a holiday.
    with pytest.raises(TermDatesMissing, match="Only 2 of the 6 terms of 2026/27"):
        calendar.is_school_day(date(2027, 1, 11))
    # Even a day inside an entered term cannot be counted against a half-known year.
    with pytest.raises(TermDatesMissing):
        calendar.is_school_day(date(2026, 9, 14))


def test_in_a_partly_entered_year_every_weekday_is_expected_for_monitoring(autumn_only):
    school = autumn_only.school
    assert is_expected_day(date(2027, 1, 11), school=school)  # Monday, spring not entered
    assert is_expected_day(date(2026, 10, 27), school=school)  # half term, but unknown
    assert not is_expected_day(date(2027, 1, 9), school=school)  # a Saturday


def test_an_entered_closure_day_is_never_expected_even_in_an_unknown_year(autumn_only):
    ClosureDay.objects.create(date=date(2027, 1, 11), reason="INSET", school=autumn_only.school)
    assert not is_expected_day(date(2027, 1, 11), school=autumn_only.school)


def test_once_all_six_terms_are_entered_holidays_are_holidays_again(autumn_only):
    assert is_expected_day(date(2026, 10, 27), school=autumn_only.school)
    for name, start, end in half_terms(2026)[2:]:
        Term.objects.create(
            local_authority=autumn_only.la, name=name, start_date=start, end_date=end
        )
    assert not is_expected_day(date(2026, 10, 27), school=autumn_only.school)
    assert is_school_day(date(2027, 1, 11), school=autumn_only.school)


def test_in_a_known_year_the_expected_days_are_exactly_the_school_days(autumn):
    calendar = SchoolCalendar.for_school(autumn.school)
    day = date(2026, 9, 1)
    while day <= date(2027, 8, 31):
        assert calendar.is_expected_day(day) == calendar.is_school_day(day), day
        day += timedelta(days=1)


def test_fail_safe_arithmetic_counts_weekdays_where_terms_are_missing(autumn_only):
    calendar = SchoolCalendar.for_school(autumn_only.school)
    # Sat 24 Oct 2026 is in half term; with the year unknown, Mon 26 Oct is day 1 and
    # the 6th day is Mon 2 Nov: earlier than the real one (9 Nov), never later.
    assert calendar.nth_school_day(date(2026, 10, 24), 6, fail_safe=True) == date(2026, 11, 2)
    assert calendar.unknown_years_between(date(2026, 10, 24), date(2026, 11, 2)) == [2026]
    with pytest.raises(TermDatesMissing):
        calendar.nth_school_day(date(2026, 10, 24), 6)


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 9, 1), [2026]),
        (date(2027, 5, 31), [2026]),
        (date(2027, 6, 1), [2026, 2027]),
        (date(2027, 8, 31), [2026, 2027]),
    ],
)
def test_next_years_term_dates_are_asked_for_from_1_june(today, years):
    assert years_to_watch(today) == years
