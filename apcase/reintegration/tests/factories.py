"""Reintegration plans for tests, made directly (set-up, not the behaviour under test)."""

import datetime
from typing import Any

from apcase.accounts.roles import Role
from apcase.pupils.models import Carer
from apcase.referrals.tests.factories import person
from apcase.reintegration.models import Phase, ReintegrationPlan, ReviewPoint

ALL = [f"{d}-{h}" for d in range(5) for h in ("am", "pm")]
MORNINGS = [f"{d}-am" for d in range(5)]
AFTERNOONS = [f"{d}-pm" for d in range(5)]


def make_plan(placement: Any, *, named_adult: Any = None, **fields: Any) -> ReintegrationPlan:
    school = placement.pupil.school
    named_adult = named_adult or person(Role.INCLUSION_LEAD, school, full_name="Amara Okafor")
    start = fields.pop("start_date", datetime.date(2026, 11, 2))
    return ReintegrationPlan.objects.create(
        placement=placement,
        named_adult=named_adult,
        start_date=start,
        target_full_time_date=fields.pop(
            "target_full_time_date", start + datetime.timedelta(weeks=8)
        ),
        created_by=named_adult,
        **fields,
    )


def add_phase(
    plan: ReintegrationPlan, from_week: int, to_week: int, school: list[str], provider: list[str]
) -> Phase:
    return Phase.objects.create(
        plan=plan, from_week=from_week, to_week=to_week, at_school=school, at_provider=provider
    )


def carer(pupil: Any, *, lives_with: bool = True, name: str = "Dana Marsh") -> Carer:
    return Carer.objects.create(
        pupil=pupil,
        name=name,
        relationship="Mother" if lives_with else "Father",
        parental_responsibility=True,
        lives_with_pupil=lives_with,
    )


def review_on(plan: ReintegrationPlan, date: datetime.date) -> ReviewPoint:
    return ReviewPoint.objects.create(plan=plan, date=date)
