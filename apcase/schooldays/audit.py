"""Audit actions of school days: term dates and closure days."""

from apcase.chronology.actions import AuditAction, register


@register
class SchoolDaysAction(AuditAction):
    TERM_ADDED = "term.added", "Term added"
    TERM_CHANGED = "term.changed", "Term changed"
    TERM_REMOVED = "term.removed", "Term removed"
    CLOSURE_DAY_ADDED = "closure_day.added", "Closure day added"
    CLOSURE_DAY_REMOVED = "closure_day.removed", "Closure day removed"
