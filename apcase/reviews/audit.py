"""Audit actions of placement reviews, shown in the pupil's chronology."""

from apcase.chronology.actions import AuditAction, register


@register
class ReviewAction(AuditAction):
    SCHEDULED = "review.scheduled", "Placement review scheduled"
    HELD = "review.held", "Placement review held"
    DECISION = "review.decision", "Placement review: decision recorded"
    REQUESTED = "review.requested", "Parent's written request for a review recorded"
    PROVIDER_REPORT = "review.provider_report", "Provider's report for the review written"
