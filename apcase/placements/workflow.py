"""Placement status changes made by the panel and the emergency route.

Rules:
- An approved panel decision creates a placement in `planned`; the emergency route
  starts one `active` at once. A placement ends from planned or active, with a reason.
- A pupil has at most one open (planned or active) placement: the database enforces it
  (one_open_placement_per_pupil); these functions refuse first with a clear message.
- Only the pupil's headteacher, or the panel chair / an officer of the school's LA, may
  arrange a placement (policies.can_arrange_placement_for); those and the inclusion lead
  may end or extend one (policies.can_end_placement).
- A placement ends only when someone ends it, with its last day, the reason, who decided
  and where the child went; a planned end date passing ends nothing (the placement stays
  on the register and is flagged every day until it is ended or extended).
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.pupils.models import Pupil
from apcase.reference.attendance import WEEK_SESSIONS

from . import notify
from .audit import PlacementAction
from .models import Placement, PlacementExtension, PlacementSession
from .services.common import locked_placement, max_length, record_change

if TYPE_CHECKING:
    from apcase.panel.models import PanelDecision


S = Placement.Status


@dataclass(frozen=True)
class Commissioning:
    """Who commissions a placement (the school or the LA) and under which power. A
    planned placement with no power named takes the usual one for who arranges it
    (plan.DEFAULT_POWER)."""

    arranged_by: str = Placement.ArrangedBy.SCHOOL
    power: str = ""


BY_THE_SCHOOL = Commissioning()


@dataclass(frozen=True)
class PlacementTerms:
    """What a planned placement starts from: the provider and site, its first day, the
    sessions a week and the first review."""

    provider: Organisation
    start_date: datetime.date
    sessions_per_week: int
    first_review_date: datetime.date | None
    site: str = ""


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.ACTIVE, S.ENDED}),
    S.ACTIVE: frozenset({S.ENDED}),
    S.ENDED: frozenset(),
}


def can_change_plan(user: User, placement: Placement) -> bool:
    """May `user` change the plan now (their role, and the placement has not ended)?"""
    return placement.status != S.ENDED and policies.can_plan_placement(user, placement)


def can_end(user: User, placement: Placement) -> bool:
    """May `user` end (or extend) the placement now?"""
    return S.ENDED in ALLOWED_TRANSITIONS[placement.status] and policies.can_end_placement(
        user, placement
    )


def _check_may_arrange(by: User, pupil: Pupil) -> None:
    if not policies.can_arrange_placement_for(by, pupil):
        raise NotPermitted("You cannot arrange a placement for this pupil.")


def _check_no_open_placement(pupil: Pupil) -> None:
    """Lock the pupil's row first, so two people arranging a placement for the same
    pupil at once are applied one after the other: the second waits for the first to
    commit, then sees its placement and is refused with this message instead of failing
    on one_open_placement_per_pupil (a 500 on PostgreSQL). Call inside the transaction."""
    list(Pupil.objects.select_for_update().filter(pk=pupil.pk).values_list("pk", flat=True))
    if Placement.objects.filter(pupil=pupil).exclude(status=S.ENDED).exists():
        raise ValidationFailed(
            f"{pupil} already has an open placement. End it before arranging another."
        )


def _check_details(*, sessions_per_week: int, start_date: datetime.date) -> None:
    if not 1 <= sessions_per_week <= 10:
        raise ValidationFailed(
            "Sessions per week must be between 1 and 10.",
            {"sessions_per_week": ["Sessions per week must be between 1 and 10."]},
        )
    if start_date is None:
        raise ValidationFailed("Enter the start date.", {"start_date": ["Enter the start date."]})


@transaction.atomic
def create_planned_placement(
    *,
    by: User,
    pupil: Pupil,
    terms: PlacementTerms,
    commissioning: Commissioning = BY_THE_SCHOOL,
    decision: "PanelDecision | None" = None,
    named_staff_member: User | None = None,
) -> Placement:
    """Dual registered by default at a PRU or AP academy (plan.dual_registration_expected:
    the plan may override it, with a reason)."""
    from .plan import DEFAULT_POWER, dual_registration_expected

    provider, start_date = terms.provider, terms.start_date
    sessions_per_week, arranged_by = terms.sessions_per_week, commissioning.arranged_by
    _check_may_arrange(by, pupil)
    _check_details(sessions_per_week=sessions_per_week, start_date=start_date)
    _check_no_open_placement(pupil)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        site=terms.site,
        status=S.PLANNED,
        start_date=start_date,
        sessions_per_week=sessions_per_week,
        first_review_date=terms.first_review_date,
        arranged_by=arranged_by,
        commissioning_power=commissioning.power or DEFAULT_POWER.get(arranged_by, ""),
        dual_registered=dual_registration_expected(provider),
        is_emergency=False,
        named_staff_member=named_staff_member,
        created_from_decision=decision,
    )
    changes: dict[str, Any] = {"status": [None, S.PLANNED], "provider": [None, provider.name]}
    if notify.needs_notice(placement) and (told := notify.tell_la(placement)):
        changes["la_notified_at"] = [None, told.isoformat()]
    record_change(
        by,
        placement,
        PlacementAction.PLANNED,
        f"Placement planned at {provider} from {start_date:%-d %B %Y}",
        changes,
    )
    return placement


def check_named_staff_member(person: User, pupil: Pupil) -> dict[str | None, list[str]]:
    if person is None:
        return {"named_staff_member": ["Choose the named member of staff."]}
    if not policies.roles_in(person, pupil.school):
        return {
            "named_staff_member": ["The named member of staff must work at the pupil's school."]
        }
    return {}


def check_sites(sites: list[Any], provider: Organisation) -> dict[str | None, list[str]]:
    """The school must know every address where the child is taught: at least one
    site, each one of the provider's own."""
    if not sites:
        return {"sites": ["Choose at least one site where the pupil is taught."]}
    if any(site.organisation_id != provider.pk or not site.is_active for site in sites):
        return {"sites": [f"Choose sites of {provider} only."]}
    return {}


