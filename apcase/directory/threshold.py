"""The registration threshold for unregistered providers.

A provider that teaches 5 or more pupils of compulsory school age full time, or one such
pupil who is looked after or has an EHC plan, must register as an independent school
(Education and Skills Act 2008 s92 as amended; DfE AP guidance). apcase warns before a
placement would take an unregistered provider to that line.

The counting is written against any queryset of placements, so the placements app plugs
in by passing its own queryset and a `PlacementFields` naming its lookups; until then the
function is exercised with plain data. Compulsory school age (Education Act 1996 s8 and
the Education (Start of Compulsory School Age) Order 1998): from the 31 December,
31 March or 31 August on or after the child's 5th birthday, to the last Friday in June
of the school year in which they turn 16.
"""

import calendar
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from apcase.accounts.models import Organisation

from .assurance import is_unregistered


def full_time_pupil_limit() -> int:
    return int(getattr(settings, "APCASE_REGISTRATION_FULL_TIME_PUPILS", 5))


def full_time_lac_or_ehc_limit() -> int:
    return int(getattr(settings, "APCASE_REGISTRATION_FULL_TIME_LAC_OR_EHC", 1))


def _last_friday_in_june(year: int) -> date:
    last = date(year, 6, 30)
    return date(year, 6, 30 - (last.weekday() - calendar.FRIDAY) % 7)


def _latest_prescribed_day(on: date) -> date:
    """The latest 31 Dec / 31 Mar / 31 Aug on or before `on`."""
    candidates = [
        date(on.year, 3, 31),
        date(on.year, 8, 31),
        date(on.year, 12, 31),
        date(on.year - 1, 12, 31),
        date(on.year - 1, 8, 31),
    ]
    return max(d for d in candidates if d <= on)


def compulsory_age_birth_dates(on: date) -> tuple[date, date]:
    """(born after, born on or before): a child is of compulsory school age on `on`
    exactly when born_after < date of birth <= born_by."""
    prescribed = _latest_prescribed_day(on)
    born_by = prescribed.replace(year=prescribed.year - 5)
    last_school_year_ended = on.year if _last_friday_in_june(on.year) < on else on.year - 1
    born_after = date(last_school_year_ended - 16, 8, 31)
    return born_after, born_by


def is_compulsory_school_age(date_of_birth: date, *, on: date) -> bool:
    born_after, born_by = compulsory_age_birth_dates(on)
    return born_after < date_of_birth <= born_by


@dataclass(frozen=True)
class PlacementFields:
    """How to read the threshold's facts from a placements queryset: lookups for the
    provider, the pupil and the date of birth, and conditions (Q objects) for a
    full-time placement, a looked-after pupil and a pupil with an EHC plan. The
    defaults suit placements.Placement with pupils.Pupil; pass your own if they differ."""

    provider: str = "provider"
    pupil: str = "pupil"
    date_of_birth: str = "pupil__date_of_birth"
    # 10 sessions a week (every morning and afternoon) is full time.
    full_time: Q = field(default_factory=lambda: Q(sessions_per_week__gte=10))
    looked_after: Q = field(default_factory=lambda: Q(pupil__looked_after=True))
    ehc_plan: Q = field(default_factory=lambda: Q(pupil__sen_status="E"))


@dataclass(frozen=True)
class PlacedPupil:
    """One current placement at the provider, as plain data."""

    pupil_id: int
    date_of_birth: date
    full_time: bool
    looked_after: bool = False
    ehc_plan: bool = False


@dataclass(frozen=True)
class PupilFacts:
    """The facts about a pupil a new placement would bring."""

    date_of_birth: date
    full_time: bool
    looked_after: bool = False
    ehc_plan: bool = False


