"""When the next review is due, and the 10-week rule of a parent's request: the
arithmetic, its boundaries, and the invariant that no active placement goes unwatched."""

import datetime
from dataclasses import dataclass

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.reviews import schedule

START = datetime.date(2026, 9, 7)
WEEK = datetime.timedelta(weeks=1)


@dataclass
class P:
    start_date: datetime.date
    first_review_date: datetime.date | None = None


@dataclass
class R:
    held_on: datetime.date
    next_review_date: datetime.date | None


def test_the_first_review_is_the_plans_first_review_date():
    due = schedule.next_review(P(START, START + 4 * WEEK), [])
    assert due == schedule.NextReview(START + 4 * WEEK)


def test_with_no_first_review_date_it_is_due_six_weeks_after_the_start_and_says_so():
    due = schedule.next_review(P(START), [])
    assert due.due == START + 6 * WEEK == datetime.date(2026, 10, 19)
    assert due.missing == "No review scheduled."


def test_a_first_review_date_beyond_the_interval_is_brought_forward_and_said():
    due = schedule.next_review(P(START, START + 10 * WEEK), [])
    assert due.due == START + 6 * WEEK
    assert "later than 6 weeks after the start" in due.missing


def test_the_first_review_on_the_last_day_of_the_interval_stands():
    assert schedule.next_review(P(START, START + 6 * WEEK), []).due == START + 6 * WEEK


def test_the_latest_held_review_names_the_next():
    reviews = [R(START + 5 * WEEK, START + 10 * WEEK), R(START + 10 * WEEK, START + 14 * WEEK)]
    assert schedule.next_review(P(START), reviews) == schedule.NextReview(START + 14 * WEEK)


def test_a_review_that_named_no_next_date_fails_safe_to_an_interval_after_it():
    due = schedule.next_review(P(START), [R(START + 5 * WEEK, None)])
    assert due.due == START + 11 * WEEK
    assert due.missing


@override_settings(APCASE_REVIEW_INTERVAL_WEEKS=4)
def test_the_interval_is_a_setting():
    assert schedule.next_review(P(START), []).due == START + 4 * WEEK


def test_overdue_only_after_the_due_day():
    due = schedule.NextReview(START + 6 * WEEK)
    assert not due.is_overdue(START + 6 * WEEK)
    assert due.is_overdue(START + 6 * WEEK + datetime.timedelta(days=1))


# Pure arithmetic: no deadline, and no complaint when a busy machine is slow to generate.
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.dates(datetime.date(2024, 1, 1), datetime.date(2030, 12, 31))


@QUICK
@given(
    start=dates,
    first=st.none() | dates,
    held=st.lists(st.tuples(st.integers(0, 400), st.none() | st.integers(1, 42)), max_size=5),
)
def test_every_active_placement_has_a_next_review_no_later_than_the_rules_allow(start, first, held):
    """Invariant: the next review is no later than start + interval, or no later than
    the last held review's stated next date (when it stated one), or an interval after
    it (when it did not). Never "no date"."""
    reviews = [
        R(
            start + datetime.timedelta(days=d),
            None if n is None else start + datetime.timedelta(days=d + n),
        )
        for d, n in held
    ]
    due = schedule.next_review(P(start, first), reviews)
    assert isinstance(due.due, datetime.date)
    last = schedule.latest(reviews)
    if last is None:
        assert due.due <= start + schedule.review_interval()
        if first is None or first > start + schedule.review_interval():
            assert due.missing
    elif last.next_review_date is not None:
        assert due.due <= last.next_review_date
    else:
        assert due.due <= last.held_on + schedule.review_interval()
        assert due.missing


# --- a parent's written request: the 10 weeks before the day it was received --------

RECEIVED = datetime.date(2026, 11, 30)


def test_no_review_ever_means_the_request_is_due():
    assert schedule.request_is_due(RECEIVED, [])


def test_a_review_exactly_10_weeks_before_the_request_means_none_is_due():
    assert not schedule.request_is_due(RECEIVED, [RECEIVED - 10 * WEEK])


def test_a_review_10_weeks_and_a_day_before_the_request_does_not_count():
    assert schedule.request_is_due(RECEIVED, [RECEIVED - 10 * WEEK - datetime.timedelta(days=1)])


def test_a_review_the_day_before_the_request_counts():
    assert not schedule.request_is_due(RECEIVED, [RECEIVED - datetime.timedelta(days=1)])


def test_a_review_on_the_day_of_the_request_meets_it():
    """Not "in the 10 weeks preceding the day", but held on or after it: met."""
    assert not schedule.held_within_window(RECEIVED, [RECEIVED])
    assert not schedule.request_is_due(RECEIVED, [RECEIVED])


def test_the_request_stays_due_until_a_review_is_held():
    old = RECEIVED - 11 * WEEK
    assert schedule.request_is_due(RECEIVED, [old])
    assert not schedule.request_is_due(RECEIVED, [old, RECEIVED + 2 * WEEK])


@QUICK
@given(received=dates, held=st.lists(dates, max_size=6))
def test_a_request_is_due_exactly_when_the_regulation_says(received, held):
    before = [d for d in held if received - 10 * WEEK <= d < received]
    since = [d for d in held if d >= received]
    assert schedule.request_is_due(received, held) == (not before and not since)
