"""Audit actions of pupil records: the pupil, carers, exclusions, photos, MIS imports."""

from apcase.chronology.actions import AuditAction, register


@register
class PupilAction(AuditAction):
    CREATED = "pupil.created", "Pupil added"
    CHANGED = "pupil.changed", "Pupil record changed"
    # Child protection plan and child-in-need status: that it changed at all is
    # child-protection information, so the chronology shows it to the DSL only.
    CHILD_PROTECTION_CHANGED = (
        "pupil.child_protection_changed",
        "Child protection status changed",
        True,
    )
    UPN_IN_USE_REFUSED = "pupil.upn_in_use_refused", "UPN already on another school's roll"
    PHOTO_CHANGED = "pupil.photo_changed", "Photo added or replaced"
    PHOTO_REMOVED = "pupil.photo_removed", "Photo removed"
    IMPORTED = "pupils.imported", "Pupils imported from an MIS file"
    CARER_ADDED = "carer.added", "Carer added"
    CARER_CHANGED = "carer.changed", "Carer changed"
    CARER_REMOVED = "carer.removed", "Carer removed"
    EXCLUSION_RECORDED = "exclusion.recorded", "Suspension or exclusion recorded"
    EXCLUSION_CHANGED = "exclusion.changed", "Suspension or exclusion changed"