@dataclass(frozen=True)
class ThresholdCount:
    full_time_pupils: int
    full_time_lac_or_ehc: int
    applies: bool  # only unregistered providers must register

    @property
    def reached(self) -> bool:
        return self.applies and (
            self.full_time_pupils >= full_time_pupil_limit()
            or self.full_time_lac_or_ehc >= full_time_lac_or_ehc_limit()
        )

    def with_pupil(self, pupil: PupilFacts, *, on: date) -> "ThresholdCount":
        counts = pupil.full_time and is_compulsory_school_age(pupil.date_of_birth, on=on)
        return ThresholdCount(
            full_time_pupils=self.full_time_pupils + int(counts),
            full_time_lac_or_ehc=self.full_time_lac_or_ehc
            + int(counts and (pupil.looked_after or pupil.ehc_plan)),
            applies=self.applies,
        )

    @property
    def message(self) -> str:
        return (
            f"This unregistered provider teaches {self.full_time_pupils} full-time "
            f"pupil{'s' if self.full_time_pupils != 1 else ''} of compulsory school age "
            f"({self.full_time_lac_or_ehc} looked after or with an EHC plan). A provider "
            f"with {full_time_pupil_limit()} or more such pupils, or "
            f"{full_time_lac_or_ehc_limit()} who is looked after or has an EHC plan, must "
            "register as an independent school."
        )


def count_for_threshold(
    provider: Organisation,
    placements: QuerySet[Any],
    *,
    on: date,
    fields: PlacementFields = PlacementFields(),  # noqa: B008 - frozen, immutable
) -> ThresholdCount:
    """Count the current full-time placements of compulsory-school-age pupils at
    `provider` in `placements` (the caller passes only placements current on `on`).
    Each pupil counts once, however many placements they have there."""
    born_after, born_by = compulsory_age_birth_dates(on)
    rows = (
        placements.filter(fields.full_time)
        .filter(
            **{
                fields.provider: provider,
                f"{fields.date_of_birth}__gt": born_after,
                f"{fields.date_of_birth}__lte": born_by,
            }
        )
        .aggregate(
            pupils=Count(fields.pupil, distinct=True),
            lac_or_ehc=Count(
                fields.pupil, distinct=True, filter=fields.looked_after | fields.ehc_plan
            ),
        )
    )
    return ThresholdCount(
        full_time_pupils=rows["pupils"] or 0,
        full_time_lac_or_ehc=rows["lac_or_ehc"] or 0,
        applies=is_unregistered(provider),
    )


def count_placed_pupils(
    placed: Iterable[PlacedPupil], *, unregistered: bool, on: date
) -> ThresholdCount:
    """The same count as `count_for_threshold`, over plain data."""
    pupils: set[int] = set()
    lac_or_ehc: set[int] = set()
    for p in placed:
        if p.full_time and is_compulsory_school_age(p.date_of_birth, on=on):
            pupils.add(p.pupil_id)
            if p.looked_after or p.ehc_plan:
                lac_or_ehc.add(p.pupil_id)
    return ThresholdCount(
        full_time_pupils=len(pupils), full_time_lac_or_ehc=len(lac_or_ehc), applies=unregistered
    )


def warning_for_new_placement(
    provider: Organisation,
    placements: QuerySet[Any],
    pupil: PupilFacts,
    *,
    on: date,
    fields: PlacementFields = PlacementFields(),  # noqa: B008
) -> str | None:
    """The warning to show before a placement that would take an unregistered provider
    to (or keep it over) the registration threshold; None when there is nothing to say."""
    after = count_for_threshold(provider, placements, on=on, fields=fields).with_pupil(pupil, on=on)
    return after.message if after.reached else None


# The placements app provides `current_placements_for_threshold(on) -> (queryset, fields)`
# in apcase/placements/selectors.py; until it exists the directory shows no count.
PLACEMENTS_HOOK = "apcase.placements.selectors"


def placements_source() -> Callable[..., tuple[QuerySet[Any], PlacementFields]] | None:
    try:
        module = importlib.import_module(PLACEMENTS_HOOK)
    except ModuleNotFoundError:
        return None
    return getattr(module, "current_placements_for_threshold", None)


def threshold_for(provider: Organisation, *, on: date) -> ThresholdCount | None:
    source = placements_source()
    if source is None or not is_unregistered(provider):
        return None
    queryset, fields = source(on)
    return count_for_threshold(provider, queryset, on=on, fields=fields)
