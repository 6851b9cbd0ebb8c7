"""Home-page items for placements: what is missing or overdue on the open placements a
person answers for (placements.watch), every day until it is put right.

- The inclusion lead of a school sees every concern on the school's open placements.
- The named staff member sees the concerns on the placements they are named on."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem

from . import selectors, watch

TAGS = {"end_passed": "Overdue", "end_near": "Ending soon"}


def items_for(user: User) -> list[AttentionItem]:
    school_ids = policies.organisation_ids_for(user, {Role.INCLUSION_LEAD})
    scope = Q(
        named_staff_member_id=user.pk,
        pupil__school_id__in=policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES),
    )
    if school_ids:
        scope |= Q(pupil__school_id__in=school_ids)
    today = timezone.localdate()
    items = []
    calendars = watch.Calendars()
    for placement in watch.with_staff_memberships(selectors.open_placements_to_watch(scope)):
        for concern in watch.concerns(placement, today=today, calendars=calendars):
            items.append(
                AttentionItem(
                    title=concern.title,
                    href=reverse("placements:detail", kwargs={"placement_id": placement.pk}),
                    detail=concern.detail,
                    tag=TAGS.get(concern.key, "Missing"),
                    tag_colour="red" if concern.urgent else "yellow",
                )
            )
    return items
