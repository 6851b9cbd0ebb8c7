"""Weekly check-ins, and the alerts a low or falling score raises."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.placements.models import Placement

from .. import rules
from ..audit import MonitoringAction
from ..models import CheckIn, FollowUpTask
from .alerts import raise_follow_up

# --- check-ins --------------------------------------------------------------------


@dataclass(frozen=True)
class ChildVoice:
    """The child's own part of a check-in: a score from 1 to 5 and their words, both
    optional."""

    rating: int | None = None
    words: str = ""

    @classmethod
    def take_from(cls, values: dict[str, Any]) -> "ChildVoice":
        """Move `child_rating` and `child_words` out of a form's values."""
        return cls(rating=values.pop("child_rating", None), words=values.pop("child_words", ""))


NOT_ASKED = ChildVoice()


@transaction.atomic
def record_check_in(
    placement: Placement,
    *,
    by: User,
    week_of: datetime.date,
    engagement: int,
    wellbeing: int,
    behaviour: int,
    comments: str = "",
    child: ChildVoice = NOT_ASKED,
) -> CheckIn:
    # Locked (its own row only: the named staff member is a nullable join), so two
    # check-ins for the same week sent at once are applied one after the other and the
    # second is refused with a message instead of failing on the unique week (a 500).
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .get(pk=placement.pk)
    )
    if not policies.can_record_check_in(by, placement):
        raise NotPermitted("You cannot record a check-in for this pupil.")
    week = rules.week_start(week_of)
    scores = {"engagement": engagement, "wellbeing": wellbeing, "behaviour": behaviour}
    errors: dict[str | None, list[str]] = {
        name: ["Choose a score from 1 to 5."] for name, v in scores.items() if v not in range(1, 6)
    }
    if child.rating is not None and child.rating not in range(1, 6):
        errors["child_rating"] = ["Choose a score from 1 to 5, or leave it blank."]
    if week > rules.week_start(timezone.localdate()):
        errors["week_of"] = ["A check-in cannot be for a week that has not started yet."]
    elif week + datetime.timedelta(days=6) < placement.start_date:
        errors["week_of"] = [
            f"The placement started on {placement.start_date:%-d %B %Y}: "
            "choose a week from then on."
        ]
    elif CheckIn.objects.filter(placement=placement, week_starting=week).exists():
        errors["week_of"] = [f"There is already a check-in for the week of {week:%-d %B %Y}."]
    if errors:
        raise ValidationFailed("Check the check-in.", errors)
    previous = (
        CheckIn.objects.filter(placement=placement, week_starting__lt=week)
        .order_by("-week_starting")
        .first()
    )
    check_in = CheckIn.objects.create(
        placement=placement,
        week_starting=week,
        comments=comments.strip(),
        child_rating=child.rating,
        child_words=child.words.strip(),
        recorded_by=by,
        **scores,
    )
    pupil = placement.pupil
    record_event(
        by=by,
        action=MonitoringAction.CHECK_IN_RECORDED,
        target=check_in,
        organisation=placement.provider,
        pupil_id=pupil.pk,
        summary=f"Weekly check-in: engagement {engagement}, wellbeing {wellbeing}, "
        f"behaviour {behaviour}",
        changes={k: [None, v] for k, v in scores.items()},
    )
    concerns = [f"{name} {value}" for name, value in scores.items() if value <= rules.LOW_SCORE]
    if previous is not None:
        for name, value in scores.items():
            before = getattr(previous, name)
            if before - value >= rules.FALL_ALERT:
                concerns.append(f"{name} fell from {before} to {value}")
    if concerns:
        raise_follow_up(
            placement,
            by=by,
            kind=FollowUpTask.Kind.CHECK_IN,
            day=week,
            session="",
            detail=f"{pupil.display_name}'s check-in at {placement.provider} for the week of "
            f"{week:%-d %B %Y}: " + "; ".join(concerns) + ".",
            # Low or falling wellbeing is the DSL's business as well as the named
            # staff member's; engagement and behaviour alone are not.
            notify_dsl=any(concern.startswith("wellbeing") for concern in concerns),
        )
    return check_in
