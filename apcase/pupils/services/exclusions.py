"""Suspensions and permanent exclusions: the 45-school-day limit in a school year (each
day counted in the year it falls in), 1 to 3 distinct DfE reason codes, and the
version the user saw."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.reference.census import (
    MAX_EXCLUSION_REASONS,
    MAX_SUSPENSION_DAYS_PER_YEAR,
    ExclusionKind,
    ExclusionReason,
)
from apcase.schooldays.calculator import school_year_label

from .. import selectors
from ..audit import PupilAction
from ..exclusion_days import Suspension, days_by_school_year
from ..models import Exclusion, Pupil
from .records import _fail, _require_editor, save_changes


@dataclass(frozen=True)
class ExclusionDetails:
    """What is recorded of an exclusion, as the form gives it; the services check it."""

    start_date: date
    reasons: Sequence[str]  # 1 to 3 DfE reason codes ("" for none)
    length_days: Any = None  # school days; none for a permanent exclusion
    la_notified_date: date | None = None
    notes: str = ""


def _values(kind: str, details: ExclusionDetails) -> dict[str, Any]:
    """The exclusion's checked fields (ValidationFailed naming the field otherwise)."""
    start_date = _clean_start(details.start_date)
    length = _clean_length(kind, details.length_days)
    codes = _clean_reasons(details.reasons)
    return {
        "start_date": start_date,
        "length_days": length,
        "reason_1": codes[0],
        "reason_2": codes[1],
        "reason_3": codes[2],
        "la_notified_date": details.la_notified_date,
        "notes": details.notes or "",
    }


def _clean_length(kind: str, length: Any) -> Decimal | None:
    if kind == ExclusionKind.PERMANENT:
        return None
    try:
        days = Decimal(str(length))
    except (InvalidOperation, ValueError):
        raise _fail(
            "length_days", "Enter the length in school days, for example 2 or 1.5."
        ) from None
    if days <= 0:
        raise _fail("length_days", "The length must be at least half a day (0.5).")
    if (days * 2) != (days * 2).to_integral_value():
        raise _fail("length_days", "Enter the length in whole or half days, for example 1.5.")
    if days > MAX_SUSPENSION_DAYS_PER_YEAR:
        raise _fail(
            "length_days",
            f"A suspension cannot be longer than {MAX_SUSPENSION_DAYS_PER_YEAR} school days.",
        )
    return days


def _clean_start(start_date: date) -> date:
    """A first day no more than a year ahead: exclusions are recorded when they are
    decided, and school days can only be counted on a calendar that exists."""
    if start_date > timezone.localdate() + timedelta(days=366):
        raise _fail("start_date", "The first day cannot be more than a year from today.")
    return start_date


def _clean_reasons(reasons: Sequence[str]) -> list[str]:
    codes = [code for code in reasons if code]
    if not codes:
        raise _fail("reason_1", "Choose at least one reason for the exclusion.")
    if len(codes) > MAX_EXCLUSION_REASONS:
        raise _fail("reason_1", f"Choose no more than {MAX_EXCLUSION_REASONS} reasons.")
    if len(set(codes)) != len(codes):
        raise _fail("reason_2", "Choose each reason only once.")
    for code in codes:
        if code not in ExclusionReason.values:
            raise _fail("reason_1", f"{code} is not a DfE exclusion reason code.")
    return codes + [""] * (MAX_EXCLUSION_REASONS - len(codes))


def check_suspension_limit(
    pupil: Pupil, *, start_date: date, length: Decimal, exclude_id: int | None = None
) -> None:
    """Refuse a suspension that would take the pupil past 45 school days in any school
    year. Each school day counts in the year it falls in, so a suspension over the
    summer counts partly towards each year (`exclusion_days`)."""
    calendar = selectors.calendar_of(pupil)
    before = selectors.suspension_days_by_year(pupil, calendar=calendar, exclude_id=exclude_id)
    new = days_by_school_year(calendar, [Suspension(0, start_date, length)])
    limit = Decimal(MAX_SUSPENSION_DAYS_PER_YEAR)
    for year, days in sorted(new.days.items()):
        already = before.days.get(year, Decimal("0"))
        if already + days <= limit:
            continue
        remaining = max(limit - already, Decimal("0"))
        label = school_year_label(year)
        message = (
            f"{pupil.display_name} has already been suspended for {already.normalize():f} "
            f"school days in {label}. A pupil may not be suspended for more than "
            f"{MAX_SUSPENSION_DAYS_PER_YEAR} school days in a school year, so no more "
            f"than {remaining.normalize():f} can be recorded"
        )
        if len(new.days) > 1:
            message += (
                f" in {label} (this suspension has {days.normalize():f} of its school days "
                f"in {label})"
            )
        message += "."
        if year in new.provisional_years | before.provisional_years:
            message += (
                f" Term dates for {label} are incomplete, so weekdays were counted as school days."
            )
        raise _fail("length_days", message)


def record_exclusion(*, by: User, pupil: Pupil, kind: str, details: ExclusionDetails) -> Exclusion:
    _require_editor(by, pupil.school)
    if kind not in ExclusionKind.values:
        raise _fail("kind", "Choose suspension or permanent exclusion.")
    values = _values(kind, details)
    start_date, length = values["start_date"], values["length_days"]
    notified = values["la_notified_date"]
    with transaction.atomic():
        locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
        # Under the pupil's lock: a form sent twice (or three times) is recorded once.
        # No constraint can say this, so the service does: one exclusion of a kind per
        # start day; a correction is an edit of the one recorded.
        if Exclusion.objects.filter(pupil=locked, kind=kind, start_date=start_date).exists():
            label = ExclusionKind(kind).label.lower()
            raise _fail(
                "start_date",
                f"A {label} starting on {start_date:%-d %B %Y} is already recorded for "
                f"{locked.display_name}. Change that one if it needs correcting.",
            )
        if length is not None:
            check_suspension_limit(locked, start_date=start_date, length=length)
        exclusion = Exclusion.objects.create(pupil=locked, kind=kind, **values)
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.EXCLUSION_RECORDED,
            target=exclusion,
            changes={
                "kind": [None, kind],
                "start_date": [None, str(start_date)],
                "length_days": [None, None if length is None else str(length)],
                "reasons": [None, ", ".join(c for c in details.reasons if c)],
                "la_notified_date": [None, str(notified) if notified else None],
            },
            summary=f"Recorded {exclusion}",
        )
    return exclusion


def update_exclusion(*, by: User, exclusion: Exclusion, details: ExclusionDetails) -> Exclusion:
    """Correct an exclusion (its kind cannot change: record a new one instead)."""
    pupil = exclusion.pupil
    _require_editor(by, pupil.school)
    values = _values(exclusion.kind, details)
    start_date, length = values["start_date"], values["length_days"]
    with transaction.atomic():
        Pupil.objects.select_for_update().get(pk=pupil.pk)
        if length is not None:
            check_suspension_limit(
                pupil, start_date=start_date, length=length, exclude_id=exclusion.pk
            )
        diff = save_changes(exclusion, values)
        if not diff:
            return exclusion
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.EXCLUSION_CHANGED,
            target=exclusion,
            changes=diff,
            summary=f"Changed {exclusion}",
        )
    return exclusion
