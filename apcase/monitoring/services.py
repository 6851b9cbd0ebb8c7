"""Writes for daily monitoring: registers, same-day follow-ups, check-ins, visits.

Rules:
- A provider marks only pupils expected this session in an active placement with it;
  anyone else is refused whole (nothing is written).
- Marks are append-only: a correction, or a mark entered after the register's cut-off,
  needs a reason and is a new row; the old row is kept and marked superseded.
- A provider records what it observed; only the home school codes an absence
  (code_absence: a new row, the provider's kept). A pupil dual registered at the
  provider is D for the home school whatever happened, so is never coded there.
- A pupil marked absent with no reason given (codes.NEEDS_FOLLOW_UP), or missing from a
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
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.notifications.services import absolute_url, queue_email
from apcase.placements.models import Placement
from apcase.placements.watch import emails_of, named_staff_member_now, stand_in_emails
from apcase.reference import attendance as codes
from apcase.schooldays.calculator import is_expected_day

from . import rules, selectors
from .audit import MonitoringAction
from .models import AttendanceMark, CheckIn, FollowUpTask, RegisterSubmission, Session, Visit

FOLLOW_UP_RAISED: dict[str, MonitoringAction] = {
    FollowUpTask.Kind.ABSENCE: MonitoringAction.FOLLOW_UP_ABSENCE,
    FollowUpTask.Kind.REGISTER_MISSING: MonitoringAction.FOLLOW_UP_REGISTER_MISSING,
    FollowUpTask.Kind.CHECK_IN: MonitoringAction.FOLLOW_UP_CHECK_IN,
}

# --- alerts -----------------------------------------------------------------------


def _dsl_emails(school: Organisation) -> list[str]:
    return emails_of(school, [Role.SCHOOL_DSL])


def _raise_follow_up(
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
        recipients.extend(_dsl_emails(pupil.school))
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


# --- registers --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    marked: int
    corrected: int
    alerts: int


@transaction.atomic
def submit_register(
    *,
    by: User,
    provider: Organisation,
    day: datetime.date,
    session: str,
    marks: dict[int, str],
    minutes_late: dict[int, int | None] | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> RegisterResult:
    """The provider's register: for each expected pupil, what it observed
    (codes.Observation, or the shorthand "/", "L", "N"); minutes_late for a late pupil.
    A provider never gives a statutory code: the home school codes absences
    (code_absence)."""
    now = now or timezone.now()
    _check_register_request(by, provider, day, session, now=now)
    expected = {p.pk: p for p in selectors.expected_placements([provider.pk], day, session)}
    if set(marks) - set(expected):
        # A pupil placed elsewhere, or whose placement ended: refuse the whole register.
        raise NotPermitted("You can only mark pupils expected at your provider this session.")
    seen = _observations(expected, marks, minutes_late or {})
    # One register per provider at a time: a double-submitted register (or two staff
    # saving it at once) waits here for the first to commit, then sees its marks, so an
    # identical second submission changes nothing and a different one needs a reason,
    # instead of both inserting current marks (a 500 on PostgreSQL).
    list(Organisation.objects.select_for_update().filter(pk=provider.pk).values_list("pk"))
    current = {
        m.placement_id: m
        for m in AttendanceMark.objects.select_for_update().filter(
            placement_id__in=list(expected), date=day, session=session, is_current=True
        )
    }
    sheet = _RegisterSheet(
        by=by, provider=provider, day=day, session=session, now=now, current=current
    )
    changed = {
        pid: value
        for pid, value in seen.items()
        if current.get(pid) is None or (current[pid].observed, current[pid].minutes_late) != value
    }
    corrections = [pid for pid in changed if pid in current]
    _check_reason(sheet, changed, corrections, reason)
    new_marks = _write_marks(sheet, expected, changed, corrections, reason.strip())
    _record_register(sheet, new_marks, corrections)
    alerts = _follow_up_absences(sheet, expected, new_marks)
    return RegisterResult(marked=len(new_marks), corrected=len(corrections), alerts=alerts)


@dataclass(frozen=True)
class _RegisterSheet:
    """One register being saved: who, where, which session, when, and its marks so far."""

    by: User
    provider: Organisation
    day: datetime.date
    session: str
    now: datetime.datetime
    current: dict[int, AttendanceMark]

    @property
    def late(self) -> bool:
        """Saved after the register closed (rules.cutoff_at)."""
        return self.now > rules.cutoff_at(self.day, self.session)


def _check_register_request(
    by: User, provider: Organisation, day: datetime.date, session: str, *, now: datetime.datetime
) -> None:
    if not policies.can_take_registers(by) or not (
        policies.roles_in(by, provider) & policies.PROVIDER_ROLES
    ):
        raise NotPermitted("You cannot take this provider's register.")
    if session not in Session.values:
        raise ValidationFailed("Choose the morning or afternoon session.")
    if day > timezone.localdate(now):
        raise ValidationFailed("A register cannot be taken for a day that has not come yet.")


def _observations(
    expected: dict[int, Placement], marks: dict[int, str], minutes_late: dict[int, int | None]
) -> dict[int, tuple[str, int | None]]:
    """What was observed of each expected pupil (and minutes late); ValidationFailed,
    naming each pupil's mark, unless every pupil has a mark that is not a code."""
    errors: dict[str | None, list[str]] = {}
    seen: dict[int, tuple[str, int | None]] = {}
    for placement_id, placement in expected.items():
        name = placement.pupil.display_name
        given = marks.get(placement_id, "")
        observed = codes.SHORTHAND.get(given, given)
        if not given:
            errors[f"mark_{placement_id}"] = [f"Choose a mark for {name}."]
        elif observed not in codes.OBSERVATION_LABELS:
            errors[f"mark_{placement_id}"] = [
                f"Choose what you saw for {name}: present, late, left early or absent. "
                "Only the home school gives an attendance code."
            ]
        elif observed != codes.Observation.LATE:
            seen[placement_id] = (observed, None)
        elif (late_by := minutes_late.get(placement_id)) is not None and 1 <= late_by <= 240:
            seen[placement_id] = (observed, late_by)
        else:
            errors[f"minutes_{placement_id}"] = [
                f"Enter how many minutes late {name} was, from 1 to 240."
            ]
    if errors:
        raise ValidationFailed("Mark every pupil expected this session.", errors)
    return seen


