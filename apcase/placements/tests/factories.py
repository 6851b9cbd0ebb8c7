"""Placements for tests, made directly (set-up, not the behaviour under test)."""

import datetime
from typing import Any

from apcase.accounts.roles import Role
from apcase.directory.models import Site
from apcase.placements.models import (
    Placement,
    PlacementAgreement,
    PlacementObjective,
    PlacementSession,
)
from apcase.referrals.tests.factories import make_pupil, person

START = datetime.date(2026, 9, 7)  # a Monday

EVERY_SESSION = {(day, s) for day in range(5) for s in ("am", "pm")}


def make_placement(
    school: Any,
    provider: Any,
    *,
    pupil: Any = None,
    status: str = Placement.Status.ACTIVE,
    named_staff_member: Any = None,
    sessions: set[tuple[int, str]] | None = None,
    arranged_by: str = Placement.ArrangedBy.SCHOOL,
    start_date: datetime.date = START,
    **fields: Any,
) -> Placement:
    pupil = pupil or make_pupil(school)
    if named_staff_member is None:
        named_staff_member = person(Role.SCHOOL_STAFF, school, full_name="Tom Ellery")
    sessions = EVERY_SESSION if sessions is None else sessions
    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        status=status,
        start_date=start_date,
        planned_end_date=fields.pop("planned_end_date", start_date + datetime.timedelta(weeks=12)),
        sessions_per_week=max(len(sessions), 1),
        arranged_by=arranged_by,
        named_staff_member=named_staff_member,
        **fields,
    )
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=d, session=s) for d, s in sessions
    )
    placement.sites.set([site_of(provider)])
    return placement


def site_of(provider: Any) -> Site:
    """The provider's main site, made if it has none."""
    site = provider.sites.filter(is_active=True).first()
    return site or Site.objects.create(
        organisation=provider,
        name="Main site",
        street="1 Learning Lane",
        town="Milton Keynes",
        postcode="MK3 7AW",
        is_main=True,
    )


def add_objective(placement: Placement) -> PlacementObjective:
    return PlacementObjective.objects.create(
        placement=placement,
        what="Attend every morning session",
        baseline="Attends 2 mornings in 5",
        target="Attends 5 mornings in 5",
        measured_by="Provider register",
    )


def agree_all(placement: Placement, by: Any) -> None:
    for party in PlacementAgreement.Party.values:
        PlacementAgreement.objects.create(
            placement=placement,
            party=party,
            agreed_by_name="Someone",
            agreed_on=datetime.date(2026, 9, 1),
            plan_version=placement.plan_version,
            recorded_by=by,
        )