@transaction.atomic
def start_emergency_placement(
    *,
    by: User,
    pupil: Pupil,
    provider: Organisation,
    sessions: set[tuple[int, str]],
    sites: list[Any],
    named_staff_member: User,
    start_date: datetime.date | None = None,
    commissioning: Commissioning = BY_THE_SCHOOL,
) -> Placement:
    """Active at once. Until its full plan is agreed the pupil is expected at the
    provider every weekday session whatever the timetable says (monitoring.selectors),
    and the inclusion lead sees what is missing every day (placements.attention)."""
    from .plan import dual_registration_expected

    _check_may_arrange(by, pupil)
    start = start_date or timezone.localdate()
    errors = check_named_staff_member(named_staff_member, pupil) | check_sites(sites, provider)
    if not sessions or not set(sessions) <= WEEK_SESSIONS:
        errors["sessions"] = ["Choose the half-days the pupil is at the provider."]
    if errors:
        raise ValidationFailed("Check the placement.", errors)
    _check_details(sessions_per_week=len(sessions), start_date=start)
    _check_no_open_placement(pupil)
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        site=", ".join(site.name for site in sites)[:200],
        status=S.ACTIVE,
        start_date=start,
        sessions_per_week=len(sessions),
        arranged_by=commissioning.arranged_by,
        commissioning_power=commissioning.power,
        is_emergency=True,
        started_at=timezone.now(),
        named_staff_member=named_staff_member,
        dual_registered=dual_registration_expected(provider),
    )
    placement.sites.set(sites)
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=day, session=half)
        for day, half in sorted(sessions)
    )
    record_change(
        by,
        placement,
        PlacementAction.STARTED_EMERGENCY,
        f"Emergency placement started at {provider} on {start:%-d %B %Y}",
        {
            "status": [None, S.ACTIVE],
            "provider": [None, provider.name],
            "named_staff_member": [None, str(named_staff_member)],
            "sites": [None, [site.name for site in sites]],
        },
    )
    return placement


def _check_may_end(by: User, placement: Placement) -> None:
    if not policies.can_end_placement(by, placement):
        raise NotPermitted("You cannot end this placement.")


D = Placement.Destination


def outcome_of(placement: Placement) -> str:
    """Where the child went, in words ("Other: …" says what)."""
    if placement.end_destination == D.OTHER and placement.end_destination_other:
        return f"Other: {placement.end_destination_other}"
    return placement.get_end_destination_display()


def _check_destination(
    placement: Placement, destination: str, other: str
) -> dict[str | None, list[str]]:
    """Every ended placement has an outcome from the fixed list; "other" says what."""
    if not destination:
        return {"destination": ["Choose where the child goes next."]}
    if destination not in D.values:
        return {"destination": ["Choose where the child goes next from the list."]}
    if destination == D.NOT_STARTED and placement.status != S.PLANNED:
        return {"destination": ["The placement has started: choose where the child goes next."]}
    if destination == D.OTHER and not other.strip():
        return {"destination_other": ["Say where the child goes next."]}
    return {}


