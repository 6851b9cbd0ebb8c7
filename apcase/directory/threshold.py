"""The registration threshold for unregistered providers.

A provider that is not a registered school must register as an independent school if
it provides full-time education for 5 or more pupils of compulsory school age, or for
1 such pupil who is looked after or has an EHC plan (Education Act 1996 s463, as
substituted by Education Act 2002 s172; Education and Skills Act 2008 s92). apcase
warns before a placement would take an unregistered provider to that line, and the
local authority's home page lists providers at it or one pupil short of it.

Full time means more than APCASE_FULL_TIME_HOURS_ABOVE (18) hours a week of taught time
(the DfE's answer to parliamentary question HL5450 and its guidance on registering an
independent school), added up from the placement's weekly timetable — not "every
session". Fail safe: a placement with no timetable, and an emergency placement whose
full plan is not agreed yet (it is watched every weekday), count as full time, and the
warning says how many were counted that way.

Every open placement counts (planned or active, not ended), whatever its dates: a
planned placement will be taught there, and one past its planned end date is still
being taught there until it is ended.

Compulsory school age (Education Act 1996 s8 and the Education (Start of Compulsory
School Age) Order 1998): from the 31 December, 31 March or 31 August on or after the
child's 5th birthday, to the last Friday in June of the school year in which they
turn 16.

The placements app supplies the open placements (`current_placements_for_threshold` in
apcase/placements/selectors.py), each annotated with its weekly `taught_hours` (null
when unknown); this module holds the rule.

Callers: `warning_for_new_placement(provider, pupil, ...)` before a placement is
decided or arranged (panel decision, emergency form), `warning_for_placement(placement)`
on a placement's plan, `threshold_for(provider)` on the directory page and
`providers_near_threshold(...)` for the LA home page.
"""

import calendar
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apcase.accounts.models import Organisation
from apcase.core.words import counted

from .assurance import is_unregistered

if TYPE_CHECKING:
    from apcase.placements.models import Placement
    from apcase.pupils.models import Pupil


def full_time_pupil_limit() -> int:
    return int(getattr(settings, "APCASE_REGISTRATION_FULL_TIME_PUPILS", 5))


def full_time_lac_or_ehc_limit() -> int:
    return int(getattr(settings, "APCASE_REGISTRATION_FULL_TIME_LAC_OR_EHC", 1))


def full_time_hours_above() -> Decimal:
    return Decimal(str(getattr(settings, "APCASE_FULL_TIME_HOURS_ABOVE", 18)))


def is_full_time(taught_hours: Decimal | None) -> bool:
    """More than the full-time line of taught hours a week; unknown hours count as full
    time (fail safe)."""
    return taught_hours is None or taught_hours > full_time_hours_above()


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


def _full_time_q() -> Q:
    return Q(taught_hours__isnull=True) | Q(taught_hours__gt=full_time_hours_above())


@dataclass(frozen=True)
class PlacementFields:
    """How to read the threshold's facts from a placements queryset: lookups for the
    provider, the pupil and the date of birth, and conditions (Q objects) for a
    full-time placement, one whose hours are unknown, a looked-after pupil and a pupil
    with an EHC plan. The defaults suit placements.Placement annotated with
    `taught_hours` (a weekly total, null when there is no timetable to go on)."""

    provider: str = "provider"
    pupil: str = "pupil"
    date_of_birth: str = "pupil__date_of_birth"
    full_time: Q = field(default_factory=_full_time_q)
    hours_unknown: Q = field(default_factory=lambda: Q(taught_hours__isnull=True))
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
    hours_unknown: bool = False

    @classmethod
    def of(cls, pupil: "Pupil", *, taught_hours: Decimal | None = None) -> "PupilFacts":
        """From a pupils.Pupil and the weekly taught hours planned (None: unknown)."""
        return cls(
            date_of_birth=pupil.date_of_birth,
            full_time=is_full_time(taught_hours),
            looked_after=bool(pupil.looked_after),
            ehc_plan=pupil.sen_status == "E",
            hours_unknown=taught_hours is None,
        )