def _check_reason(
    sheet: _RegisterSheet, changed: dict[int, Any], corrections: list[int], reason: str
) -> None:
    """A changed mark, or a new one after the register closed, needs a reason."""
    late = sheet.late
    late_new = [pid for pid in changed if pid not in sheet.current and late]
    if (corrections or late_new) and not reason.strip():
        why = "change a mark" if corrections else "enter marks after the register closed"
        raise ValidationFailed(
            f"Enter a reason: you are about to {why}.",
            {"reason": [f"Enter why you {why.replace('enter', 'are entering')}."]},
        )


def _write_marks(
    sheet: _RegisterSheet,
    expected: dict[int, Placement],
    changed: dict[int, tuple[str, int | None]],
    corrections: list[int],
    reason: str,
) -> list[AttendanceMark]:
    """The new current marks; a corrected mark stays, superseded."""
    current, late = sheet.current, sheet.late
    AttendanceMark.objects.filter(pk__in=[current[pid].pk for pid in corrections]).update(
        is_current=False
    )
    return [
        AttendanceMark.objects.create(
            placement=expected[pid],
            pupil_id=expected[pid].pupil_id,
            date=sheet.day,
            session=sheet.session,
            observed=observed,
            minutes_late=late_by,
            supersedes=current.get(pid),
            reason=reason if (pid in current or late) else "",
            is_late=late,
            recorded_by=sheet.by,
            recorded_at=sheet.now,
        )
        for pid, (observed, late_by) in changed.items()
    ]


def _record_register(
    sheet: _RegisterSheet, new_marks: list[AttendanceMark], corrections: list[int]
) -> None:
    """The submission, its audit event, and one event for each corrected mark."""
    day, session = sheet.day, sheet.session
    submission, _ = RegisterSubmission.objects.get_or_create(
        provider=sheet.provider,
        date=day,
        session=session,
        defaults={"submitted_by": sheet.by, "submitted_at": sheet.now},
    )
    record_event(
        by=sheet.by,
        action=MonitoringAction.REGISTER_SUBMITTED,
        target=submission,
        organisation=sheet.provider,
        summary=f"Register for {day:%-d %B %Y} {session.upper()}: {len(new_marks)} marks",
        changes={"marks": [None, len(new_marks)], "corrections": [None, len(corrections)]},
    )
    for pid in corrections:
        mark = next(m for m in new_marks if m.placement_id == pid)
        before = sheet.current[pid]
        record_event(
            by=sheet.by,
            action=MonitoringAction.ATTENDANCE_CORRECTED,
            target=mark,
            organisation=sheet.provider,
            pupil_id=mark.pupil_id,
            summary=f"Attendance for {day:%-d %B %Y} {session.upper()} corrected from "
            f"{before.observed_label} to {mark.observed_label}: {mark.reason}"[:500],
            changes={"observed": [before.observed or before.code, mark.observed]},
        )


def _follow_up_absences(
    sheet: _RegisterSheet, expected: dict[int, Placement], new_marks: list[AttendanceMark]
) -> int:
    """A follow-up task for each absence with no reason; how many were raised."""
    alerts = 0
    for mark in new_marks:
        if mark.observed in codes.NEEDS_FOLLOW_UP:
            # Dual registered or not: nobody knows where the child is.
            placement = expected[mark.placement_id]
            task = _raise_follow_up(
                placement,
                by=sheet.by,
                kind=FollowUpTask.Kind.ABSENCE,
                day=sheet.day,
                session=sheet.session,
                detail=f"{placement.pupil.display_name} was absent with no reason given "
                f"at {placement.provider} on {sheet.day:%-d %B %Y} "
                f"({Session(sheet.session).label.lower()}).",
            )
            alerts += task is not None
    return alerts


