"""Home-page items of reintegration plans:

- a plan past its target date to be back full time and not completed: its named adult,
  the placement's named staff member and the school's inclusion lead;
- a review point whose day has come with no progress recorded: the plan's named adult
  and the school's inclusion lead;
- a draft plan not yet agreed: its named adult.

Each on the user's current memberships."""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem, Heading

from . import selectors
from .models import ReintegrationPlan, ReviewPoint

SCHOOL = frozenset(policies.SCHOOL_PUPIL_ROLES)


def _url(plan_id: int) -> str:
    return reverse("reintegration:detail", args=[plan_id])


SHOWN = 20  # the most items of each kind on a home page


def items_for(user: User) -> list[AttentionItem]:
    today = timezone.localdate()
    return [
        *(_past_target(plan) for plan in selectors.past_target_for(user, today)[:SHOWN]),
        *(_review_due(point) for point in selectors.reviews_due_for(user, today)[:SHOWN]),
        *(_to_agree(plan) for plan in selectors.drafts_for(user)[:SHOWN]),
    ]


def _past_target(plan: ReintegrationPlan) -> AttentionItem:
    return AttentionItem(
        title=f"Reintegration plan past its target date: {plan.placement.pupil.display_name}",
        href=_url(plan.pk),
        detail=f"Back full time by {plan.target_full_time_date:%-d %B %Y}; not completed.",
        tag="Overdue",
        tag_colour="red",
        roles=SCHOOL,
        heading=Heading.DUE,
    )


def _review_due(point: ReviewPoint) -> AttentionItem:
    return AttentionItem(
        title=f"Reintegration review due: {point.plan.placement.pupil.display_name}",
        href=_url(point.plan_id),
        detail=f"Review on {point.date:%-d %B %Y}: record the progress against the plan.",
        tag="Due",
        tag_colour="yellow",
        roles=SCHOOL,
        heading=Heading.DUE,
    )


def _to_agree(plan: ReintegrationPlan) -> AttentionItem:
    return AttentionItem(
        title=f"Reintegration plan to agree: {plan.placement.pupil.display_name}",
        href=_url(plan.pk),
        detail=f"Draft, to start on {plan.start_date:%-d %B %Y}.",
        tag="Draft",
        tag_colour="grey",
        roles=SCHOOL,
        heading=Heading.PLANS,
    )
