"""The pupil page's "Reintegration and outcomes" section (registered in apps.py; see
apcase.pupils.registry): the pupil's reintegration plans, flagged when past their
target date; a way to start one for an active placement; and for each placement its
outcome and attendance before, during and after it.

Attendance before and after a placement would come from the home school's own
registers, which apcase does not import: the section says so, never shows 0 or a
blank. Attendance during a placement is the provider's registers in the home school's
codes (monitoring.selectors)."""

from typing import Any

from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.memo import per_page
from apcase.monitoring.selectors import attendance_summaries_of_placements
from apcase.placements.models import Placement
from apcase.placements.selectors import placements_on_pupil_page
from apcase.placements.workflow import outcome_of
from apcase.pupils.models import Pupil
from apcase.pupils.registry import PupilSection

from . import rules
from .models import PlanStatus, ReintegrationPlan
from .selectors import plans_of_pupil

# The weeks before a placement whose school attendance is the baseline.
WEEKS_BEFORE = 12
NOT_IMPORTED = "No school attendance imported"


@per_page(key=lambda pupil: pupil.pk)
def _plans(pupil: Pupil) -> list[ReintegrationPlan]:
    """The pupil's plans, read once for the section and what the viewer may do; newest
    first (the plans' ordering), sorted here rather than in SQL, where ordering a query
    that selects related rows makes Django hash every selected column."""
    found = list(plans_of_pupil(pupil).order_by())
    return sorted(found, key=lambda plan: (plan.start_date, plan.pk), reverse=True)


def _context(pupil: Pupil) -> dict[str, Any]:
    today = timezone.localdate()
    plans = [{"plan": p, "past_target": rules.is_past_target(p, today)} for p in _plans(pupil)]
    outcomes = []
    placed = [p for p in placements_on_pupil_page(pupil) if p.status != Placement.Status.PLANNED]
    summaries = attendance_summaries_of_placements(placed)
    for placement in placed:
        during = summaries[placement.pk]
        outcomes.append(
            {
                "placement": placement,
                "outcome": outcome_of(placement)
                if placement.status == Placement.Status.ENDED
                else "",
                "during": during,
            }
        )
    return {
        "pupil_id": pupil.pk,
        "plans": plans,
        "outcomes": outcomes,
        "weeks_before": WEEKS_BEFORE,
        "not_imported": NOT_IMPORTED,
    }


def _for_viewer(pupil: Pupil, viewer: User | None) -> dict[str, Any]:
    if viewer is None:
        return {"can_start": []}
    open_plans = {
        p.placement_id for p in _plans(pupil) if p.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE)
    }
    return {
        "can_start": [
            placement
            for placement in placements_on_pupil_page(pupil)
            if placement.status == Placement.Status.ACTIVE
            and placement.pk not in open_plans
            and policies.can_manage_reintegration(viewer, placement)
        ]
    }


SECTION = PupilSection(
    anchor="reintegration",
    title="Reintegration and outcomes",
    template="reintegration/_pupil_section.html",
    context=_context,
    rank=15,
    for_viewer=_for_viewer,
)
