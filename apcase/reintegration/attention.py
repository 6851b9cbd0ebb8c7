"""Home-page items of reintegration plans:

- a plan past its target date to be back full time and not completed: its named adult,
  the placement's named staff member and whoever stands in at the school (the
  inclusion lead; at a school with none, the headteacher, then the DSL);
- a review point whose day has come with no progress recorded: the plan's named adult
  and whoever stands in at the school;
- a draft plan not yet agreed: its named adult, and where they no longer work at the
  school (or there is none), whoever stands in there.

Each on the user's current memberships; past SHOWN of a kind, one item says how many
there are in all and links to the page that lists them all (`views.work_list`)."""

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem, Heading, all_listed_at, capped

from . import selectors
from .models import ReintegrationPlan, ReviewPoint

SCHOOL = frozenset(policies.SCHOOL_PUPIL_ROLES)
SHOWN = 20  # the most items of each kind on a home page; past it, one says how many


def _url(plan_id: int) -> str:
    return reverse("reintegration:detail", args=[plan_id])


def _more(what: str, heading: str) -> Callable[[int], AttentionItem]:
    return all_listed_at(
        what,
        reverse("reintegration:list"),
        shown=f"The first {SHOWN}",
        roles=SCHOOL,
        heading=heading,
    )


def items_for(user: User) -> list[AttentionItem]:
    today = timezone.localdate()
    return [
        *capped(
            selectors.past_target_for(user, today),
            _past_target,
            shown=SHOWN,
            more=_more("reintegration plans past their target date", Heading.DUE),
        ),
        *capped(
            selectors.reviews_due_for(user, today),
            _review_due,
            shown=SHOWN,
            more=_more("reintegration reviews due", Heading.DUE),
        ),
        *capped(
            selectors.drafts_for(user),
            _to_agree,
            shown=SHOWN,
            more=_more("reintegration plans to agree", Heading.PLANS),
        ),
    ]


def _item(
    plan_id: int, title: str, detail: str, tag: tuple[str, str], heading: str
) -> AttentionItem:
    return AttentionItem(title, _url(plan_id), detail, *tag, roles=SCHOOL, heading=heading)


def _past_target(plan: ReintegrationPlan) -> AttentionItem:
    return _item(
        plan.pk,
        f"Reintegration plan past its target date: {plan.placement.pupil.display_name}",
        f"Back full time by {plan.target_full_time_date:%-d %B %Y}; not completed.",
        ("Overdue", "red"),
        Heading.DUE,
    )


def _review_due(point: ReviewPoint) -> AttentionItem:
    return _item(
        point.plan_id,
        f"Reintegration review due: {point.plan.placement.pupil.display_name}",
        f"Review on {point.date:%-d %B %Y}: record the progress against the plan.",
        ("Due", "yellow"),
        Heading.DUE,
    )


def _to_agree(plan: ReintegrationPlan) -> AttentionItem:
    return _item(
        plan.pk,
        f"Reintegration plan to agree: {plan.placement.pupil.display_name}",
        f"Draft, to start on {plan.start_date:%-d %B %Y}.",
        ("Draft", "grey"),
        Heading.PLANS,
    )