@dataclass(frozen=True)
class ThresholdCount:
    full_time_pupils: int
    full_time_lac_or_ehc: int
    applies: bool  # only unregistered providers must register
    hours_unknown: int = 0  # of the full-time pupils, how many only because unknown
    provider_name: str = "This provider"

    @property
    def reached(self) -> bool:
        return self.applies and (
            self.full_time_pupils >= full_time_pupil_limit()
            or self.full_time_lac_or_ehc >= full_time_lac_or_ehc_limit()
        )

    @property
    def one_short(self) -> bool:
        """Not there yet, but one more full-time pupil of compulsory school age would
        take it there."""
        return (
            self.applies
            and not self.reached
            and self.full_time_pupils + 1 >= full_time_pupil_limit()
        )

    def with_pupil(self, pupil: PupilFacts, *, on: date) -> "ThresholdCount":
        counts = pupil.full_time and is_compulsory_school_age(pupil.date_of_birth, on=on)
        return ThresholdCount(
            full_time_pupils=self.full_time_pupils + int(counts),
            full_time_lac_or_ehc=self.full_time_lac_or_ehc
            + int(counts and (pupil.looked_after or pupil.ehc_plan)),
            applies=self.applies,
            hours_unknown=self.hours_unknown + int(counts and pupil.hours_unknown),
            provider_name=self.provider_name,
        )

    @property
    def count_text(self) -> str:
        n = self.full_time_pupils
        text = (
            f"{self.provider_name} is not a registered school and teaches "
            f"{counted(n, 'full-time pupil')} of compulsory school age "
            f"({self.full_time_lac_or_ehc} looked after or with an EHC plan)."
        )
        if self.hours_unknown:
            text += (
                f" {self.hours_unknown} of them "
                f"{'is' if self.hours_unknown == 1 else 'are'} counted as full time because "
                "there is no agreed timetable to count their hours from."
            )
        return text

    @property
    def rule_text(self) -> str:
        return (
            f"A provider that teaches {full_time_pupil_limit()} or more such pupils full "
            f"time, or {full_time_lac_or_ehc_limit()} who is looked after or has an EHC "
            "plan, must register as an independent school. Full time means more than "
            f"{full_time_hours_above():g} hours a week of taught time."
        )

    @property
    def message(self) -> str:
        if self.reached:
            status = "It has reached the registration threshold."
        elif self.one_short:
            status = "One more full-time pupil would take it to the registration threshold."
        else:
            status = "It is below the registration threshold."
        return f"{self.count_text} {status} {self.rule_text}"


def count_for_threshold(
    provider: Organisation,
    placements: QuerySet[Any],
    *,
    on: date,
    fields: PlacementFields | None = None,
) -> ThresholdCount:
    """Count the open full-time placements of compulsory-school-age pupils at `provider`
    in `placements`. Each pupil counts once, however many placements they have there."""
    fields = fields or PlacementFields()
    rows = _counted(placements, on=on, fields=fields).filter(**{fields.provider: provider})
    totals = rows.aggregate(**_aggregates(fields))
    return _count(totals, applies=is_unregistered(provider), name=provider.name)


def _counted(placements: QuerySet[Any], *, on: date, fields: PlacementFields) -> QuerySet[Any]:
    born_after, born_by = compulsory_age_birth_dates(on)
    return placements.filter(fields.full_time).filter(
        **{f"{fields.date_of_birth}__gt": born_after, f"{fields.date_of_birth}__lte": born_by}
    )


def _aggregates(fields: PlacementFields) -> dict[str, Any]:
    return {
        "pupils": Count(fields.pupil, distinct=True),
        "lac_or_ehc": Count(
            fields.pupil, distinct=True, filter=fields.looked_after | fields.ehc_plan
        ),
        "unknown": Count(fields.pupil, distinct=True, filter=fields.hours_unknown),
    }


