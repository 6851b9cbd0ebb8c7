from datetime import date

import pytest

from apcase.schooldays.calculator import (
    SchoolCalendar,
    TermDatesMissing,
    add_school_days,
    is_school_day,
    nth_school_day,
    school_days_between,
    school_year_label,
    school_year_of,
)
from apcase.schooldays.models import ClosureDay, Term


@pytest.fixture
def autumn(world):
    """Autumn 2026 in world's LA: term 2 Sept–23 Oct, half term, term 2 Nov–18 Dec."""
    Term.objects.create(
        local_authority=world.la,
        name="Autumn 1",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 10, 23),
    )
    Term.objects.create(
        local_authority=world.la,
        name="Autumn 2",
        start_date=date(2026, 11, 2),
        end_date=date(2026, 12, 18),
    )
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
