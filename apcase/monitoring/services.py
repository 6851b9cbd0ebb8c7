"""Writes for daily monitoring: registers, same-day follow-ups, check-ins, visits.

Rules:
- A provider marks only pupils expected this session in an active placement with it;
  anyone else is refused whole (nothing is written).
- Marks are append-only: a correction, or a mark entered after the register's cut-off,
  needs a reason and is a new row; the old row is kept and marked superseded.
- A pupil marked absent with no known reason (codes.needs_follow_up), or missing from a
  register after its cut-off (check_registers), makes a follow-up task for the named
  staff member and emails them and the school's DSL at once. A task is closed with who
  was contacted and where the child is.
- A check-in scoring 1 or 2, or falling by 2 points since the last one, alerts the
  named staff member."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.notifications.services import queue_email
from apcase.placements.models import Placement
from apcase.schooldays.calculator import TermDatesMissing, is_school_day

from . import codes, rules, selectors
from .models import AttendanceMark, CheckIn, FollowUpTask, RegisterSubmission, Session, Visit

# --- alerts -----------------------------------------------------------------------


def _dsl_emails(school: Any) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=school, role=Role.SCHOOL_DSL, is_active=True
        ).values_list("user__email", flat=True)
    )


def _raise_follow_up(
    placement: Placement,
    *,
    by: Any,
    kind: str,
    day: datetime.date,
    session: str,
    detail: str,
    notify_dsl: bool = True,
) -> FollowUpTask | None:
    """Create the task (once) and tell the named staff member and the DSL. None when a
    task for the same session already exists."""
    if (
        kind != FollowUpTask.Kind.CHECK_IN
        and FollowUpTask.objects.filter(
            placement=placement, kind=kind, date=day, session=session
        ).exists()
    ):
        return None
    task = FollowUpTask.objects.create(
        placement=placement,
        kind=kind,
        date=day,
        session=session,
        detail=detail,
        assigned_to=placement.named_staff_member,
    )
    pupil = placement.pupil
    record_event(
        by=by,
        action=f"follow_up_{kind}",
        target=task,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        summary=detail,
        changes={"follow_up": [None, task.get_kind_display()]},
    )
    recipients = []
    if placement.named_staff_member is not None:
        recipients.append(placement.named_staff_member.email)
    if notify_dsl:
        recipients.extend(_dsl_emails(pupil.school))
    link = reverse("monitoring:close_task", kwargs={"task_id": task.pk})
    for email in dict.fromkeys(recipients):
        queue_email(
            to=email,
            subject=f"Follow up today: {task.get_kind_display().lower()} – {pupil.display_name}",
            body=f"{detail}\n\nFind out where the child is and record what you did: {link}",
        )
    return task


# --- registers --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    marked: int
    corrected: int
    alerts: int


@transaction.atomic
def submit_register(
    *,
    by: Any,
    provider: Any,
    day: datetime.date,
    session: str,
    marks: dict[int, str],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> RegisterResult:
    now = now or timezone.now()
    if not policies.can_take_registers(by) or not (
        policies.roles_in(by, provider) & policies.PROVIDER_ROLES
    ):
        raise NotPermitted("You cannot take this provider's register.")
    if session not in Session.values:
        raise ValidationFailed("Choose the morning or afternoon session.")
    if day > timezone.localdate(now):
        raise ValidationFailed("A register cannot be taken for a day that has not come yet.")
    expected = {p.pk: p for p in selectors.expected_placements([provider.pk], day, session)}
    if set(marks) - set(expected):
        # A pupil placed elsewhere, or whose placement ended: refuse the whole register.
        raise NotPermitted("You can only mark pupils expected at your provider this session.")
    errors: dict[str | None, list[str]] = {}
    for placement_id, placement in expected.items():
        code = marks.get(placement_id, "")
        if not code:
            errors[f"mark_{placement_id}"] = [f"Choose a mark for {placement.pupil.display_name}."]
        elif code not in codes.BY_CODE or not codes.get(code).provider_may_use:
            errors[f"mark_{placement_id}"] = [
                f"Choose a valid mark for {placement.pupil.display_name}."
            ]
    if errors:
        raise ValidationFailed("Mark every pupil expected this session.", errors)
    current = {
        m.placement_id: m
        for m in AttendanceMark.objects.select_for_update().filter(
            placement_id__in=list(expected), date=day, session=session, is_current=True
        )
    }
    late = now > rules.cutoff_at(day, session)
    changed = {
        pid: code
        for pid, code in marks.items()
        if current.get(pid) is None or current[pid].code != code
    }
    corrections = [pid for pid in changed if pid in current]
    late_new = [pid for pid in changed if pid not in current and late]
    if (corrections or late_new) and not reason.strip():
        why = "change a mark" if corrections else "enter marks after the register closed"
        raise ValidationFailed(
            f"Enter a reason: you are about to {why}.",
            {"reason": [f"Enter why you {why.replace('enter', 'are entering')}."]},
        )
    AttendanceMark.objects.filter(pk__in=[current[pid].pk for pid in corrections]).update(
        is_current=False
    )
    new_marks = []
    for pid, code in changed.items():
        placement = expected[pid]
        new_marks.append(
            AttendanceMark.objects.create(
                placement=placement,
                pupil_id=placement.pupil_id,
                date=day,
                session=session,
                code=code,
                supersedes=current.get(pid),
                reason=reason.strip() if (pid in current or late) else "",
                is_late=late,
                recorded_by=by,
                recorded_at=now,
            )
        )
    submission, _ = RegisterSubmission.objects.get_or_create(
        provider=provider,
        date=day,
        session=session,
        defaults={"submitted_by": by, "submitted_at": now},
    )
    record_event(
        by=by,
        action="register_submitted",
        target=submission,
        organisation=provider,
        summary=f"Register for {day:%-d %B %Y} {session.upper()}: {len(new_marks)} marks",
        changes={"marks": [None, len(new_marks)], "corrections": [None, len(corrections)]},
    )
    for pid in corrections:
        mark = next(m for m in new_marks if m.placement_id == pid)
        record_event(
            by=by,
            action="attendance_corrected",
            target=mark,
            organisation=provider,
            pupil_id=mark.pupil_id,
            summary=f"Attendance for {day:%-d %B %Y} {session.upper()} corrected from "
            f"{current[pid].code} to {mark.code}: {mark.reason}"[:500],
            changes={"code": [current[pid].code, mark.code]},
        )
    alerts = 0
    for mark in new_marks:
        if codes.get(mark.code).needs_follow_up:
            placement = expected[mark.placement_id]
            task = _raise_follow_up(
                placement,
                by=by,
                kind=FollowUpTask.Kind.ABSENCE,
                day=day,
                session=session,
                detail=f"{placement.pupil.display_name} was marked {mark.code} "
                f"({mark.meaning.lower()}) at {placement.provider} on {day:%-d %B %Y} "
                f"({Session(session).label.lower()}).",
            )
            alerts += task is not None
    return RegisterResult(marked=len(new_marks), corrected=len(corrections), alerts=alerts)


@transaction.atomic
def check_registers(*, now: datetime.datetime | None = None) -> int:
    """For each session today whose cut-off has passed, raise a follow-up for every
    expected pupil with no mark. Idempotent: run it as often as you like. Returns how
    many tasks it made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    school_day: dict[int, bool] = {}
    for session in Session.values:
        if now <= rules.cutoff_at(today, session):
            continue
        expected = Placement.objects.filter(
            selectors.active_on(today),
            sessions__weekday=today.weekday(),
            sessions__session=session,
        ).select_related("pupil", "pupil__school", "provider", "named_staff_member")
        marked = set(
            AttendanceMark.objects.filter(date=today, session=session, is_current=True).values_list(
                "placement_id", flat=True
            )
        )
        for placement in expected:
            if placement.pk in marked:
                continue
            school = placement.pupil.school
            if school.pk not in school_day:
                school_day[school.pk] = _is_school_day(today, school)
            if not school_day[school.pk]:
                continue  # a holiday or closure day at the home school: nobody is expected
            task = _raise_follow_up(
                placement,
                by=None,
                kind=FollowUpTask.Kind.REGISTER_MISSING,
                day=today,
                session=session,
                detail=f"{placement.provider} has not marked {placement.pupil.display_name} "
                f"for the {Session(session).label.lower()} of {today:%-d %B %Y} by "
                f"{rules.cutoff_time(session):%H:%M}.",
            )
            made += task is not None
    return made


