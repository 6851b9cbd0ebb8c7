"""Status moves of a reintegration plan: draft → active (agreed) → completed (the child
is back full time: the placement ends as "returned to the home school full time"), and
draft or active → withdrawn (with the reason). Nothing else changes a plan's status.

A plan with a part-time phase is agreed only when the part-time timetable rules are met
(rules.part_time_missing); agreeing it tells the local authority (notify.py) and records
the date."""

import datetime

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.errors import (
    NotPermitted,
    ValidationFailed,
    check_transition,
)
from apcase.core.words import counted
from apcase.placements import workflow as placement_workflow
from apcase.placements.models import Placement

from . import notify, rules
from .audit import ReintegrationAction
from .models import PlanStatus, ReintegrationPlan
from .services import locked, record

S = PlanStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ACTIVE, S.WITHDRAWN}),
    S.ACTIVE: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def _move(plan: ReintegrationPlan, to: str) -> None:
    check_transition(
        plan,
        "status",
        to,
        ALLOWED_TRANSITIONS,
        states=S,
        refused="A plan that is {now} cannot become {to}.",
    )


def refusal(missing: list[tuple[str, str]]) -> ValidationFailed:
    """One message naming everything missing, and each against its field."""
    text = "The plan cannot be agreed without " + "; ".join(m for _, m in missing) + "."
    errors: dict[str | None, list[str]] = {None: [text]}
    for field, message in missing:
        errors.setdefault(field, []).append(message[0].upper() + message[1:] + ".")
    return ValidationFailed(text, errors)


def activate(plan: ReintegrationPlan, *, by: User) -> ReintegrationPlan:
    with transaction.atomic():
        plan = locked(plan, by, statuses=tuple(S.values))
        _move(plan, S.ACTIVE)
        phases, points = list(plan.phases.all()), list(plan.review_points.all())
        if missing := rules.missing_before_agreeing(plan, phases, points):
            raise refusal(missing)
        plan.status = S.ACTIVE
        part_time = any(rules.is_part_time(p) for p in phases)
        told = notify.notify_la_of_part_time(plan) if part_time else []
        if told:
            plan.la_notified_on = timezone.localdate()
        plan.save(update_fields=["status", "la_notified_on", "updated_at"])
        record(
            by,
            plan,
            ReintegrationAction.ACTIVATED,
            "Reintegration plan agreed" + (" with a part-time timetable" if part_time else ""),
            {"status": [S.DRAFT, S.ACTIVE]},
        )
        if told:
            record(
                by,
                plan,
                ReintegrationAction.LA_NOTIFIED,
                f"Local authority told of the part-time timetable ({counted(len(told), 'officer')})",
                {"la_notified_on": [None, timezone.localdate().isoformat()], "told": [None, told]},
            )
    return plan


def complete(
    plan: ReintegrationPlan, *, by: User, last_day: datetime.date | None, decided_by: str
) -> ReintegrationPlan:
    """active → completed, and the placement ends with its last day at the provider and
    the outcome "returned to the home school full time", in one transaction."""
    with transaction.atomic():
        plan = locked(plan, by, statuses=tuple(S.values))
        if not policies.can_complete_reintegration(by, plan.placement):
            raise NotPermitted("You cannot end this placement.")
        _move(plan, S.COMPLETED)
        if not decided_by.strip():
            raise ValidationFailed(
                "Enter who decided the child is back full time.",
                {"decided_by": ["Enter who decided the child is back full time."]},
            )
        school = plan.placement.pupil.school.name
        placement_workflow.end_placement(
            plan.placement,
            by=by,
            reason=f"Reintegration plan completed: back at {school} full time.",
            ended_on=last_day,
            destination=Placement.Destination.RETURNED_FULL_TIME,
            decided_by=decided_by,
        )
        plan.status = S.COMPLETED
        plan.completed_on = last_day or timezone.localdate()
        plan.save(update_fields=["status", "completed_on", "updated_at"])
        record(
            by,
            plan,
            ReintegrationAction.COMPLETED,
            f"Reintegration plan completed: back at {school} full time",
            {"status": [S.ACTIVE, S.COMPLETED]},
        )
    return plan


def withdraw(plan: ReintegrationPlan, *, by: User, reason: str) -> ReintegrationPlan:
    with transaction.atomic():
        plan = locked(plan, by, statuses=tuple(S.values))
        _move(plan, S.WITHDRAWN)
        if not reason.strip():
            raise ValidationFailed(
                "Enter why the plan is withdrawn.", {"reason": ["Enter why the plan is withdrawn."]}
            )
        old = plan.status
        plan.status = S.WITHDRAWN
        plan.withdrawn_reason = reason.strip()
        plan.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        record(
            by,
            plan,
            ReintegrationAction.WITHDRAWN,
            f"Reintegration plan withdrawn: {plan.withdrawn_reason}",
            {"status": [old, S.WITHDRAWN]},
        )
    return plan
