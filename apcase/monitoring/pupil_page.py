"""The pupil page's engagement and wellbeing trend, under the placements: every weekly
check-in across the pupil's placements (registered in apps.py; see
apcase.pupils.registry)."""

from typing import Any

from django.urls import reverse

from apcase.access import policies
from apcase.accounts.models import User
from apcase.placements.selectors import (
    placement_group,
    placements_on_pupil_page,
    provider_placements_of,
)
from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilLink, PupilSection

from .charts import check_in_trend
from .selectors import check_ins_of_pupil


def _context(pupil: Pupil) -> dict[str, Any]:
    return {"placed": bool(placements_on_pupil_page(pupil))}


def _for_viewer(pupil: Pupil, viewer: Any) -> dict[str, Any]:
    """The trend, with the comments of the placements whose check-ins the viewer may
    read (policies.can_read_check_in_comments)."""
    readable = frozenset(
        placement.pk
        for placement in placements_on_pupil_page(pupil)
        if viewer is not None and policies.can_read_check_in_comments(viewer, placement)
    )
    return {"trend": check_in_trend(check_ins_of_pupil(pupil), readable)}


SECTION = PupilSection(
    anchor="engagement",
    title="",  # part of the "Alternative provision" section, not in the page's contents
    template="monitoring/_pupil_engagement.html",
    context=_context,
    rank=20,
    for_viewer=_for_viewer,
)


def provider_links(pupil: Pupil, user: User) -> list[PupilLink]:
    """The provider's way from the pupil page to each placement's monitoring: its
    attendance, check-ins and visits, and this week's check-in while it may record one."""
    links = []
    for placement in provider_placements_of(pupil, user):
        group = placement_group(placement)
        links.append(
            PupilLink(
                "Attendance, check-ins and monitoring",
                reverse("monitoring:placement", kwargs={"placement_id": placement.pk}),
                group,
            )
        )
        if policies.can_record_check_in(user, placement):
            links.append(
                PupilLink(
                    "Record this week's check-in",
                    reverse("monitoring:check_in", kwargs={"placement_id": placement.pk}),
                    group,
                )
            )
    return links