def _count(totals: dict[str, Any], *, applies: bool, name: str) -> ThresholdCount:
    return ThresholdCount(
        full_time_pupils=totals.get("pupils") or 0,
        full_time_lac_or_ehc=totals.get("lac_or_ehc") or 0,
        applies=applies,
        hours_unknown=totals.get("unknown") or 0,
        provider_name=name,
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


def warning_with_pupil(
    provider: Organisation,
    placements: QuerySet[Any],
    pupil: PupilFacts,
    *,
    on: date,
    fields: PlacementFields | None = None,
) -> str | None:
    """The warning for adding `pupil` to the placements counted in `placements`; None
    when the provider would stay below the threshold (or is registered)."""
    return _warning_text(
        count_for_threshold(provider, placements, on=on, fields=fields), pupil, on=on
    )


def _warning_text(before: ThresholdCount, pupil: PupilFacts, *, on: date) -> str | None:
    after = before.with_pupil(pupil, on=on)
    if not after.reached:
        return None
    if after.full_time_pupils == before.full_time_pupils:
        # This pupil would not count (part time, or not of compulsory school age), but
        # the provider is over the line already.
        return (
            f"Registration threshold: {before.count_text} It has reached the registration "
            f"threshold. {before.rule_text}"
        )
    why = (
        "this pupil is looked after or has an EHC plan"
        if (pupil.looked_after or pupil.ehc_plan)
        and after.full_time_lac_or_ehc >= full_time_lac_or_ehc_limit()
        else f"it would teach {after.full_time_pupils} full-time pupils of compulsory school age"
    )
    hours = (
        " This placement has no agreed timetable yet, so it is counted as full time."
        if pupil.hours_unknown
        else f" This placement is more than {full_time_hours_above():g} taught hours a week,"
        " so it is full time."
    )
    return (
        f"Registration threshold: {before.count_text} With this placement it would have to "
        f"register as an independent school, because {why}.{hours} {before.rule_text}"
    )


# --- where the placements come from --------------------------------------------------

# The placements app provides `current_placements_for_threshold(on) -> (queryset, fields)`
# in apcase/placements/selectors.py; the directory has no import-time dependency on it.
PLACEMENTS_HOOK = "apcase.placements.selectors"


def placements_source() -> Callable[..., tuple[QuerySet[Any], PlacementFields]] | None:
    try:
        module = importlib.import_module(PLACEMENTS_HOOK)
    except ModuleNotFoundError:
        return None
    return getattr(module, "current_placements_for_threshold", None)


def _open_placements(on: date) -> tuple[QuerySet[Any], PlacementFields]:
    source = placements_source()
    if source is None:  # pragma: no cover - the placements app is always installed
        raise RuntimeError("The placements app does not provide the threshold's placements.")
    return source(on)


def threshold_for(provider: Organisation, *, on: date | None = None) -> ThresholdCount | None:
    """The provider's count; None for a registered provider (the rule does not apply)."""
    if not is_unregistered(provider):
        return None
    on = on or timezone.localdate()
    queryset, fields = _open_placements(on)
    return count_for_threshold(provider, queryset, on=on, fields=fields)


def warning_for_new_placement(
    provider: Organisation,
    pupil: "Pupil",
    *,
    taught_hours: Decimal | None = None,
    on: date | None = None,
) -> str | None:
    """The warning to show before `pupil` (a pupils.Pupil) is placed at `provider`, or
    None when there is nothing to say. `taught_hours` is the planned weekly taught time
    if a timetable is known; leave it None (counted as full time) when it is not, e.g.
    on a panel decision or an emergency placement. The pupil's own open placements are
    left out of the count first, so a placement being changed is not counted twice."""
    found = warnings_for_pupil([provider], pupil, taught_hours=taught_hours, on=on)
    return found[0][1] if found else None


def warnings_for_pupil(
    providers: Iterable[Organisation],
    pupil: "Pupil",
    *,
    taught_hours: Decimal | None = None,
    on: date | None = None,
) -> list[tuple[Organisation, str]]:
    """(provider, warning) for each of `providers` that placing `pupil` there would take
    to (or keep over) the registration threshold, in one query: for a page that offers
    a choice of providers, such as the panel's decision."""
    on = on or timezone.localdate()
    ids = [p.pk for p in providers]
    unregistered = [
        p
        for p in Organisation.objects.filter(pk__in=ids).select_related("provider_profile")
        if is_unregistered(p)
    ]
    if not unregistered:
        return []
    queryset, fields = _open_placements(on)
    by_id = {p.pk: p for p in unregistered}
    rows = {
        row[fields.provider]: row
        for row in _counted(queryset.exclude(**{fields.pupil: pupil}), on=on, fields=fields)
        .filter(**{f"{fields.provider}__in": list(by_id)})
        .order_by()
        .values(fields.provider)
        .annotate(**_aggregates(fields))
    }
    facts = PupilFacts.of(pupil, taught_hours=taught_hours)
    found = []
    for provider in sorted(unregistered, key=lambda p: p.name):
        before = _count(rows.get(provider.pk, {}), applies=True, name=provider.name)
        message = _warning_text(before, facts, on=on)
        if message:
            found.append((provider, message))
    return found


def warning_for_placement(placement: "Placement", *, on: date | None = None) -> str | None:
    """The warning for an open placement (e.g. on its plan page), from its timetable:
    its taught hours if it has a timetable, full time if not or if it is an emergency
    placement whose full plan is not agreed yet."""
    sessions = list(placement.sessions.all())
    unknown = not sessions or (placement.is_emergency and placement.full_plan_agreed_on is None)
    hours = None if unknown else sum((s.taught_hours for s in sessions), Decimal(0))
    return warning_for_new_placement(placement.provider, placement.pupil, taught_hours=hours, on=on)


@dataclass(frozen=True)
class ProviderThreshold:
    provider: Organisation
    count: ThresholdCount


def providers_near_threshold(
    providers: QuerySet[Organisation], *, on: date | None = None
) -> list[ProviderThreshold]:
    """Of `providers`, the unregistered ones at the threshold or one full-time pupil
    short of it, at the threshold first."""
    on = on or timezone.localdate()
    unregistered = [p for p in providers.select_related("provider_profile") if is_unregistered(p)]
    if not unregistered:
        return []
    queryset, fields = _open_placements(on)
    by_id = {p.pk: p for p in unregistered}
    rows = (
        _counted(queryset, on=on, fields=fields)
        .filter(**{f"{fields.provider}__in": list(by_id)})
        .order_by()
        .values(fields.provider)
        .annotate(**_aggregates(fields))
    )
    found = []
    for row in rows:
        provider = by_id[row[fields.provider]]
        count = _count(row, applies=True, name=provider.name)
        if count.reached or count.one_short:
            found.append(ProviderThreshold(provider, count))
    return sorted(found, key=lambda t: (not t.count.reached, t.provider.name))
