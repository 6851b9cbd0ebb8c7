"""Writes to a placement's plan (status changes are in workflow.py).

Every change to the plan — dates, site, named staff member, timetable, objectives —
makes a new version of it, so an agreement recorded earlier no longer covers it and has
to be given again before the placement can start. The plan of an ended placement is
history and cannot change.

The functions live in modules by subject (details, timetable, objectives, agreements,
sites, commissioning, alerts; what they share is in common); this package re-exports
them, so callers import `apcase.placements.services` as before."""

from .agreements import AgreementDetails, record_agreement, record_provider_agreement
from .alerts import ALERTED_EVERY_DAY, send_daily_alerts
from .commissioning import correct_commissioning
from .common import locked_placement, max_length, record_change
from .details import PLAN_FIELDS, PlanDetails, update_plan
from .objectives import add_objective, remove_objective
from .sites import set_sites
from .timetable import set_timetable

__all__ = [
    "ALERTED_EVERY_DAY",
    "AgreementDetails",
    "PLAN_FIELDS",
    "PlanDetails",
    "add_objective",
    "correct_commissioning",
    "locked_placement",
    "max_length",
    "record_change",
    "record_agreement",
    "record_provider_agreement",
    "remove_objective",
    "send_daily_alerts",
    "set_sites",
    "set_timetable",
    "update_plan",
]
