"""Reminder (notifications.reminders): a placement review falls due within
REMIND_DAYS_BEFORE days, once per placement and due date, and once more when the due
date has passed with no review held (the review state's `overdue`, the rule of the
home page's 'Overdue'), to whoever acts for the placement
(placements.watch.who_acts_for)."""

import datetime
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from apcase.notifications.reminders import Due
from apcase.placements import watch

from . import selectors

REMIND_DAYS_BEFORE = 7


def reviews_due(today: datetime.date) -> Iterator[Due]:
    placements = watch.with_staff_memberships(selectors.active_with_reviews(Q()))
    for state in selectors.states_of(placements, today=today):
        placement = state.placement
        if state.next is None:
            continue
        due = state.next.due
        if due > today + datetime.timedelta(days=REMIND_DAYS_BEFORE):
            continue
        yield watch.reminder(
            "review_due",
            placement,
            due,
            template="reviews/messages/review_due.txt",
            link=reverse("reviews:placement", kwargs={"placement_id": placement.pk}),
            passed=state.overdue,
        )
