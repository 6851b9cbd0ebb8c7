"""Reminder (notifications.reminders): an agreed reintegration plan's part-time
timetable ends within REMIND_DAYS_BEFORE days, once per plan and end date, and once
more when the end date has passed with the plan still under way (the child may still
be on it), to the plan's named adult while they work at the school and to whoever acts
for the placement (placements.watch.who_acts_for): the child returns full time, or the
timetable is reviewed and agreed again."""

import datetime
from collections.abc import Iterator

from django.urls import reverse

from apcase.access import policies
from apcase.notifications.reminders import Due, key_ahead_or_passed
from apcase.placements import watch

from .models import PlanStatus, ReintegrationPlan

REMIND_DAYS_BEFORE = 7


def part_time_ending(today: datetime.date) -> Iterator[Due]:
    plans = (
        ReintegrationPlan.objects.filter(
            status=PlanStatus.ACTIVE,
            part_time_ends_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related(
            "named_adult",
            "placement",
            "placement__pupil",
            "placement__pupil__school",
            "placement__named_staff_member",
        )
        .order_by("pk")
    )
    for plan in plans:
        ends = plan.part_time_ends_on
        assert ends is not None  # noqa: S101 - filtered above
        placement = plan.placement
        to = watch.who_acts_for(placement)
        adult = plan.named_adult
        if policies.works_at(adult, placement.pupil.school):
            to.insert(0, adult)
        ended = ends < today
        yield Due(
            key=key_ahead_or_passed(
                "part_time_ending", f"reintegration_plan:{plan.pk}", ends, passed=ended
            ),
            template="reintegration/messages/part_time_ending.txt",
            to=to,
            child=placement.pupil,
            link=reverse("reintegration:detail", args=[plan.pk]),
            context={"ends": ends, "ended": ended},
        )
