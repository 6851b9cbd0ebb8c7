"""The pupil page's "Reviews" section: for each placement that has been active, the last
review held, when the next is due (overdue in red) and parents' written requests
(registered in apps.py; see apcase.pupils.registry)."""

from typing import Any

from apcase.access import policies
from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilSection

from . import schedule, selectors


def _context(pupil: Pupil) -> dict[str, Any]:
    return {
        "states": selectors.states_of_pupil(pupil),
        "request_window_weeks": schedule.request_window().days // 7,
    }


def _for_viewer(pupil: Pupil, viewer: Any) -> dict[str, Any]:
    """Which placements' reviews the viewer may open (the others show no link)."""
    readable = {
        state.placement.pk
        for state in selectors.states_of_pupil(pupil)
        if viewer is not None and policies.can_read_reviews(viewer, state.placement)
    }
    return {"readable": readable}


SECTION = PupilSection(
    anchor="reviews",
    title="Reviews",
    template="reviews/_pupil_section.html",
    context=_context,
    rank=25,
    for_viewer=_for_viewer,
)
