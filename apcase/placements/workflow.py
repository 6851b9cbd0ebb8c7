"""Placement status changes made by the panel and the emergency route.

Rules:
- An approved panel decision creates a placement in `planned`; the emergency route
  starts one `active` at once. A placement ends from planned or active, with a reason.
- A pupil has at most one open (planned or active) placement: the database enforces it
  (one_open_placement_per_pupil); these functions refuse first with a clear message.
- Only the pupil's headteacher, or the panel chair / an officer of the school's LA, may
  arrange or end a placement (policies.can_arrange_placement_for).
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed

from .models import Placement

S = Placement.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.ACTIVE, S.ENDED}),
    S.ACTIVE: frozenset({S.ENDED}),
    S.ENDED: frozenset(),
}


def _check_may_arrange(by: Any, pupil: Any) -> None:
    if not policies.can_arrange_placement_for(by, pupil):
        raise NotPermitted("You cannot arrange a placement for this pupil.")


def _check_no_open_placement(pupil: Any) -> None:
    if Placement.objects.filter(pupil=pupil).exclude(status=S.ENDED).exists():
        raise ValidationFailed(
            f"{pupil} already has an open placement. End it before arranging another."
        )


def _check_details(*, sessions_per_week: int, start_date: datetime.date) -> None:
    if not 1 <= sessions_per_week <= 10:
        raise ValidationFailed(
            "Sessions per week must be between 1 and 10.",
            {"sessions_per_week": ["Sessions per week must be between 1 and 10."]},
        )
    if start_date is None:
        raise ValidationFailed("Enter the start date.", {"start_date": ["Enter the start date."]})


@transaction.atomic
def create_planned_placement(
    *,
    by: Any,
    pupil: Any,
    provider: Any,
    start_date: datetime.date,
    sessions_per_week: int,
    first_review_date: datetime.date | None,
    site: str = "",
    decision: Any = None,
    named_staff_member: Any = None,
    arranged_by: str = Placement.ArrangedBy.LA,
) -> Placement:
    _check_may_arrange(by, pupil)
    _check_details(sessions_per_week=sessions_per_week, start_date=start_date)
    _check_no_open_placement(pupil)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        site=site,
        status=S.PLANNED,
        start_date=start_date,
        sessions_per_week=sessions_per_week,
        first_review_date=first_review_date,
        arranged_by=arranged_by,
        is_emergency=False,
        named_staff_member=named_staff_member,
        created_from_decision=decision,
    )
    record_event(
        by=by,
        action="placement_planned",
        target=placement,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        summary=f"Placement planned at {provider} from {start_date:%-d %B %Y}",
        changes={"status": [None, S.PLANNED], "provider": [None, provider.name]},
    )
    return placement


@transaction.atomic
def start_emergency_placement(
    *,
    by: Any,
    pupil: Any,
    provider: Any,
    sessions_per_week: int,
    site: str = "",
    start_date: datetime.date | None = None,
    arranged_by: str = Placement.ArrangedBy.SCHOOL,
) -> Placement:
    _check_may_arrange(by, pupil)
    start = start_date or timezone.localdate()
    _check_details(sessions_per_week=sessions_per_week, start_date=start)
    _check_no_open_placement(pupil)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        site=site,
        status=S.ACTIVE,
        start_date=start,
        sessions_per_week=sessions_per_week,
        arranged_by=arranged_by,
        is_emergency=True,
    )
    record_event(
        by=by,
        action="placement_started_emergency",
        target=placement,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        summary=f"Emergency placement started at {provider} on {start:%-d %B %Y}",
        changes={"status": [None, S.ACTIVE], "provider": [None, provider.name]},
    )
    return placement


@transaction.atomic
def end_placement(
    placement: Placement, *, by: Any, reason: str, ended_on: datetime.date | None = None
) -> Placement:
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    _check_may_arrange(by, placement.pupil)
    if S.ENDED not in ALLOWED_TRANSITIONS[placement.status]:
        raise TransitionNotAllowed("This placement has already ended.")
    if not reason.strip():
        raise ValidationFailed("Enter why the placement is ending.", {"reason": ["Enter why."]})
    old = placement.status
    placement.status = S.ENDED
    placement.ended_on = ended_on or timezone.localdate()
    placement.end_reason = reason.strip()
    placement.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    record_event(
        by=by,
        action="placement_ended",
        target=placement,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=f"Placement at {placement.provider} ended: {placement.end_reason}"[:500],
        changes={"status": [old, S.ENDED]},
    )
    return placement


@transaction.atomic
def start_placement(placement: Placement, *, by: Any) -> Placement:
    """planned -> active: only with a named staff member, a planned end date, a
    timetable, objectives, and the plan's current version agreed by the school, a
    parent or carer and the provider (placements.plan.missing_before_start)."""
    from .plan import missing_before_start

    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not policies.can_start_placement(by, placement):
        raise NotPermitted("You cannot start this placement.")
    if S.ACTIVE not in ALLOWED_TRANSITIONS[placement.status]:
        raise TransitionNotAllowed("Only a planned placement can start.")
    missing = missing_before_start(placement)
    if missing:
        raise ValidationFailed("The plan is not ready: " + " ".join(missing), {None: missing})
    placement.status = S.ACTIVE
    placement.save(update_fields=["status", "updated_at"])
    record_event(
        by=by,
        action="placement_started",
        target=placement,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=f"Placement at {placement.provider} started",
        changes={"status": [S.PLANNED, S.ACTIVE]},
    )
    return placement
