"""Corrections to who commissions a placement and under which power."""

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.errors import NotPermitted, ValidationFailed

from .. import notify
from ..audit import PlacementAction
from ..models import Placement
from .common import locked_placement, record_change


@transaction.atomic
def correct_commissioning(
    placement: Placement, *, by: User, arranged_by: str, commissioning_power: str, reason: str
) -> Placement:
    """Correct who commissions the placement (school or LA) and under which power. It
    decides the home school's code for a session attended (B or K), so the record must
    be right whatever the placement's status; the old and new values and the reason are
    kept in the audit trail."""
    from ..plan import commissioning_errors

    placement = locked_placement(placement)
    if not policies.can_correct_commissioning(by, placement):
        raise NotPermitted("You cannot change who commissions this placement.")
    errors = commissioning_errors(arranged_by, commissioning_power)
    if not reason.strip():
        errors["reason"] = ["Enter why the record is being corrected."]
    if errors:
        raise ValidationFailed("Check who commissions the placement.", errors)
    old = {
        "arranged_by": placement.arranged_by,
        "commissioning_power": placement.commissioning_power,
    }
    new = {"arranged_by": arranged_by, "commissioning_power": commissioning_power}
    if old == new:
        raise ValidationFailed("That is what the placement already records: nothing changed.")
    placement.arranged_by = arranged_by
    placement.commissioning_power = commissioning_power
    placement.save(update_fields=["arranged_by", "commissioning_power", "updated_at"])
    changes = {name: [old[name], new[name]] for name in new if old[name] != new[name]} | {
        "reason": [None, reason.strip()]
    }
    # Now the school's own placement without the panel: the LA is told, as when the
    # school arranges one (placements.notify), unless it was told already.
    if (
        notify.needs_notice(placement)
        and placement.la_notified_at is None
        and (told := notify.tell_la(placement))
    ):
        changes["la_notified_at"] = [None, told.isoformat()]
    record_change(
        by,
        placement,
        PlacementAction.COMMISSIONING_CORRECTED,
        f"Commissioned by {placement.get_arranged_by_display().lower()} under "
        f"{placement.get_commissioning_power_display()}: {reason.strip()}"[:500],
        changes,
    )
    return placement
