"""Same-day follow-up tasks and who is told of them."""

import datetime

from django.urls import reverse

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.chronology.services import record_pupil_event
from apcase.notifications import messages
from apcase.placements.models import Placement
from apcase.placements.watch import named_staff_member_now, stand_ins

from ..audit import MonitoringAction
from ..models import FollowUpTask

FOLLOW_UP_RAISED: dict[str, MonitoringAction] = {
    FollowUpTask.Kind.ABSENCE: MonitoringAction.FOLLOW_UP_ABSENCE,
    FollowUpTask.Kind.REGISTER_MISSING: MonitoringAction.FOLLOW_UP_REGISTER_MISSING,
    FollowUpTask.Kind.CHECK_IN: MonitoringAction.FOLLOW_UP_CHECK_IN,
}

# --- alerts -----------------------------------------------------------------------


def dsls(school: Organisation) -> list[User]:
    return holders(school, [Role.SCHOOL_DSL])


def raise_follow_up(
    placement: Placement,
    *,
    by: User | None,
    kind: str,
    day: datetime.date,
    session: str,
    detail: str,
    notify_dsl: bool = True,
) -> FollowUpTask | None:
    """Create the task (once) and tell the named staff member and the DSL. When the
    placement has no named staff member who still works at the school, the task is
    the inclusion lead's, says so, and they are emailed: nobody named is never nobody
    told. None when a task for the same session already exists."""
    if (
        kind != FollowUpTask.Kind.CHECK_IN
        and FollowUpTask.objects.filter(
            placement=placement, kind=kind, date=day, session=session
        ).exists()
    ):
        return None
    pupil = placement.pupil
    named = named_staff_member_now(placement)
    if named is None:
        detail += (
            " This placement has no named member of staff who works at the school now: "
            "the inclusion lead (or, if the school has none, the headteacher) must follow it "
            "up and name someone on the placement plan."
        )
    task = FollowUpTask.objects.create(
        placement=placement,
        kind=kind,
        date=day,
        session=session,
        detail=detail,
        assigned_to=named,
    )
    record_pupil_event(
        pupil,
        by=by,
        action=FOLLOW_UP_RAISED[kind],
        target=task,
        summary=detail[:500],
        changes={"follow_up": [None, task.get_kind_display()]},
    )
    recipients = [named] if named is not None else stand_ins(pupil.school)
    if notify_dsl:
        recipients.extend(dsls(pupil.school))
    messages.send(
        "monitoring/messages/follow_up.txt",
        to=recipients,
        child=pupil,
        link=reverse("monitoring:close_task", kwargs={"task_id": task.pk}),
        # Where a child is not known: never held back for a digest.
        urgent=kind in (FollowUpTask.Kind.ABSENCE, FollowUpTask.Kind.REGISTER_MISSING),
        kind=task.get_kind_display().lower(),
        detail=detail,
    )
    return task
