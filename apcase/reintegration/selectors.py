"""Reads of reintegration plans, through the placement's own scope: whoever may see the
placement (placements.selectors) may see its plans; anything else is "not found"."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import log_access
from apcase.placements import watch
from apcase.placements.models import Placement
from apcase.placements.selectors import (
    log_placement_read,
    placement_related,
    placements_visible_to,
)
from apcase.pupils.models import Pupil
from apcase.reviews.models import Decision, Review

from .models import PlanStatus, ReintegrationPlan, ReviewPoint

OPEN = (PlanStatus.DRAFT, PlanStatus.ACTIVE)


def plans_visible_to(user: User) -> QuerySet[ReintegrationPlan]:
    return ReintegrationPlan.objects.filter(
        placement__in=placements_visible_to(user).values("pk")
    ).select_related(*placement_related("placement"), "named_adult", "agreed_by")


def get_plan_for(
    user: User, plan_id: int, *, action: str = "reintegration.plan_viewed"
) -> ReintegrationPlan:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No such reintegration plan.")
    log_placement_read(user, plan.placement, action, target=plan)
    return plan


def get_plan_to_manage(user: User, plan_id: int) -> ReintegrationPlan:
    """The plan if `user` may change it; 404 otherwise."""
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None or not policies.can_manage_reintegration(user, plan.placement):
        raise Http404("No such reintegration plan.")
    return plan


def get_review_point_to_record(user: User, plan_id: int, point_id: int) -> ReviewPoint:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None or not policies.can_review_reintegration(user, plan):
        raise Http404("No such review point.")
    point = ReviewPoint.objects.filter(plan=plan, pk=point_id).select_related("plan").first()
    if point is None:
        raise Http404("No such review point.")
    point.plan = plan
    return point


def plan_parts(plan: ReintegrationPlan) -> tuple[list, list]:  # type: ignore[type-arg]
    return list(plan.phases.all()), list(plan.review_points.all())


def plans_of_pupil(pupil: Pupil) -> QuerySet[ReintegrationPlan]:
    return ReintegrationPlan.objects.filter(placement__pupil=pupil).select_related(
        "placement", "placement__provider", "named_adult"
    )


def carers_of(pupil: Pupil) -> QuerySet:  # type: ignore[type-arg]
    return pupil.carers.all()


def work_list_read_by(user: User, today: datetime.date) -> dict[str, QuerySet[Any]]:
    """Every item of the page `reintegration:list` (plans past target, reviews due,
    drafts to agree): it names every child with such a plan, so the read is logged
    (the home page's few are not)."""
    found: dict[str, QuerySet[Any]] = {
        "past_target": past_target_for(user, today),
        "reviews_due": reviews_due_for(user, today),
        "drafts": drafts_for(user),
    }
    log_access(by=user, action="reintegration.work_list_viewed", target=("work_list", ""))
    return found


def past_target_for(user: User, today: datetime.date) -> QuerySet[ReintegrationPlan]:
    """Open plans past their target date that `user` answers for: as the plan's named
    adult or the placement's named staff member while they work at the pupil's school,
    or as whoever agrees plans at the school when nobody named can
    (placements.watch.schools_planned_for; current memberships)."""
    schools = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    planned = watch.schools_planned_for(user)
    if not (schools or planned):
        return ReintegrationPlan.objects.none()
    mine = Q(placement__pupil__school_id__in=schools) & (
        Q(named_adult_id=user.pk) | Q(placement__named_staff_member_id=user.pk)
    )
    return (
        ReintegrationPlan.objects.filter(status__in=OPEN, target_full_time_date__lt=today)
        .filter(mine | Q(placement__pupil__school_id__in=planned))
        .select_related("placement__pupil")
        .order_by("target_full_time_date", "pk")
    )


def review_starting_reintegration(placement: Placement) -> Review | None:
    """The latest review of the placement that decided to start reintegration and has no
    plan yet: the plan drafted now comes from it."""
    return (
        Review.objects.filter(
            placement=placement, decision=Decision.REINTEGRATE, reintegration_plans__isnull=True
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def reviews_due_for(user: User, today: datetime.date) -> QuerySet[ReviewPoint]:
    """Review points of agreed plans whose day has come and whose progress is not
    recorded: for the plan's named adult while they work at the school, and whoever
    agrees plans there (placements.watch.schools_planned_for)."""
    schools = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    planned = watch.schools_planned_for(user)
    if not (schools or planned):
        return ReviewPoint.objects.none()
    mine = Q(plan__named_adult_id=user.pk, plan__placement__pupil__school_id__in=schools)
    return (
        ReviewPoint.objects.filter(plan__status=PlanStatus.ACTIVE, date__lte=today, progress="")
        .filter(mine | Q(plan__placement__pupil__school_id__in=planned))
        .select_related("plan__placement__pupil")
        .order_by("date", "pk")
    )


def drafts_for(user: User) -> QuerySet[ReintegrationPlan]:
    """Draft plans for the user to agree: those they are the named adult of while they
    work at the school, and, where they agree plans when nobody named can
    (placements.watch.schools_planned_for), those whose named adult no longer works
    there (or who have none), so a draft never waits for nobody."""
    schools = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    planned = watch.schools_planned_for(user)
    if not (schools or planned):
        return ReintegrationPlan.objects.none()
    mine = Q(named_adult_id=user.pk, placement__pupil__school_id__in=schools)
    orphaned = Q(placement__pupil__school_id__in=planned) & ~Q(
        policies.works_there("named_adult_id", "placement__pupil__school_id")
    )
    return (
        ReintegrationPlan.objects.filter(status=PlanStatus.DRAFT)
        .filter(mine | orphaned)
        .select_related("placement__pupil")
        .order_by("start_date", "pk")
    )
