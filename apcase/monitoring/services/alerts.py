"""Same-day follow-up tasks and who is told of them."""

import datetime

from django.urls import reverse

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.chronology.services import record_event
from apcase.notifications.services import absolute_url, queue_email
from apcase.placements.models import Placement
from apcase.placements.watch import emails_of, named_staff_member_now, stand_in_emails

from ..audit import MonitoringAction
from ..models import FollowUpTask

FOLLOW_UP_RAISED: dict[str, MonitoringAction] = {
    FollowUpTask.Kind.ABSENCE: MonitoringAction.FOLLOW_UP_ABSENCE,
    FollowUpTask.Kind.REGISTER_MISSING: MonitoringAction.FOLLOW_UP_REGISTER_MISSING,
    FollowUpTask.Kind.CHECK_IN: MonitoringAction.FOLLOW_UP_CHECK_IN,
}

# --- alerts -----------------------------------------------------------------------


def dsl_emails(school: Organisation) -> list[str]:
    return emails_of(school, [Role.SCHOOL_DSL])


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
    record_event(
        by=by,
        action=FOLLOW_UP_RAISED[kind],
        target=task,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        summary=detail[:500],
        changes={"follow_up": [None, task.get_kind_display()]},
    )
    recipients = [named.email] if named is not None else stand_in_emails(pupil.school)
    if notify_dsl:
        recipients.extend(dsl_emails(pupil.school))
    link = absolute_url(reverse("monitoring:close_task", kwargs={"task_id": task.pk}))
    # The email names the child by first name and initial only (it leaves the service).
    told = detail.replace(pupil.display_name, pupil.initialled_name)
    for email in dict.fromkeys(recipients):
        queue_email(
            to=email,
            subject=f"Follow up today: {task.get_kind_display().lower()} – {pupil.initialled_name}",
            body=f"{told}\n\nFind out where the child is and record what you did: {link}",
        )
    return task
