"""Audit actions of monitoring: registers, attendance codes, check-ins, follow-ups,
visits."""

from apcase.chronology.actions import AuditAction, register


@register
class MonitoringAction(AuditAction):
    REGISTER_SUBMITTED = "register_submitted", "Register submitted"
    ATTENDANCE_CORRECTED = "attendance_corrected", "Attendance corrected"
    ATTENDANCE_CODED = "attendance_coded", "Absence coded"
    MARKS_IMPORTED = "marks_imported", "Attendance marks imported"
    CHECK_IN_RECORDED = "check_in_recorded", "Weekly check-in recorded"
    FOLLOW_UP_ABSENCE = "follow_up_absence", "Follow-up raised: unexplained absence"
    FOLLOW_UP_REGISTER_MISSING = (
        "follow_up_register_missing",
        "Follow-up raised: register not submitted",
    )
    FOLLOW_UP_CHECK_IN = "follow_up_check_in", "Follow-up raised: wellbeing check-in"
    FOLLOW_UP_CLOSED = "follow_up_closed", "Follow-up closed"
    VISIT_SCHEDULED = "visit_scheduled", "Visit scheduled"
    VISIT_LOGGED = "visit_logged", "Visit logged"
