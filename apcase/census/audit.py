"""Audit actions of the school census return."""

from apcase.chronology.actions import AuditAction, register


@register
class CensusAction(AuditAction):
    DETAILS_RECORDED = (
        "census.details_recorded",
        "School census: placement's reason and the pupil's leaving date recorded",
        False,
    )