@transaction.atomic
def end_placement(
    placement: Placement,
    *,
    by: User,
    reason: str,
    ended_on: datetime.date | None = None,
    destination: str = "",
    decided_by: str = "",
    destination_other: str = "",
) -> Placement:
    """planned/active -> ended, with the last day, the reason, who decided and where the
    child went (a fixed list, so outcomes can be counted; "other" said in words). Every
    ended placement has an outcome: a planned one that never started ends as "did not
    start". Until this is done the placement stays on the provider's register, however
    far past its planned end."""
    placement = locked_placement(placement)
    _check_may_end(by, placement)
    if S.ENDED not in ALLOWED_TRANSITIONS[placement.status]:
        raise TransitionNotAllowed("This placement has already ended.")
    today = timezone.localdate()
    last_day = ended_on or today
    errors: dict[str | None, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Enter why the placement is ending."]
    errors |= _check_destination(placement, destination, destination_other)
    if last_day > today:
        errors["ended_on"] = [
            "The last day cannot be in the future: end the placement on its last day."
        ]
    elif placement.status == S.ACTIVE and last_day < placement.start_date:
        errors["ended_on"] = ["The last day must be on or after the day the placement started."]
    if errors:
        raise ValidationFailed("Check how the placement ends.", errors)
    old = placement.status
    placement.status = S.ENDED
    placement.ended_on = last_day
    placement.end_reason = reason.strip()
    placement.end_destination = destination
    placement.end_destination_other = (
        destination_other.strip()[:200] if destination == D.OTHER else ""
    )
    placement.end_decided_by = decided_by.strip()[:200]
    placement.save(
        update_fields=[
            "status",
            "ended_on",
            "end_reason",
            "end_destination",
            "end_destination_other",
            "end_decided_by",
            "updated_at",
        ]
    )
    outcome = f" ({outcome_of(placement)})"
    record_change(
        by,
        placement,
        PlacementAction.ENDED,
        f"Placement at {placement.provider} ended on {last_day:%-d %B %Y}{outcome}: "
        f"{placement.end_reason}"[:500],
        {
            "status": [old, S.ENDED],
            "ended_on": [None, last_day.isoformat()],
            "end_destination": [None, destination],
            "end_decided_by": [None, placement.end_decided_by],
        },
    )
    return placement


@transaction.atomic
def extend_placement(
    placement: Placement, *, by: User, new_end_date: datetime.date | None, reason: str
) -> Placement:
    """Move the planned end date later, with the reason; the history is kept."""
    placement = locked_placement(placement)
    _check_may_end(by, placement)
    if placement.status == S.ENDED:
        raise TransitionNotAllowed("This placement has ended: it cannot be extended.")
    errors: dict[str | None, list[str]] = {}
    if new_end_date is None:
        errors["new_end_date"] = ["Enter the new end date."]
    elif placement.planned_end_date and new_end_date <= placement.planned_end_date:
        errors["new_end_date"] = [
            f"The new end date must be after {placement.planned_end_date:%-d %B %Y}."
        ]
    elif new_end_date < timezone.localdate():
        errors["new_end_date"] = ["The new end date must not be in the past."]
    elif new_end_date > placement.start_date + max_length():
        errors["new_end_date"] = [
            f"The new end date must be within {max_length().days // 365} years of the start."
        ]
    if not reason.strip():
        errors["reason"] = ["Enter why the placement is extended."]
    if errors or new_end_date is None:
        raise ValidationFailed("Check the extension.", errors)
    previous = placement.planned_end_date
    PlacementExtension.objects.create(
        placement=placement,
        previous_end_date=previous,
        new_end_date=new_end_date,
        reason=reason.strip(),
        recorded_by=by,
    )
    placement.planned_end_date = new_end_date
    placement.save(update_fields=["planned_end_date", "updated_at"])
    record_change(
        by,
        placement,
        PlacementAction.EXTENDED,
        f"Placement at {placement.provider} extended to {new_end_date:%-d %B %Y}: {reason.strip()}"[
            :500
        ],
        {
            "planned_end_date": [
                previous.isoformat() if previous else None,
                new_end_date.isoformat(),
            ]
        },
    )
    return placement


@transaction.atomic
def start_placement(placement: Placement, *, by: User) -> Placement:
    """planned -> active: only with a named staff member, a planned end date, a
    timetable, objectives, and the plan's current version agreed by the school, a
    parent or carer and the provider (placements.plan.missing_before_start)."""
    from .plan import missing_before_start

    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not policies.can_start_placement(by, placement):
        raise NotPermitted("You cannot start this placement.")
    if S.ACTIVE not in ALLOWED_TRANSITIONS[placement.status]:
        raise TransitionNotAllowed("Only a planned placement can start.")
    missing = missing_before_start(placement)
    if placement.planned_end_date and placement.planned_end_date < timezone.localdate():
        missing.append("The planned end date has passed: change it on the plan first.")
    if missing:
        raise ValidationFailed("The plan is not ready: " + " ".join(missing), {None: missing})
    planned_start = placement.start_date
    placement.status = S.ACTIVE
    placement.started_at = timezone.now()
    # The placement starts when it is started: a register is expected from today, not
    # from a planned date already past (nor only from one still to come).
    placement.start_date = timezone.localdate()
    placement.save(update_fields=["status", "started_at", "start_date", "updated_at"])
    record_change(
        by,
        placement,
        PlacementAction.STARTED,
        f"Placement at {placement.provider} started",
        {
            "status": [S.PLANNED, S.ACTIVE],
            "start_date": [planned_start.isoformat(), placement.start_date.isoformat()],
        },
    )
    return placement
