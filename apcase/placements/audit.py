"""Audit actions of placements: planning, starting, ending, and the daily alerts."""

from apcase.chronology.actions import AuditAction, register


@register
class PlacementAction(AuditAction):
    PLANNED = "placement_planned", "Placement planned"
    STARTED = "placement_started", "Placement started"
    STARTED_EMERGENCY = "placement_started_emergency", "Emergency placement started"
    ENDED = "placement_ended", "Placement ended"
    EXTENDED = "placement_extended", "Placement extended"
    PLAN_UPDATED = "placement_plan_updated", "Placement plan updated"
    TIMETABLE_SET = "placement_timetable_set", "Timetable set"
    OBJECTIVE_ADDED = "placement_objective_added", "Objective added"
    OBJECTIVE_REMOVED = "placement_objective_removed", "Objective removed"
    PLAN_AGREED = "placement_plan_agreed", "Plan agreed"
    EMERGENCY_PLAN_AGREED = "placement_emergency_plan_agreed", "Emergency plan agreed"
    SITES_SET = "placement_sites_set", "Sites set"
    COMMISSIONING_CORRECTED = "placement_commissioning_corrected", "Commissioning corrected"
    ALERT_END_PASSED = "placement_alert_end_passed", "Alert: placement past its end date"
    ALERT_END_NEAR = "placement_alert_end_near", "Alert: placement ending soon"
    ALERT_EMERGENCY_PLAN = (
        "placement_alert_emergency_plan",
        "Alert: emergency placement without an agreed plan",
    )
    ALERT_NO_TIMETABLE = "placement_alert_no_timetable", "Alert: no timetable"
    ALERT_NO_NAMED_STAFF = "placement_alert_no_named_staff", "Alert: no named member of staff"
    ALERT_NO_SITE = "placement_alert_no_site", "Alert: no site recorded"


# The daily watch's concerns (placements.watch.Concern.key) and the action each records.
ALERT_ACTIONS = {
    "end_passed": PlacementAction.ALERT_END_PASSED,
    "end_near": PlacementAction.ALERT_END_NEAR,
    "emergency_plan": PlacementAction.ALERT_EMERGENCY_PLAN,
    "no_timetable": PlacementAction.ALERT_NO_TIMETABLE,
    "no_named_staff": PlacementAction.ALERT_NO_NAMED_STAFF,
    "no_site": PlacementAction.ALERT_NO_SITE,
}
