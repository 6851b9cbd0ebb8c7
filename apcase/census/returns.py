"""The school's return for the census module "alternative provision placements arranged
by schools": one record per placement in the collection period, and the checks the
census makes of each record before it is sent, in the census's own terms.

Items (DfE school census guide): exactly one of the provider's URN, its UKPRN, or, for
a provider with neither, its AP setting type; the entry date; the leaving date (blank
while the pupil still attends); the primary reason for placement; the attendance
pattern and sessions per week."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from apcase.placements.models import Placement
from apcase.reference.census import (
    FULL_TIME_SESSIONS_PER_WEEK,
    APAttendancePattern,
    APPlacementReason,
)

from .dates import Census

COLUMNS = (
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "URN",
    "UKPRN",
    "AP setting type",
    "Entry date",
    "Leaving date",
    "Primary reason for placement",
    "Attendance pattern",
    "Sessions per week",
)


@dataclass(frozen=True)
class Problem:
    """One check the record fails, and where to put it right."""

    placement: Placement
    message: str
    fix_label: str
    fix_url: str


@dataclass(frozen=True)
class Identity:
    urn: int | None
    ukprn: int | None
    setting_type: str


def identity_of(placement: Placement) -> Identity:
    """Exactly one of URN, UKPRN, AP setting type: the first the provider has."""
    provider = placement.provider
    if provider.urn:
        return Identity(provider.urn, None, "")
    if provider.ukprn:
        return Identity(None, provider.ukprn, "")
    profile = getattr(provider, "provider_profile", None)
    return Identity(None, None, profile.ap_setting_type if profile else "")


def leaving_date(placement: Placement, census: Census) -> datetime.date | None:
    """The last day at the provider, if that was within the collection period."""
    if placement.ended_on and placement.ended_on <= census.period_end:
        return placement.ended_on
    return None


def left_roll_on(placement: Placement) -> datetime.date | None:
    leaving = getattr(placement.pupil, "census_roll_leaving", None)
    return leaving.left_on if leaving else None


def reason_of(placement: Placement) -> str:
    found = getattr(placement, "census_reason", None)
    return found.reason if found else ""


def pattern_of(placement: Placement) -> str:
    if placement.sessions_per_week >= FULL_TIME_SESSIONS_PER_WEEK:
        return APAttendancePattern.FULL_TIME
    return APAttendancePattern.PART_TIME


def row_of(placement: Placement, census: Census) -> tuple[object, ...]:
    pupil = placement.pupil
    who = identity_of(placement)
    return (
        pupil.upn,
        pupil.legal_last_name,
        pupil.legal_first_name,
        pupil.date_of_birth,
        who.urn,
        who.ukprn,
        who.setting_type,
        placement.start_date,
        leaving_date(placement, census),
        reason_of(placement),
        pattern_of(placement),
        placement.sessions_per_week,
    )


# --- the checks -------------------------------------------------------------------


def _details_link(placement: Placement) -> str:
    return reverse("census:placement", kwargs={"placement_id": placement.pk})


def _no_provider_identity(placement: Placement, census: Census) -> Problem | None:
    who = identity_of(placement)
    if who.urn or who.ukprn or who.setting_type:
        return None
    return Problem(
        placement,
        f"{placement.provider.name} has no URN or UKPRN, so it is an unregistered provider "
        "for the census, and it has no AP setting type (NFE, OOT, OTH or WBP). The local "
        "authority records the setting type in the provider directory.",
        f"See {placement.provider.name} in the directory",
        reverse("directory:provider_detail", kwargs={"provider_id": placement.provider_id}),
    )


def _leaves_after_roll(placement: Placement, census: Census) -> Problem | None:
    left = left_roll_on(placement)
    if left is None:
        return None
    leaving = placement.ended_on
    if leaving is not None and leaving <= left:
        return None
    said = f"{leaving:%-d %B %Y}" if leaving else "none (still attending)"
    return Problem(
        placement,
        f"The leaving date ({said}) is after the day the pupil left the school's roll "
        f"({left:%-d %B %Y}). The leaving date must be on or before it.",
        "Check the roll date, or end the placement",
        _details_link(placement),
    )


def _entry_after_census_day(placement: Placement, census: Census) -> Problem | None:
    if placement.start_date <= census.census_day:
        return None
    return Problem(
        placement,
        f"The entry date ({placement.start_date:%-d %B %Y}) is after census day "
        f"({census.census_day:%-d %B %Y}). The entry date must be on or before census day.",
        "Check the placement's start date",
        reverse("placements:detail", kwargs={"placement_id": placement.pk}),
    )


def _no_reason(placement: Placement, census: Census) -> Problem | None:
    if reason_of(placement) in APPlacementReason.values:
        return None
    return Problem(
        placement,
        "There is no primary reason for placement.",
        "Record the primary reason for placement",
        _details_link(placement),
    )


CHECKS: list[Callable[[Placement, Census], Problem | None]] = [
    _no_provider_identity,
    _leaves_after_roll,
    _entry_after_census_day,
    _no_reason,
]


def problems_of(placements: Iterable[Placement], census: Census) -> list[Problem]:
    """Every check each record fails, pupil by pupil."""
    return [
        problem
        for placement in placements
        for check in CHECKS
        if (problem := check(placement, census)) is not None
    ]


def not_started(placement: Placement) -> Problem:
    """A placement still planned after its start date: the census cannot be told whether
    the pupil is in alternative provision until someone records which."""
    return Problem(
        placement,
        f"The placement was planned to start on {placement.start_date:%-d %B %Y}, but it is "
        "not recorded as started, nor as not started. If the pupil attends, the return "
        "needs its record.",
        "Record that the placement started, or that it did not",
        reverse("placements:detail", kwargs={"placement_id": placement.pk}),
    )
