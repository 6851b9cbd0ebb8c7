"""The pupil page's engagement and wellbeing trend, under the placements: every weekly
check-in across the pupil's placements (registered in apps.py; see
apcase.pupils.registry)."""

from typing import Any

from apcase.access import policies
from apcase.placements.selectors import placements_of_pupil
from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilSection

from .charts import check_in_trend
from .selectors import check_ins_of_pupil


def _context(pupil: Pupil) -> dict[str, Any]:
    return {"placed": placements_of_pupil(pupil).exists()}


def _for_viewer(pupil: Pupil, viewer: Any) -> dict[str, Any]:
    """The trend, with the comments of the placements whose check-ins the viewer may
    read (policies.can_read_check_in_comments)."""
    readable = frozenset(
        placement.pk
        for placement in placements_of_pupil(pupil).select_related("pupil__school", "provider")
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
