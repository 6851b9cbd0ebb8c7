"""Audit actions of referrals and emergency placements."""

from apcase.chronology.actions import AuditAction, register


@register
class ReferralAction(AuditAction):
    STARTED = "referral_started", "Referral started"
    SECTION_UPDATED = "referral_section_updated", "Referral section updated"
    INTERVENTION_ADDED = "referral_intervention_added", "Intervention added"
    INTERVENTION_REMOVED = "referral_intervention_removed", "Intervention removed"
    DOCUMENT_ADDED = "referral_document_added", "Document added"
    DOCUMENT_REMOVED = "referral_document_removed", "Document removed"
    SIGNED_OFF = "referral_signed_off", "Referral signed off by the headteacher"
    SUBMITTED = "referral_submitted", "Referral submitted"
    SCHEDULED = "referral_scheduled", "Referral added to a panel meeting"
    MOVED = "referral_moved", "Referral moved to another panel meeting"
    UNSCHEDULED = "referral_unscheduled", "Referral waiting for a panel meeting again"
    WITHDRAWN = "referral_withdrawn", "Referral withdrawn"
    APPROVED = "referral_approved", "Referral approved"
    DECLINED = "referral_declined", "Referral declined"
    DEFERRED = "referral_deferred", "Referral deferred"
    MORE_INFORMATION = "referral_more_information", "More information requested"
    CLOSED = "referral_closed", "Referral closed"
    EMERGENCY_ARRANGED = "emergency_placement_arranged", "Emergency placement arranged"
    EMERGENCY_RATIFICATION_SCHEDULED = (
        "emergency_ratification_scheduled",
        "Emergency placement added to a panel meeting",
    )
    EMERGENCY_RATIFICATION_MOVED = (
        "emergency_ratification_moved",
        "Emergency placement moved to another panel meeting",
    )
    EMERGENCY_RATIFIED = "emergency_placement_ratified", "Emergency placement ratified"
    EMERGENCY_NOT_RATIFIED = "emergency_placement_not_ratified", "Emergency placement not ratified"
    EMERGENCY_ENDED = "emergency_placement_ended", "Unratified emergency placement ended"
