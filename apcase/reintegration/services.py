"""Writes to a reintegration plan (status moves are in workflow.py). Each function
checks permission on the acting user's current memberships, validates, writes and
records its audit event in one transaction. A plan is changed while it is a draft; once
agreed, only its review points and the progress found at them are added."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import Changes
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.core.words import counted
from apcase.placements.models import Placement
from apcase.placements.services import locked_placement, record_change
from apcase.pupils.models import Carer
from apcase.reviews.models import Review

from . import rules
from .audit import ReintegrationAction
from .models import AgreedHow, Phase, PlanStatus, ReintegrationPlan, ReviewPoint

OPEN = (PlanStatus.DRAFT, PlanStatus.ACTIVE)


def record(
    by: User, plan: ReintegrationPlan, action: ReintegrationAction, summary: str, changes: Changes
) -> None:
    record_change(by, plan.placement, action, summary[:500], changes, target=plan)


def locked(
    plan: ReintegrationPlan,
    by: User,
    *,
    statuses: tuple[str, ...] = (PlanStatus.DRAFT,),
    reviewing: bool = False,
) -> ReintegrationPlan:
    """The plan under a row lock, if `by` may change it and its status allows it."""
    plan = (
        ReintegrationPlan.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__pupil", "placement__pupil__school", "agreed_by")
        .get(pk=plan.pk)
    )
    allowed = (
        policies.can_review_reintegration(by, plan)
        if reviewing
        else policies.can_manage_reintegration(by, plan.placement)
    )
    if not allowed:
        raise NotPermitted("You cannot change this reintegration plan.")
    if plan.status not in statuses:
        if plan.status == PlanStatus.ACTIVE:
            raise TransitionNotAllowed(
                "This plan has been agreed: only its review points and progress are added now."
            )
        raise TransitionNotAllowed(
            f"This plan is {plan.get_status_display().lower()}: it is kept as it was."
        )
    return plan


def _check_details(
    placement: Placement,
    *,
    named_adult: User | None,
    start_date: datetime.date | None,
    target_full_time_date: datetime.date | None,
) -> None:
    errors: dict[str | None, list[str]] = {}
    if named_adult is None:
        errors["named_adult"] = ["Choose the named adult at the home school."]
    elif not policies.works_at(named_adult, placement.pupil.school):
        errors["named_adult"] = [f"The named adult must work at {placement.pupil.school.name} now."]
    if start_date is None:
        errors["start_date"] = ["Enter the start date."]
    if target_full_time_date is None:
        errors["target_full_time_date"] = ["Enter the target date to be back full time."]
    elif start_date is not None and target_full_time_date <= start_date:
        errors["target_full_time_date"] = [
            "The target date to be back full time must be after the start date."
        ]
    if errors:
        raise ValidationFailed("Check the plan.", errors)


@transaction.atomic
def create_plan(
    placement: Placement,
    *,
    by: User,
    named_adult: User | None,
    start_date: datetime.date | None,
    target_full_time_date: datetime.date | None,
    support_strategies: str = "",
    success_measures: str = "",
    review: Review | None = None,
) -> ReintegrationPlan:
    """A draft plan for an active placement; `review` is the review whose decision was
    to start reintegration, when the plan comes from one."""
    placement = locked_placement(placement)
    if not policies.can_manage_reintegration(by, placement):
        raise NotPermitted("You cannot plan this pupil's reintegration.")
    if placement.status != Placement.Status.ACTIVE:
        raise TransitionNotAllowed("A reintegration plan is made for an active placement.")
    if ReintegrationPlan.objects.filter(placement=placement, status__in=OPEN).exists():
        raise ValidationFailed("This placement already has a reintegration plan under way.")
    _check_details(
        placement,
        named_adult=named_adult,
        start_date=start_date,
        target_full_time_date=target_full_time_date,
    )
    if named_adult is None or start_date is None or target_full_time_date is None:
        raise ValidationFailed("Check the plan.")  # refused above already; for the types
    plan = ReintegrationPlan.objects.create(
        placement=placement,
        named_adult=named_adult,
        start_date=start_date,
        target_full_time_date=target_full_time_date,
        support_strategies=support_strategies.strip(),
        success_measures=success_measures.strip(),
        created_by=by,
        started_by_review=review if review and review.placement_id == placement.pk else None,
    )
    plan.placement = placement
    record(
        by,
        plan,
        ReintegrationAction.PLAN_CREATED,
        f"Reintegration plan drafted: back full time by {target_full_time_date:%-d %B %Y}",
        {
            "status": [None, PlanStatus.DRAFT],
            "named_adult": [None, str(named_adult)],
            "target_full_time_date": [None, target_full_time_date.isoformat()],
        },
    )
    return plan


DETAIL_FIELDS = (
    "named_adult",
    "start_date",
    "target_full_time_date",
    "support_strategies",
    "success_measures",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, User):
        return str(value)
    return value


@transaction.atomic
def update_plan(plan: ReintegrationPlan, *, by: User, **values: Any) -> ReintegrationPlan:
    plan = locked(plan, by)
    _check_details(
        plan.placement,
        named_adult=values.get("named_adult"),
        start_date=values.get("start_date"),
        target_full_time_date=values.get("target_full_time_date"),
    )
    changes: Changes = {}
    for name in DETAIL_FIELDS:
        new = values[name].strip() if isinstance(values[name], str) else values[name]
        old = getattr(plan, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(plan, name, new)
    if changes:
        plan.save(update_fields=[*changes, "updated_at"])
        record(by, plan, ReintegrationAction.PLAN_CHANGED, "Reintegration plan changed", changes)
    return plan


@transaction.atomic
def add_phase(
    plan: ReintegrationPlan,
    *,
    by: User,
    from_week: int,
    to_week: int,
    at_school: Iterable[str],
    at_provider: Iterable[str],
) -> Phase:
    plan = locked(plan, by)
    at_school, at_provider = rules.clean_sessions(at_school), rules.clean_sessions(at_provider)
    errors = rules.phase_problems(
        plan,
        from_week=from_week,
        to_week=to_week,
        at_school=at_school,
        at_provider=at_provider,
        others=plan.phases.all(),
    )
    if errors:
        raise ValidationFailed("Check the phase.", errors)
    phase = Phase.objects.create(
        plan=plan,
        from_week=from_week,
        to_week=to_week,
        at_school=sorted(at_school, key=rules.SESSIONS.index),
        at_provider=sorted(at_provider, key=rules.SESSIONS.index),
    )
    kind = "part time" if rules.is_part_time(phase) else "full time"
    record(
        by,
        plan,
        ReintegrationAction.PHASE_ADDED,
        f"Phase added: weeks {from_week} to {to_week}, {counted(len(at_school), 'session')} at school and "
        f"{len(at_provider)} at the provider ({kind})",
        {"phase": [None, f"weeks {from_week}-{to_week}"]},
    )
    return phase


@transaction.atomic
def remove_phase(plan: ReintegrationPlan, *, by: User, phase_id: int) -> ReintegrationPlan:
    plan = locked(plan, by)
    phase = Phase.objects.filter(plan=plan, pk=phase_id).first()
    if phase is None:
        raise ValidationFailed("That phase is not on this plan.")
    label = f"weeks {phase.from_week}-{phase.to_week}"
    phase.delete()
    record(
        by,
        plan,
        ReintegrationAction.PHASE_REMOVED,
        f"Phase removed: {label}",
        {"phase": [label, None]},
    )
    return plan


@transaction.atomic
def record_agreement(
    plan: ReintegrationPlan,
    *,
    by: User,
    agreed_by: Carer | None,
    agreed_on: datetime.date | None,
    agreed_how: str,
    agreed_times: str,
    part_time_ends_on: datetime.date | None,
) -> ReintegrationPlan:
    """The part-time timetable's agreement: a parent or carer the pupil lives with, the
    date and how they agreed, the agreed times and dates, and its end date."""
    plan = locked(plan, by)
    errors: dict[str | None, list[str]] = {}
    if agreed_by is None or agreed_by.pupil_id != plan.placement.pupil_id:
        errors["agreed_by"] = ["Choose the parent or carer who agreed."]
    elif not agreed_by.lives_with_pupil:
        errors["agreed_by"] = [
            f"{agreed_by.name} does not live with the pupil: a part-time timetable is agreed "
            "with a parent or carer the pupil lives with."
        ]
    if agreed_on is None:
        errors["agreed_on"] = ["Enter the date they agreed."]
    elif agreed_on > timezone.localdate():
        errors["agreed_on"] = ["The date they agreed must be today or in the past."]
    if agreed_how not in AgreedHow.values:
        errors["agreed_how"] = ["Choose how they agreed."]
    if not agreed_times.strip():
        errors["agreed_times"] = ["Enter the agreed times and dates."]
    if part_time_ends_on is None:
        errors["part_time_ends_on"] = ["Enter the end date of the part-time timetable."]
    elif part_time_ends_on < plan.start_date or part_time_ends_on > plan.target_full_time_date:
        errors["part_time_ends_on"] = [
            "The part-time timetable ends between the plan's start date and its target date "
            "to be back full time."
        ]
    if errors:
        raise ValidationFailed("Check the agreement.", errors)
    before = str(plan.agreed_by) if plan.agreed_by else None
    plan.agreed_by = agreed_by
    plan.agreed_on = agreed_on
    plan.agreed_how = agreed_how
    plan.agreed_times = agreed_times.strip()
    plan.part_time_ends_on = part_time_ends_on
    plan.save(
        update_fields=[
            "agreed_by",
            "agreed_on",
            "agreed_how",
            "agreed_times",
            "part_time_ends_on",
            "updated_at",
        ]
    )
    record(
        by,
        plan,
        ReintegrationAction.AGREEMENT_RECORDED,
        f"Part-time timetable agreed by {agreed_by} on {plan.agreed_on:%-d %B %Y} "
        f"({AgreedHow(agreed_how).label.lower()})",
        {"agreed_by": [before, str(agreed_by)]},
    )
    return plan


@transaction.atomic
def add_review_point(
    plan: ReintegrationPlan, *, by: User, date: datetime.date | None
) -> ReviewPoint:
    plan = locked(plan, by, statuses=OPEN)
    if date is None:
        raise ValidationFailed("Enter the review date.", {"date": ["Enter the review date."]})
    if date < plan.start_date:
        raise ValidationFailed(
            "The review date must be on or after the plan's start date.",
            {"date": ["The review date must be on or after the plan's start date."]},
        )
    if plan.review_points.filter(date=date).exists():
        raise ValidationFailed(
            f"There is already a review on {date:%-d %B %Y}.",
            {"date": [f"There is already a review on {date:%-d %B %Y}."]},
        )
    point = ReviewPoint.objects.create(plan=plan, date=date)
    record(
        by,
        plan,
        ReintegrationAction.REVIEW_POINT_ADDED,
        f"Review point on {date:%-d %B %Y}",
        {"review_point": [None, date.isoformat()]},
    )
    return point


@transaction.atomic
def record_progress(point: ReviewPoint, *, by: User, progress: str, note: str) -> ReviewPoint:
    """At a review point once its day has come: on track or behind, and a note."""
    plan = locked(point.plan, by, statuses=(PlanStatus.ACTIVE,), reviewing=True)
    point = ReviewPoint.objects.select_for_update().get(pk=point.pk, plan=plan)
    errors: dict[str | None, list[str]] = {}
    if point.date > timezone.localdate():
        errors[None] = [f"This review is on {point.date:%-d %B %Y}: record its progress then."]
    if progress not in ReviewPoint.Progress.values:
        errors["progress"] = ["Choose whether the plan is on track or behind."]
    if not note.strip():
        errors["note"] = ["Enter what the review found."]
    if errors:
        raise ValidationFailed("Check the review.", errors)
    if (progress, note.strip()) == (point.progress, point.note):
        return point  # saved unchanged: who recorded it, and when, stay
    before = point.progress or None
    point.progress = progress
    point.note = note.strip()
    point.recorded_by = by
    point.recorded_at = timezone.now()
    point.save(update_fields=["progress", "note", "recorded_by", "recorded_at"])
    record(
        by,
        plan,
        ReintegrationAction.PROGRESS_RECORDED,
        f"Review on {point.date:%-d %B %Y}: {point.get_progress_display().lower()}. {point.note}",
        {"progress": [before, progress]},
    )
    return point
