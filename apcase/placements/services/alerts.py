"""The daily alerts about what is missing or overdue on open placements."""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apcase.chronology.services import record_event
from apcase.notifications import messages

from ..audit import ALERT_ACTIONS
from ..models import Placement

logger = logging.getLogger(__name__)


ALERTED_EVERY_DAY = ("end_passed", "end_near", "emergency_plan", "no_timetable", "no_named_staff")


def send_daily_alerts(*, today: datetime.date | None = None) -> int:
    """Email what is missing or overdue on each open placement (placements.watch) to the
    named staff member and the school's current inclusion lead(s) (or whoever stands in:
    watch.stand_ins), once a day each: from 10 school days before the planned end
    date and every day after it until the placement is ended or extended; every day an
    emergency placement lacks its agreed plan, or a placement lacks a timetable or a
    named staff member. Each placement is its own transaction, so one bad record never
    stops the others' alerts. Returns how many emails were queued."""
    from .. import selectors, watch

    today = today or timezone.localdate()
    queued = 0
    calendars = watch.Calendars()
    active = selectors.open_placements_to_watch(Q(status=Placement.Status.ACTIVE))
    for placement in watch.with_staff_memberships(active):
        try:
            with transaction.atomic():
                queued += _alert(placement, today=today, calendars=calendars)
        except Exception:  # one placement's failure must not silence every other alert
            logger.exception("Daily alerts failed for placement %s", placement.pk)
    return queued


def _alert(placement: Placement, *, today: datetime.date, calendars: Any) -> int:
    from .. import watch
    from ..models import PlacementAlert

    queued = 0
    for concern in watch.concerns(placement, today=today, calendars=calendars):
        if concern.key not in ALERTED_EVERY_DAY:
            continue
        _, created = PlacementAlert.objects.get_or_create(
            placement=placement, kind=concern.key, date=today
        )
        if not created:
            continue
        recipients = watch.stand_ins(placement.pupil.school)
        if named := watch.named_staff_member_now(placement):
            recipients.insert(0, named)
        told = messages.send(
            "placements/messages/watch_alert.txt",
            to=recipients,
            child=placement.pupil,
            link=reverse("placements:detail", kwargs={"placement_id": placement.pk}),
            title=concern.title,
            detail=concern.detail,
        )
        queued += told
        record_event(
            by=None,
            action=ALERT_ACTIONS[concern.key],
            target=placement,
            organisation=placement.pupil.school,
            pupil_id=placement.pupil_id,
            summary=concern.title,
            changes={"alerted": [None, told]},
        )
    return queued