@transaction.atomic
def check_registers(*, now: datetime.datetime | None = None) -> int:
    """For each session whose cut-off has passed, today and on the days before it
    (rules.register_lookback_days, so a run missed while the server was down is made
    up), raise a follow-up for every expected pupil with no mark, unless the home
    school's calendar says it was closed. Idempotent: run it as often as you like.
    Returns how many tasks it made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    open_day: dict[tuple[int, datetime.date], bool] = {}
    for back in range(rules.register_lookback_days(), -1, -1):
        day = today - datetime.timedelta(days=back)
        for session in Session.values:
            if now <= rules.cutoff_at(day, session):
                continue
            marked = set(
                AttendanceMark.objects.filter(
                    date=day, session=session, is_current=True
                ).values_list("placement_id", flat=True)
            )
            cutoff = rules.cutoff_at(day, session)
            for placement in selectors.all_expected_placements(day, session):
                if placement.pk in marked:
                    continue
                if placement.started_at is not None and placement.started_at > cutoff:
                    continue  # it began after this register closed (an emergency at 14:30)
                school = placement.pupil.school
                if (school.pk, day) not in open_day:
                    open_day[school.pk, day] = _is_school_day(day, school)
                if not open_day[school.pk, day]:
                    continue  # a holiday or closure day at the home school
                task = _raise_follow_up(
                    placement,
                    by=None,
                    kind=FollowUpTask.Kind.REGISTER_MISSING,
                    day=day,
                    session=session,
                    detail=f"{placement.provider} has not marked "
                    f"{placement.pupil.display_name} for the {Session(session).label.lower()} "
                    f"of {day:%-d %B %Y} by {rules.cutoff_time(session):%H:%M}.",
                )
                made += task is not None
    return made


def _is_school_day(day: datetime.date, school: Organisation) -> bool:
    """The home school's calendar decides. Where the local authority has not entered
    every term of that school year, every weekday that is not a closure day counts, so a
    missing or partly entered calendar never hides an absence."""
    return is_expected_day(day, school=school)


# --- check-ins --------------------------------------------------------------------


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
    child_rating: int | None = None,
    child_words: str = "",
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
        _raise_follow_up(
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


# --- visits -----------------------------------------------------------------------


@transaction.atomic
def schedule_visit(placement: Placement, *, by: User, scheduled_for: datetime.date) -> Visit:
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
        action=MonitoringAction.VISIT_SCHEDULED,
        target=visit,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=f"Visit to {placement.provider} scheduled for {scheduled_for:%-d %B %Y}",
        changes={"scheduled_for": [None, scheduled_for.isoformat()]},
    )
    return visit


# --- the home school codes absences -------------------------------------------------


@transaction.atomic
def code_absence(
    mark: AttendanceMark,
    *,
    by: User,
    code: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> AttendanceMark:
    """The home school gives the statutory code to an absence the provider reported
    (School Attendance (Pupil Registration) (England) Regulations 2024, reg 11: only the
    school authorises absence). A new row supersedes the provider's, which is kept;
    changing a code the school already gave needs a note of why."""
    now = now or timezone.now()
    mark = (
        AttendanceMark.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__pupil", "placement__pupil__school")
        .get(pk=mark.pk)
    )
    placement = mark.placement
    if not policies.can_code_attendance_of(by, placement):
        raise NotPermitted("You cannot code this pupil's attendance.")
    if not mark.is_current:
        raise ValidationFailed(
            "This mark has changed since you opened it. Look at the current mark and try again."
        )
    if not mark.is_absence:
        raise ValidationFailed("Only an absence the provider reported is coded by the school.")
    if placement.dual_registered:
        raise ValidationFailed(
            f"{placement.pupil.display_name} is dual registered at {placement.provider}: "
            "every session there is D for the home school, and that school codes it."
        )
    chosen = codes.BY_CODE.get(code)
    if chosen is None or not chosen.for_absence:
        raise ValidationFailed("Choose a code.", {"code": ["Choose the code for this absence."]})
    if mark.code == code:
        raise ValidationFailed(
            f"This absence is already coded {code}.", {"code": [f"It is already coded {code}."]}
        )
    if mark.code and not note.strip():
        raise ValidationFailed(
            "Enter why the code changes.",
            {"note": [f"Enter why you are changing the code from {mark.code} to {code}."]},
        )
    before = mark.home_code
    AttendanceMark.objects.filter(pk=mark.pk).update(is_current=False)
    coded = AttendanceMark.objects.create(
        placement=placement,
        pupil_id=mark.pupil_id,
        date=mark.date,
        session=mark.session,
        observed=mark.observed,
        minutes_late=mark.minutes_late,
        code=code,
        coded_by=by,
        supersedes=mark,
        reason=note.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    record_event(
        by=by,
        action=MonitoringAction.ATTENDANCE_CODED,
        target=coded,
        organisation=placement.pupil.school,
        pupil_id=mark.pupil_id,
        summary=f"Absence on {mark.date:%-d %B %Y} ({Session(mark.session).label.lower()}) "
        f"coded {code} ({chosen.meaning.lower()})" + (f": {note.strip()}" if note else ""),
        changes={"code": [before, code]},
    )
    return coded
