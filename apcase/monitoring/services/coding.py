"""The home school's code for an absence the provider reported."""

import datetime

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.reference import attendance as codes

from ..audit import MonitoringAction
from ..models import AttendanceMark, Session

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
