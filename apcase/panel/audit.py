"""Audit actions of the inclusion panel."""

from apcase.chronology.actions import AuditAction, register


@register
class PanelAction(AuditAction):
    MEETING_SCHEDULED = "panel_meeting_scheduled", "Panel meeting scheduled"
    MEETING_HELD = "panel_meeting_held", "Panel meeting held"
    INTEREST_DECLARED = "panel_interest_declared", "Declaration of interest recorded"
    DECISION_RECORDED = "panel_decision_recorded", "Panel decision recorded"
