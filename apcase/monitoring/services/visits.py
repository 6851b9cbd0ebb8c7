"""Visits by the named staff member."""

import datetime

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.placements.models import Placement

from ..audit import MonitoringAction
from ..models import Visit

# --- visits -----------------------------------------------------------------------


@transaction.atomic
def schedule_visit(placement: Placement, *, by: User, scheduled_for: datetime.date) -> Visit:
    if not policies.can_record_visit(by, placement):
        raise NotPermitted("You cannot schedule visits for this placement.")
    if placement.status == Placement.Status.ENDED:
        raise TransitionNotAllowed("This placement has ended.")
    if scheduled_for is None:
        raise ValidationFailed(
            "Enter the date of the visit.", {"scheduled_for": ["Enter the date of the visit."]}
        )
    visit = Visit.objects.create(placement=placement, scheduled_for=scheduled_for, scheduled_by=by)
    record_pupil_event(
        placement.pupil,
        by=by,
        action=MonitoringAction.VISIT_SCHEDULED,
        target=visit,
        summary=f"Visit to {placement.provider} scheduled for {scheduled_for:%-d %B %Y}",
        changes={"scheduled_for": [None, scheduled_for.isoformat()]},
    )
    return visit
