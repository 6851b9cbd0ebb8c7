"""Audit actions of the provider directory and the GIAS import."""

from apcase.chronology.actions import AuditAction, register


@register
class DirectoryAction(AuditAction):
    PROVIDER_ADDED = "directory.provider_added", "Provider added"
    PROVIDER_CHANGED = "directory.provider_changed", "Provider details changed"
    SERVICE_ADDED = "directory.service_added", "Service added"
    SERVICE_REMOVED = "directory.service_removed", "Service removed"
    SITE_ADDED = "directory.site_added", "Site added"
    SITE_DEACTIVATED = "directory.site_deactivated", "Site no longer used"
    INSPECTION_RECORDED = "directory.inspection_recorded", "Ofsted inspection recorded"
    ASSURANCE_RECORDED = "directory.assurance_recorded", "Assurance recorded"
    ASSURANCE_ALERT_SENT = "directory.assurance_alert_sent", "Assurance alert sent"
    GIAS_IMPORTED = "directory.gias_imported", "GIAS file imported"
    ESTABLISHMENT_MOVED_LA = (
        "directory.establishment_moved_la",
        "Establishment moved to another local authority",
    )
