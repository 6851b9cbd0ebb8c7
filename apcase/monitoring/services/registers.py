"""The provider's registers, and the follow-ups for absences and missing registers."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.core.words import counted, govuk_time
from apcase.placements.models import Placement
from apcase.reference import attendance as codes
from apcase.schooldays.calculator import is_expected_day

from .. import rules, selectors
from ..audit import MonitoringAction
from ..models import AttendanceMark, FollowUpTask, RegisterSubmission, Session
from .alerts import raise_follow_up

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


def check_can_take_register(by: User, provider: Organisation) -> None:
    """NotPermitted unless `by` takes registers at `provider` (its staff or manager)."""
    if not policies.can_take_registers(by) or not (
        policies.roles_in(by, provider) & policies.PROVIDER_ROLES
    ):
        raise NotPermitted("You cannot take this provider's register.")


def _check_register_request(
    by: User, provider: Organisation, day: datetime.date, session: str, *, now: datetime.datetime
) -> None:
    check_can_take_register(by, provider)
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
        elif observed not in codes.Observation.values:
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
        summary=f"Register for {day:%-d %B %Y} {session.upper()}: {counted(len(new_marks), 'mark')}",
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
            task = follow_up_absence(
                expected[mark.placement_id], by=sheet.by, day=sheet.day, session=sheet.session
            )
            alerts += task is not None
    return alerts


def follow_up_absence(
    placement: Placement, *, by: User | None, day: datetime.date, session: str
) -> FollowUpTask | None:
    """The follow-up of an absence with no reason given (None: it exists already)."""
    return raise_follow_up(
        placement,
        by=by,
        kind=FollowUpTask.Kind.ABSENCE,
        day=day,
        session=session,
        detail=f"{placement.pupil.display_name} was absent with no reason given "
        f"at {placement.provider} on {day:%-d %B %Y} ({Session(session).label.lower()}).",
    )


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
                task = raise_follow_up(
                    placement,
                    by=None,
                    kind=FollowUpTask.Kind.REGISTER_MISSING,
                    day=day,
                    session=session,
                    detail=f"{placement.provider} has not marked "
                    f"{placement.pupil.display_name} for the {Session(session).label.lower()} "
                    f"of {day:%-d %B %Y} by {govuk_time(rules.cutoff_time(session))}.",
                )
                made += task is not None
    return made


def _is_school_day(day: datetime.date, school: Organisation) -> bool:
    """The home school's calendar decides. Where the local authority has not entered
    every term of that school year, every weekday that is not a closure day counts, so a
    missing or partly entered calendar never hides an absence."""
    return is_expected_day(day, school=school)
