"""Recording what the census return needs beyond the placement itself."""

import datetime

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.placements.models import Placement
from apcase.reference.census import APPlacementReason

from .audit import CensusAction
from .models import PlacementReason, RollLeaving


def _check(reason: str, left_roll_on: datetime.date | None) -> None:
    if reason not in APPlacementReason.values:
        message = "Choose the primary reason for the placement."
        raise ValidationFailed(message, {"reason": [message]})
    if left_roll_on is not None and left_roll_on > timezone.localdate():
        message = "The date the pupil left the roll must be today or in the past."
        raise ValidationFailed(message, {"left_roll_on": [message]})


def record_census_details(
    placement: Placement, *, by: User, reason: str, left_roll_on: datetime.date | None
) -> Placement:
    """Set the placement's primary reason and the day its pupil left the school's roll
    (None: still on roll)."""
    pupil = placement.pupil
    if not policies.can_prepare_census_for(by, pupil.school):
        raise NotPermitted("Only the school's census team can record these details.")
    _check(reason, left_roll_on)
    with transaction.atomic():
        before_reason = PlacementReason.objects.filter(placement=placement).first()
        before_roll = RollLeaving.objects.filter(pupil=pupil).first()
        PlacementReason.objects.update_or_create(placement=placement, defaults={"reason": reason})
        if left_roll_on is None:
            RollLeaving.objects.filter(pupil=pupil).delete()
        else:
            RollLeaving.objects.update_or_create(pupil=pupil, defaults={"left_on": left_roll_on})
        old_roll = before_roll.left_on.isoformat() if before_roll else None
        new_roll = left_roll_on.isoformat() if left_roll_on else None
        changes = {"reason": [before_reason.reason if before_reason else None, reason]}
        if old_roll != new_roll:
            changes["left_roll_on"] = [old_roll, new_roll]
        record_pupil_event(
            pupil,
            by=by,
            action=CensusAction.DETAILS_RECORDED,
            target=placement,
            changes=changes,
            summary=f"Census: primary reason {APPlacementReason(reason).label}",
        )
    return placement
