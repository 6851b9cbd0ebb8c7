"""Home-page items: a reintegration plan past its target date to be back full time and
not completed, for its named adult, the placement's named staff member and the school's
inclusion lead."""

from django.urls import reverse
from django.utils import timezone

from apcase.core.attention import AttentionItem

from . import selectors


def items_for(user: object) -> list[AttentionItem]:
    today = timezone.localdate()
    return [
        AttentionItem(
            title=f"Reintegration plan past its target date: {plan.placement.pupil.display_name}",
            href=reverse("reintegration:detail", args=[plan.pk]),
            detail=f"Back full time by {plan.target_full_time_date:%-d %B %Y}; not completed.",
            tag="Overdue",
            tag_colour="red",
        )
        for plan in selectors.past_target_for(user, today)[:20]  # type: ignore[arg-type]
    ]
