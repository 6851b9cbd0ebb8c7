"""Audit actions of safeguarding concerns. Every one is child-protection information:
the pupil's chronology shows them to the school's DSL only, absent for everyone else."""

from apcase.chronology.actions import AuditAction, register


@register
class SafeguardingAction(AuditAction):
    CONCERN_RAISED = "safeguarding.concern_raised", "Safeguarding concern raised", True
    CONCERN_ADDENDUM_ADDED = (
        "safeguarding.concern_addendum_added",
        "Safeguarding concern: correction or update added",
        True,
    )
    CONCERN_ACKNOWLEDGED = (
        "safeguarding.concern_acknowledged",
        "Safeguarding concern acknowledged",
        True,
    )
    CONCERN_ACTION_RECORDED = (
        "safeguarding.concern_action_recorded",
        "Safeguarding concern: action recorded",
        True,
    )
    CONCERN_REVIEW_SET = (
        "safeguarding.concern_review_set",
        "Safeguarding concern: review date set",
        True,
    )
    CONCERN_ESCALATED = (
        "safeguarding.concern_escalated",
        "Safeguarding concern shared with the local authority",
        True,
    )
    CONCERN_CLOSED = "safeguarding.concern_closed", "Safeguarding concern closed", True
    CONCERN_LINKED = (
        "safeguarding.concern_linked",
        "Safeguarding concern linked to a referral or placement",
        True,
    )


@register
class TransferAction(AuditAction):
    TRANSFER_STARTED = (
        "safeguarding.transfer_started",
        "Child protection file: transfer started",
        True,
    )
    TRANSFER_SENT = "safeguarding.transfer_sent", "Child protection file sent", True
    TRANSFER_RECEIVED = (
        "safeguarding.transfer_received",
        "Child protection file: receipt confirmed",
        True,
    )
