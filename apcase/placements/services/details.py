"""The plan's details: site, planned end date, named staff member, transport, funding
and dual registration."""

import datetime
from dataclasses import dataclass, fields

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed

from ..audit import PlacementAction
from ..models import Placement
from .common import _locked_for_planning, _new_version, max_length, record_change


@dataclass(frozen=True)
class PlanDetails:
    """The plan's details as the plan page's form gives them."""

    site: str
    planned_end_date: datetime.date | None
    named_staff_member: User | None
    transport: str
    funding: str
    dual_registered: bool
    dual_registration_reason: str = ""
    part_time_timetable: bool | None = False


PLAN_FIELDS = tuple(field.name for field in fields(PlanDetails))


@transaction.atomic
def update_plan(
    placement: Placement,
    *,
    by: User,
    details: PlanDetails,
) -> Placement:
    """A pupil placed at a PRU or AP academy is dual registered there (plan.
    dual_registration_expected); a plan that says otherwise records why."""
    placement = _locked_for_planning(placement, by)
    errors: dict[str | None, list[str]] = {}
    if details.planned_end_date is None:
        errors["planned_end_date"] = ["Enter the planned end date."]
    elif details.planned_end_date < placement.start_date:
        errors["planned_end_date"] = ["The planned end date must be on or after the start date."]
    elif (
        placement.status == Placement.Status.ACTIVE
        and placement.planned_end_date is not None
        and details.planned_end_date != placement.planned_end_date
    ):
        errors["planned_end_date"] = [
            "The placement has started: extend it or end it to change its end date."
        ]
    elif details.planned_end_date > placement.start_date + max_length():
        errors["planned_end_date"] = [
            f"The planned end date must be within {max_length().days // 365} years of the start."
        ]
    if details.named_staff_member is None:
        errors["named_staff_member"] = ["Choose the named member of staff."]
    elif not policies.roles_in(details.named_staff_member, placement.pupil.school):
        errors["named_staff_member"] = [
            "The named member of staff must work at the pupil's school."
        ]
    override = _check_registration_and_timetable(placement, details, errors)
    if errors:
        raise ValidationFailed("Check the plan.", errors)
    new = {
        "site": details.site.strip(),
        "planned_end_date": details.planned_end_date,
        "named_staff_member": details.named_staff_member,
        "transport": details.transport.strip(),
        "funding": details.funding.strip(),
        "dual_registered": details.dual_registered,
        "dual_registration_reason": details.dual_registration_reason.strip() if override else "",
        "part_time_timetable": details.part_time_timetable,
    }
    changed = {
        name: [str(getattr(placement, name) or ""), str(value or "")]
        for name, value in new.items()
        if getattr(placement, name) != value
    }
    if not changed:
        return placement
    for name, value in new.items():
        setattr(placement, name, value)
    _new_version(placement, list(new))
    record_change(
        by,
        placement,
        PlacementAction.PLAN_UPDATED,
        f"Placement plan updated (version {placement.plan_version})",
        changed,
    )
    return placement


def _check_registration_and_timetable(
    placement: Placement, details: PlanDetails, errors: dict[str | None, list[str]]
) -> bool:
    """Adds the refusals of the plan's dual registration and part-time timetable answers
    to `errors`; whether the plan overrides the dual registration a PRU or AP academy
    expects (and so keeps its reason)."""
    from ..plan import dual_registration_expected

    if details.dual_registered and placement.provider.urn is None:
        errors["dual_registered"] = [
            f"{placement.provider} is not a school, so the pupil cannot be dual registered there."
        ]
    override = dual_registration_expected(placement.provider) and not details.dual_registered
    if override and not details.dual_registration_reason.strip():
        errors["dual_registration_reason"] = [
            f"{placement.provider} is a pupil referral unit or AP academy, where a pupil is "
            "usually dual registered: enter why this pupil is not."
        ]
    if details.part_time_timetable is None:
        # Left blank, it was saved as "no": a part-time timetable nobody was asked about.
        errors["part_time_timetable"] = ["Select yes if the pupil is on a part-time timetable"]
    return override
