"""What every change to a placement's plan shares: the longest plan allowed, the lock
and permission check, the audit record and the new plan version."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import Model

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.actions import AuditAction
from apcase.chronology.services import Changes, record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed

from ..models import Placement


def max_length() -> datetime.timedelta:
    """The longest a placement may be planned for (settings.APCASE_PLACEMENT_MAX_YEARS):
    alternative provision is time-limited, and a date decades away is a typing slip."""
    years = int(getattr(settings, "APCASE_PLACEMENT_MAX_YEARS", 3))
    return datetime.timedelta(days=365 * years)


def locked_placement(placement: Placement) -> Placement:
    """Re-read the placement under a row lock, with its pupil, school, local authority
    and provider, so two changes to it at once (ending and extending it, holding a review,
    agreeing its plan) are applied one after the other. Only its own row is locked:
    PostgreSQL refuses FOR UPDATE across the nullable local-authority join."""
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__school", "pupil__school__local_authority", "provider")
        .get(pk=placement.pk)
    )


def _locked_for_planning(
    placement: Placement,
    by: User,
    may: Callable[[User, Placement], bool] = policies.can_plan_placement,
    refused: str = "You cannot change this placement's plan.",
) -> Placement:
    """The placement locked, once `may` lets `by` change its plan and it has not ended."""
    placement = locked_placement(placement)
    if not may(by, placement):
        raise NotPermitted(refused)
    if placement.status == Placement.Status.ENDED:
        raise TransitionNotAllowed("This placement has ended: its plan is kept as it was.")
    return placement


def record_change(
    by: User,
    placement: Placement,
    action: AuditAction,
    summary: str,
    changes: Changes,
    *,
    target: Model | None = None,
) -> None:
    """Record a change to the placement, or to `target` (one of its records, such as a
    reintegration plan), under the pupil and their school."""
    record_event(
        by=by,
        action=action,
        target=placement if target is None else target,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=summary,
        changes=changes,
    )


def _new_version(placement: Placement, fields: list[str]) -> None:
    placement.plan_version += 1
    placement.save(update_fields=[*fields, "plan_version", "updated_at"])
