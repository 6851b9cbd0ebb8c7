"""The pupil page's "Safeguarding" section: a way to raise a concern about the pupil,
for everyone who sees the page; and, for the school's DSL only, the pupil's open and
closed concerns (registered in apps.py; see apcase.pupils.registry). Nobody else learns
from the page whether any concern exists."""

from typing import Any

from django.db.models import Count, Q

from apcase.access import policies
from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilSection

from . import selectors
from .models import Concern, ConcernStatus


def _context(pupil: Pupil) -> dict[str, Any]:
    return {"pupil_id": pupil.pk}


def _for_viewer(pupil: Pupil, viewer: Any) -> dict[str, Any]:
    may_raise = viewer is not None and selectors.may_raise_about(viewer, pupil)
    if viewer is None or not policies.is_school_dsl_of(viewer, pupil.school):
        return {"is_dsl": False, "may_raise": may_raise}
    counts = Concern.objects.filter(pupil=pupil, school=pupil.school).aggregate(
        open=Count("pk", filter=~Q(status=ConcernStatus.CLOSED)),
        closed=Count("pk", filter=Q(status=ConcernStatus.CLOSED)),
    )
    return {"is_dsl": True, "may_raise": may_raise, **counts}


SECTION = PupilSection(
    anchor="safeguarding",
    title="Safeguarding",
    template="safeguarding/_pupil_section.html",
    context=_context,
    rank=30,
    for_viewer=_for_viewer,
)
