"""Status changes in monitoring: closing a same-day follow-up, logging a scheduled visit.

ALLOWED_TRANSITIONS: a follow-up goes open -> closed (with who was contacted and where
the child is); a visit goes scheduled -> done (with what was seen). Neither goes back."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.placements.models import Placement

from .audit import MonitoringAction
from .models import FollowUpTask, Visit

ALLOWED_TRANSITIONS = {
    FollowUpTask.Status.OPEN: frozenset({FollowUpTask.Status.CLOSED}),
    FollowUpTask.Status.CLOSED: frozenset(),
    Visit.Status.SCHEDULED: frozenset({Visit.Status.DONE}),
    Visit.Status.DONE: frozenset(),
}


@transaction.atomic
def close_follow_up(
    task: FollowUpTask,
    *,
    by: User,
    who_was_contacted: str,
    where_the_child_is: str,
    action_taken: str,
) -> FollowUpTask:
    task = (
        FollowUpTask.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__pupil", "placement__pupil__school")
        .get(pk=task.pk)
    )
    if not policies.can_close_follow_up(by, task):
        raise NotPermitted("You cannot close this follow-up.")
    if task.status == FollowUpTask.Status.CLOSED:
        raise TransitionNotAllowed("This follow-up is already closed.")
    errors: dict[str | None, list[str]] = {}
    if not action_taken.strip():
        errors["action_taken"] = ["Enter what was done."]
    if task.kind != FollowUpTask.Kind.CHECK_IN:
        if not who_was_contacted.strip():
            errors["who_was_contacted"] = ["Enter who was contacted."]
        if not where_the_child_is.strip():
            errors["where_the_child_is"] = ["Enter where the child is."]
    if errors:
        raise ValidationFailed("Check what you recorded.", errors)
    task.status = FollowUpTask.Status.CLOSED
    task.closed_by = by
    task.closed_at = timezone.now()
    task.who_was_contacted = who_was_contacted.strip()
    task.where_the_child_is = where_the_child_is.strip()
    task.action_taken = action_taken.strip()
    task.save()
    record_pupil_event(
        task.placement.pupil,
        by=by,
        action=MonitoringAction.FOLLOW_UP_CLOSED,
        target=task,
        summary=f"Follow-up closed ({task.get_kind_display().lower()}): "
        f"{task.where_the_child_is or task.action_taken}"[:500],
        changes={"status": ["open", "closed"]},
    )
    return task


@dataclass(frozen=True)
class VisitRecord:
    """What the visitor records: when and who, whether the child was seen, what was
    observed and the child's views, the safeguarding checks, and the actions agreed."""

    visited_on: datetime.date | None
    visitors: str
    child_seen: bool
    learning_observations: str
    environment_observations: str
    child_views: str
    registers_checked: bool
    supervision_suitable: bool
    safeguarding_notes: str
    actions: str


@transaction.atomic
def log_visit(visit: Visit, *, by: User, record: VisitRecord) -> Visit:
    visit = Visit.objects.select_for_update(of=("self",)).get(pk=visit.pk)
    placement = Placement.objects.select_related("pupil", "pupil__school", "provider").get(
        pk=visit.placement_id
    )
    if not policies.can_record_visit(by, placement):
        raise NotPermitted("You cannot log visits for this placement.")
    if visit.status == Visit.Status.DONE:
        raise TransitionNotAllowed("This visit is already logged.")
    errors: dict[str | None, list[str]] = {}
    if record.visited_on is None or record.visited_on > timezone.localdate():
        errors["visited_on"] = ["Enter the date of the visit (not in the future)."]
    if not record.visitors.strip():
        errors["visitors"] = ["Enter who visited."]
    if not (record.learning_observations.strip() or record.environment_observations.strip()):
        errors["learning_observations"] = ["Enter what you observed."]
    if errors:
        raise ValidationFailed("Check the visit record.", errors)
    visit.status = Visit.Status.DONE
    visit.visited_on = record.visited_on
    visit.visitors = record.visitors.strip()
    visit.child_seen = record.child_seen
    visit.learning_observations = record.learning_observations.strip()
    visit.environment_observations = record.environment_observations.strip()
    visit.child_views = record.child_views.strip()
    visit.registers_checked = record.registers_checked
    visit.supervision_suitable = record.supervision_suitable
    visit.safeguarding_notes = record.safeguarding_notes.strip()
    visit.actions = record.actions.strip()
    visit.logged_by = by
    visit.save()
    record_pupil_event(
        placement.pupil,
        by=by,
        action=MonitoringAction.VISIT_LOGGED,
        target=visit,
        summary=f"Visit to {placement.provider} on {record.visited_on:%-d %B %Y} by {visit.visitors}; "
        f"child {'seen' if record.child_seen else 'not seen'}",
        changes={"status": ["scheduled", "done"]},
    )
    return visit
