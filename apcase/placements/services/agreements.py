"""Agreements to the plan as it stands (its current version), and the moment an
emergency placement's full plan is agreed."""

import datetime

from django.db import transaction
from django.utils import timezone

from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed

from ..audit import PlacementAction
from ..models import Placement, PlacementAgreement
from .common import _locked_for_planning, record_change


@transaction.atomic
def record_agreement(
    placement: Placement, *, by: User, party: str, agreed_by_name: str, agreed_on: datetime.date
) -> PlacementAgreement:
    """Record that the school, a parent or carer, or the provider agreed to the plan as
    it stands now (its current version)."""
    placement = _locked_for_planning(placement, by)
    if party not in PlacementAgreement.Party.values:
        raise ValidationFailed("Choose who agreed.", {"party": ["Choose who agreed."]})
    if not agreed_by_name.strip():
        raise ValidationFailed(
            "Enter the name of the person who agreed.",
            {"agreed_by_name": ["Enter the name of the person who agreed."]},
        )
    if agreed_on is None or agreed_on > timezone.localdate():
        raise ValidationFailed(
            "Enter the date they agreed (not in the future).",
            {"agreed_on": ["Enter the date they agreed (not in the future)."]},
        )
    if placement.agreements.filter(party=party, plan_version=placement.plan_version).exists():
        raise ValidationFailed("That agreement is already recorded for this version of the plan.")
    agreement = PlacementAgreement.objects.create(
        placement=placement,
        party=party,
        agreed_by_name=agreed_by_name.strip(),
        agreed_on=agreed_on,
        plan_version=placement.plan_version,
        recorded_by=by,
    )
    record_change(
        by,
        placement,
        PlacementAction.PLAN_AGREED,
        f"Plan version {placement.plan_version} agreed by the "
        f"{agreement.get_party_display().lower()}: {agreement.agreed_by_name}",
        {"agreement": [None, party]},
    )
    _note_emergency_plan_agreed(placement, by)
    return agreement


def _note_emergency_plan_agreed(placement: Placement, by: User) -> None:
    """An emergency placement is watched every weekday session until its full plan is
    agreed; from the day nothing is missing any more, its timetable decides."""
    from ..plan import missing_before_start

    if not placement.is_emergency or placement.full_plan_agreed_on is not None:
        return
    if missing_before_start(placement):
        return
    placement.full_plan_agreed_on = timezone.localdate()
    placement.save(update_fields=["full_plan_agreed_on", "updated_at"])
    record_change(
        by,
        placement,
        PlacementAction.EMERGENCY_PLAN_AGREED,
        "The emergency placement's full plan is agreed: its timetable now decides which "
        "sessions the pupil is expected at the provider",
        {"full_plan_agreed_on": [None, placement.full_plan_agreed_on.isoformat()]},
    )
