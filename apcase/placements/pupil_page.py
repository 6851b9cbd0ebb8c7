"""The pupil page's "Alternative provision" section: the pupil's placements, newest
first, each linked to its plan (registered in apps.py; see apcase.pupils.registry)."""

from typing import Any

from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilSection

from .selectors import placements_on_pupil_page


def _context(pupil: Pupil) -> dict[str, Any]:
    return {"placements": placements_on_pupil_page(pupil)}


SECTION = PupilSection(
    anchor="ap-history",
    title="Alternative provision",
    template="placements/_pupil_placements.html",
    context=_context,
    rank=10,
)
