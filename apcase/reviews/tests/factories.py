"""Reviews for tests, made directly (set-up, not the behaviour under test)."""

import datetime
from typing import Any

from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.referrals.tests.factories import person
from apcase.reviews.models import Decision, Review


def make_review(
    placement: Placement, *, held_on: datetime.date | None = None, **fields: Any
) -> Review:
    held_on = held_on or placement.start_date + datetime.timedelta(weeks=4)
    values: dict[str, Any] = {
        "child_views": "I like the cooking lessons.",
        "parent_views": "Things are calmer at home.",
        "period_start": placement.start_date,
        "period_end": held_on,
        "decision": Decision.CONTINUE,
        "next_review_date": held_on + datetime.timedelta(weeks=6),
    }
    values.update(fields)
    if "held_by" not in values:
        values["held_by"] = person(Role.INCLUSION_LEAD, placement.pupil.school)
    return Review.objects.create(placement=placement, held_on=held_on, **values)
