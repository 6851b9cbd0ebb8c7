"""Facts derived from a placement plan: the home school's attendance code for sessions
at the provider, and what is still missing before the placement can start.

The code is never typed: B for provision the school arranged at a setting that is not a
school where the pupil is registered, K when the local authority arranged it, D when the
pupil is dual registered at the provider school (a PRU or AP academy). A pupil placed at
a PRU or AP academy is dual registered unless the plan records why not
(`dual_registration_expected`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from apcase.accounts.models import Organisation
from apcase.reference import attendance as codes
from apcase.reference.gias import ap_type_codes

from .models import Placement, PlacementAgreement


@dataclass(frozen=True)
class HomeSchoolCode:
    code: str
    meaning: str
    reason: str


def home_school_code(placement: Placement) -> HomeSchoolCode:
    if placement.dual_registered:
        code, reason = (
            "D",
            (
                f"The pupil is dual registered at {placement.provider}, so a session there is "
                "recorded by the home school as D (not a possible session for the home school)."
            ),
        )
    elif placement.arranged_by == Placement.ArrangedBy.LA:
        code, reason = (
            "K",
            (
                "The local authority arranged this placement, so a session attended at the "
                "provider is recorded as K."
            ),
        )
    else:
        code, reason = (
            "B",
            (
                "The school arranged this placement at a setting where the pupil is not "
                "registered, so a session attended at the provider is recorded as B."
            ),
        )
    if code != "D":
        reason += (
            " A session the provider reports as missed shows N until the home school codes "
            "the absence."
        )
    return HomeSchoolCode(code, codes.get(code).meaning, reason)


def mis_code(placement: Placement, mark: Any) -> str:
    """The code the home school enters in its MIS for a session the provider marked."""
    return codes.home_code(
        mark.observed,
        mark.code,
        dual_registered=placement.dual_registered,
        arranged_by_la=placement.arranged_by == Placement.ArrangedBy.LA,
    )


def is_ap_school(provider: Organisation) -> bool:
    """A pupil referral unit or AP academy (its GIAS establishment type)."""
    return provider.establishment_type_code in ap_type_codes()


def dual_registration_expected(provider: Organisation) -> bool:
    """A pupil placed at a PRU or AP academy stays on the home school's roll and joins
    the provider's: dual registered, by default."""
    return is_ap_school(provider)


def is_part_time(placement: Placement) -> bool:
    """Whether the plan puts the pupil on a part-time timetable: for some sessions
    neither at school nor at the provider. The timetable alone cannot tell (its other
    sessions are at school), so the plan says so."""
    return placement.part_time_timetable


class Agreement(Protocol):
    """What `agreed_parties` reads of an agreement (a PlacementAgreement, or the two
    values of one that a page over many placements reads)."""

    @property
    def party(self) -> str: ...

    @property
    def plan_version(self) -> int: ...


def agreed_parties(placement: Placement, agreements: Iterable[Agreement]) -> set[str]:
    return {a.party for a in agreements if a.plan_version == placement.plan_version}


def is_plan_agreed(placement: Placement, agreements: list[PlacementAgreement]) -> bool:
    return agreed_parties(placement, agreements) == set(PlacementAgreement.Party.values)


def has_any(placement: Placement, annotation: str, related: str) -> bool:
    """Whether the placement has any `related` rows: as the database answered for many
    placements at once where it was asked (selectors.open_placements_to_watch's
    `annotation`), else from the rows themselves."""
    found = getattr(placement, annotation, None)
    if found is None:
        return bool(getattr(placement, related).exists())
    return bool(found)


def missing_before_start(placement: Placement) -> list[str]:
    """Why the placement cannot start yet, as sentences; empty when it can."""
    agreements = list(placement.agreements.all())
    missing = []
    if placement.named_staff_member_id is None:
        missing.append("Choose the named member of school staff who supports the pupil.")
    if placement.planned_end_date is None:
        missing.append("Enter the planned end date.")
    if not has_any(placement, "has_sessions", "sessions"):
        missing.append("Set the weekly timetable at the provider.")
    if not has_any(placement, "has_sites", "sites"):
        missing.append("Choose every site of the provider where the pupil is taught.")
    if not has_any(placement, "has_objectives", "objectives"):
        missing.append("Add at least one objective.")
    absent = set(PlacementAgreement.Party.values) - agreed_parties(placement, agreements)
    for party in PlacementAgreement.Party:
        if party.value == PlacementAgreement.Party.PROVIDER and party.value in absent:
            missing.append(
                "The provider agrees to this version of the plan, from its placement page."
            )
        elif party.value in absent:
            missing.append(
                f"Record the {party.label.lower()}'s agreement to this version of the plan."
            )
    return missing


def timetable_grid(placement: Placement) -> list[tuple[str, bool, bool]]:
    """(weekday, at provider in the morning, in the afternoon) for Monday to Friday."""
    taken = {(s.weekday, s.session) for s in placement.sessions.all()}
    return [
        (label, (day, "am") in taken, (day, "pm") in taken) for day, label in codes.Weekday.choices
    ]


# Who may commission under which power: a school directs off-site or commissions AP
# itself; the local authority arranges it under s19 Education Act 1996 or an EHC plan.
P = Placement.CommissioningPower
POWERS_OF: dict[str, frozenset[str]] = {
    Placement.ArrangedBy.SCHOOL: frozenset({P.SCHOOL_OFF_SITE, P.SCHOOL_ARRANGED}),
    Placement.ArrangedBy.LA: frozenset({P.LA_S19, P.LA_EHCP}),
}
DEFAULT_POWER: dict[str, str] = {
    Placement.ArrangedBy.SCHOOL: P.SCHOOL_ARRANGED,
    Placement.ArrangedBy.LA: P.LA_S19,
}


def commissioning_errors(arranged_by: str, power: str) -> dict[str | None, list[str]]:
    """Why a commissioner and power do not go together; empty when they do."""
    if arranged_by not in POWERS_OF:
        return {"arranged_by": ["Choose who commissions the placement: the school or the LA."]}
    if power not in POWERS_OF[arranged_by]:
        who = Placement.ArrangedBy(arranged_by).label.lower()
        return {"commissioning_power": [f"Choose a power the {who} commissions under."]}
    return {}
