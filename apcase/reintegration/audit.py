"""Audit actions of reintegration plans."""

from apcase.chronology.actions import AuditAction, register


@register
class ReintegrationAction(AuditAction):
    PLAN_CREATED = "reintegration.plan_created", "Reintegration plan drafted", False
    PLAN_CHANGED = "reintegration.plan_changed", "Reintegration plan changed", False
    PHASE_ADDED = "reintegration.phase_added", "Reintegration plan: phase added", False
    PHASE_REMOVED = "reintegration.phase_removed", "Reintegration plan: phase removed", False
    AGREEMENT_RECORDED = (
        "reintegration.agreement_recorded",
        "Part-time timetable: parent's agreement recorded",
        False,
    )
    REVIEW_POINT_ADDED = (
        "reintegration.review_point_added",
        "Reintegration plan: review point added",
        False,
    )
    PROGRESS_RECORDED = (
        "reintegration.progress_recorded",
        "Reintegration plan: progress reviewed",
        False,
    )
    ACTIVATED = "reintegration.activated", "Reintegration plan agreed", False
    LA_NOTIFIED = (
        "reintegration.la_notified",
        "Part-time timetable: local authority notified",
        False,
    )
    COMPLETED = "reintegration.completed", "Reintegration plan completed", False
    WITHDRAWN = "reintegration.withdrawn", "Reintegration plan withdrawn", False