def _is_school_day(day: datetime.date, school: Any) -> bool:
    """The home school's calendar decides. Where the local authority has no term dates
    for that year, a weekday counts, so a missing calendar never hides an absence."""
    try:
        return is_school_day(day, school=school)
    except TermDatesMissing:
        return True


# --- check-ins --------------------------------------------------------------------


@transaction.atomic
def record_check_in(
    placement: Placement,
    *,
    by: Any,
    week_of: datetime.date,
    engagement: int,
    wellbeing: int,
    behaviour: int,
    comments: str = "",
    child_rating: int | None = None,
    child_words: str = "",
) -> CheckIn:
    placement = Placement.objects.select_related(
        "pupil", "pupil__school", "provider", "named_staff_member"
    ).get(pk=placement.pk)
    if not policies.can_record_check_in(by, placement):
        raise NotPermitted("You cannot record a check-in for this pupil.")
    week = rules.week_start(week_of)
    scores = {"engagement": engagement, "wellbeing": wellbeing, "behaviour": behaviour}
    errors: dict[str | None, list[str]] = {
        name: ["Choose a score from 1 to 5."] for name, v in scores.items() if v not in range(1, 6)
    }
    if child_rating is not None and child_rating not in range(1, 6):
        errors["child_rating"] = ["Choose a score from 1 to 5, or leave it blank."]
    if CheckIn.objects.filter(placement=placement, week_starting=week).exists():
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
        child_rating=child_rating,
        child_words=child_words.strip(),
        recorded_by=by,
        **scores,
    )
    pupil = placement.pupil
    record_event(
        by=by,
        action="check_in_recorded",
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
        _raise_follow_up(
            placement,
            by=by,
            kind=FollowUpTask.Kind.CHECK_IN,
            day=week,
            session="",
            detail=f"{pupil.display_name}'s check-in at {placement.provider} for the week of "
            f"{week:%-d %B %Y}: " + "; ".join(concerns) + ".",
            notify_dsl=False,
        )
    return check_in


# --- visits -----------------------------------------------------------------------


@transaction.atomic
def schedule_visit(placement: Placement, *, by: Any, scheduled_for: datetime.date) -> Visit:
    if not policies.can_record_visit(by, placement):
        raise NotPermitted("You cannot schedule visits for this placement.")
    if placement.status == Placement.Status.ENDED:
        raise TransitionNotAllowed("This placement has ended.")
    if scheduled_for is None:
        raise ValidationFailed(
            "Enter the date of the visit.", {"scheduled_for": ["Enter the date of the visit."]}
        )
    visit = Visit.objects.create(placement=placement, scheduled_for=scheduled_for, scheduled_by=by)
    record_event(
        by=by,
        action="visit_scheduled",
        target=visit,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=f"Visit to {placement.provider} scheduled for {scheduled_for:%-d %B %Y}",
        changes={"scheduled_for": [None, scheduled_for.isoformat()]},
    )
    return visit
