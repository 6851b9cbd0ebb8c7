"""Home-page items: placement reviews that are overdue, or that a parent asked for in
writing and that must still be held, for the placement's named staff member, the
school's inclusion lead and the officers of the school's local authority, every day
until a review is held; and for the provider, its report when a review is near and it
has not written one since the last (past 20 of each, one item counts them all and
links to the page listing every one)."""

import datetime

from django.urls import reverse

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem, Heading, all_listed_at, capped_list
from apcase.placements.models import Placement

from . import selectors

SCHOOL_AND_LA = frozenset(policies.SCHOOL_PUPIL_ROLES | policies.REVIEW_LA_READER_ROLES)
PROVIDER = frozenset(policies.PROVIDER_ROLES)


REVIEWS_SHOWN = 20  # past it, one item says how many and links to them all
REPORTS_SHOWN = 20  # the same for the provider's reports due


def items_for(user: User) -> list[AttentionItem]:
    due = capped_list(
        selectors.most_urgent_first(selectors.needing_review_for(user)),
        _due_items,
        shown=REVIEWS_SHOWN,
        more=all_listed_at(
            "placement reviews overdue or asked for",
            reverse("reviews:due"),
            shown=f"The {REVIEWS_SHOWN} most overdue",
            roles=SCHOOL_AND_LA,
            heading=Heading.DUE,
        ),
    )
    reports = capped_list(
        selectors.reports_due_for(user),
        lambda row: [_report_due(*row)],
        shown=REPORTS_SHOWN,
        more=all_listed_at(
            "reports due for a placement review",
            reverse("reviews:reports_due"),
            shown=f"The first {REPORTS_SHOWN}",
            roles=PROVIDER,
            heading=Heading.DUE,
        ),
    )
    return due + reports


def _report_due(placement: Placement, due: datetime.date) -> AttentionItem:
    return AttentionItem(
        title=f"Write your report for the review of {placement.pupil.display_name}",
        href=reverse("reviews:provider_report", kwargs={"placement_id": placement.pk}),
        detail=f"The review is due on {due:%-d %B %Y}.",
        tag="Due",
        tag_colour="yellow",
        roles=PROVIDER,
        heading=Heading.DUE,
    )


def _due_items(state: selectors.ReviewState) -> list[AttentionItem]:
    """What a placement's review state asks of the school: its review overdue, and each
    parent's request a review must still answer."""
    items: list[AttentionItem] = []
    placement = state.placement
    href = reverse("reviews:placement", kwargs={"placement_id": placement.pk})
    who = f"{placement.pupil.display_name} at {placement.provider}"
    if state.overdue and state.next is not None:
        detail = f"Due on {state.next.due:%-d %B %Y}."
        if state.next.missing:
            detail = f"{state.next.missing} {detail}"
        items.append(
            AttentionItem(
                title=f"Placement review overdue: {who}",
                href=href,
                detail=detail,
                tag="Overdue",
                tag_colour="red",
                roles=SCHOOL_AND_LA,
                heading=Heading.DUE,
            )
        )
    for open_request in state.requests_due:
        request = open_request.request
        items.append(
            AttentionItem(
                title=f"Review due, parent asked: {who}",
                href=href,
                detail=f"{request.from_name} asked in writing on "
                f"{request.received_on:%-d %B %Y}; no review in the 10 weeks before.",
                tag="Due",
                tag_colour="red",
                roles=SCHOOL_AND_LA,
                heading=Heading.DUE,
            )
        )
    return items
