"""The placement's objectives: what, from where, to where, measured how."""

from django.db import transaction

from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed

from ..audit import PlacementAction
from ..models import Placement, PlacementObjective
from .common import _locked_for_planning, _new_version, record_change


@transaction.atomic
def add_objective(
    placement: Placement, *, by: User, what: str, baseline: str, target: str, measured_by: str
) -> PlacementObjective:
    placement = _locked_for_planning(placement, by)
    values = {"what": what, "baseline": baseline, "target": target, "measured_by": measured_by}
    errors: dict[str | None, list[str]] = {
        name: ["Enter this part of the objective."] for name, v in values.items() if not v.strip()
    }
    if errors:
        raise ValidationFailed("Check the objective.", errors)
    objective = PlacementObjective.objects.create(
        placement=placement, **{k: v.strip() for k, v in values.items()}
    )
    _new_version(placement, [])
    record_change(
        by,
        placement,
        PlacementAction.OBJECTIVE_ADDED,
        f"Objective added: {objective.what}"[:500],
        {"objective": [None, objective.what]},
    )
    return objective


@transaction.atomic
def remove_objective(placement: Placement, *, by: User, objective_id: int) -> None:
    placement = _locked_for_planning(placement, by)
    objective = placement.objectives.filter(pk=objective_id).first()
    if objective is None:
        raise ValidationFailed("That objective is not part of this plan.")
    what = objective.what
    objective.delete()
    _new_version(placement, [])
    record_change(
        by,
        placement,
        PlacementAction.OBJECTIVE_REMOVED,
        f"Objective removed: {what}"[:500],
        {"objective": [what, None]},
    )
