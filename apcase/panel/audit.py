"""Audit actions of the inclusion panel."""

from apcase.chronology.actions import AuditAction, register


@register
class PanelAction(AuditAction):
    MEETING_SCHEDULED = "panel_meeting_scheduled", "Panel meeting scheduled"
    MEETING_HELD = "panel_meeting_held", "Panel meeting closed as held"
    MEETING_EDITED = "panel_meeting_edited", "Panel meeting details changed"
    MEETING_POSTPONED = "panel_meeting_postponed", "Panel meeting postponed"
    MEETING_CANCELLED = "panel_meeting_cancelled", "Panel meeting cancelled"
    INTEREST_DECLARED = "panel_interest_declared", "Declaration of interest recorded"
    DECISION_RECORDED = "panel_decision_recorded", "Panel decision recorded"
    LETTER_SENT = "panel_letter_sent", "Letter to a parent or carer sent"
