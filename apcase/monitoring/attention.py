"""Home-page items: open follow-ups and overdue visits for the named staff member."""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem

from . import selectors


def items_for(user: User) -> list[AttentionItem]:
    if not policies.can_follow_up(user):
        return []
    items = [
        AttentionItem(
            title=f"Follow up: {task.placement.pupil.display_name}",
            href=reverse("monitoring:close_task", kwargs={"task_id": task.pk}),
            detail=task.detail,
            tag=task.get_kind_display(),
            tag_colour="red",
        )
        for task in selectors.open_follow_ups_for(user)[:20]
    ]
    for placement, due in selectors.overdue_visits_for(user, today=timezone.localdate()):
        items.append(
            AttentionItem(
                title=f"Visit {placement.pupil.display_name} at {placement.provider}",
                href=reverse("monitoring:placement", kwargs={"placement_id": placement.pk}),
                detail=f"A visit was due by {due:%-d %B %Y}.",
                tag="Overdue",
                tag_colour="red",
            )
        )
    return items


def absences_to_code(user: User) -> list[AttentionItem]:
    """One item with the count of absences the home school has still to code."""
    if not policies.can_code_attendance(user):
        return []
    count = selectors.absences_to_code_for(user).count()
    if not count:
        return []
    return [
        AttentionItem(
            title=f"{count} absence{'' if count == 1 else 's'} to code",
            href=reverse("monitoring:absences"),
            detail="Providers reported these absences: give each its attendance code. "
            "Until then they show as N.",
            tag="To code",
            tag_colour="orange",
        )
    ]
