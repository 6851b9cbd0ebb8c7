"""When a placement's next review is due, and whether a parent's request for one must
still be met: worked out from the records every time, never stored, so no hook can be
missed and no placement goes unwatched.

Rules:
- The first review is on the plan's `first_review_date`, but never later than the
  start plus the review interval (settings.APCASE_REVIEW_INTERVAL_WEEKS): a missing or
  far-off date fails safe to start + interval, and the gap is said out loud.
- Each review held names the next (required unless the placement ends, and within the
  interval of the review); the latest held review's date decides.
- A parent's written request must be met unless a review was held in the 10 weeks
  before the day of the request (settings.APCASE_REVIEW_REQUEST_WINDOW_WEEKS): it is
  due from the day it was received until a review is held on or after that day."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


class PlacementDates(Protocol):
    start_date: datetime.date
    first_review_date: datetime.date | None


class HeldReview(Protocol):
    held_on: datetime.date
    next_review_date: datetime.date | None


def review_interval() -> datetime.timedelta:
    return datetime.timedelta(weeks=int(getattr(settings, "APCASE_REVIEW_INTERVAL_WEEKS", 6)))


def request_window() -> datetime.timedelta:
    weeks = int(getattr(settings, "APCASE_REVIEW_REQUEST_WINDOW_WEEKS", 10))
    return datetime.timedelta(weeks=weeks)


@dataclass(frozen=True)
class NextReview:
    due: datetime.date
    # What is missing, said out loud ("" when the date comes from the plan or a review).
    missing: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due < today


def latest(reviews: Iterable[HeldReview]) -> HeldReview | None:
    return max(reviews, key=lambda r: r.held_on, default=None)


def next_review(placement: PlacementDates, reviews: Iterable[HeldReview]) -> NextReview:
    """When the next review is due (see the module docstring)."""
    last = latest(reviews)
    if last is not None and last.next_review_date is not None:
        return NextReview(last.next_review_date)
    latest_allowed = placement.start_date + review_interval()
    if last is not None:
        # A review that ended the placement names no next one; should the placement
        # still be open, the next is due an interval after that review.
        return NextReview(
            last.held_on + review_interval(),
            missing="The last review named no next review date.",
        )
    first = placement.first_review_date
    if first is None:
        return NextReview(latest_allowed, missing="No review scheduled.")
    if first > latest_allowed:
        return NextReview(
            latest_allowed,
            missing=f"The plan's first review date, {first:%-d %B %Y}, is later than "
            f"{review_interval().days // 7} weeks after the start.",
        )
    return NextReview(first)


def request_is_due(received_on: datetime.date, held: Iterable[datetime.date]) -> bool:
    """Whether a parent's request received on `received_on` must be met and has not
    been yet: no review in the window before that day, and none since."""
    days = list(held)
    window_start = received_on - request_window()
    if any(window_start <= day < received_on for day in days):
        return False
    return not any(day >= received_on for day in days)


def held_within_window(received_on: datetime.date, held: Iterable[datetime.date]) -> bool:
    window_start = received_on - request_window()
    return any(window_start <= day < received_on for day in held)
