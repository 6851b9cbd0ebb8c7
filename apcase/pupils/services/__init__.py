"""Every change to a pupil, their carers and their exclusions.

Rules:
- Only a school's editors (inclusion lead, headteacher, DSL, school admin) change its
  pupils (`policies.can_edit_pupil_at`). Child protection plan and child in need are
  changed only by the school's DSL, and audited as their own event so a timeline can
  hide them from others.
- A UPN is checked, check letter included, and a permanent UPN must carry a real DfE
  local authority number (`upn.py`); temporary UPNs are accepted. UPNs are unique
  across the service. A UPN already on another school's roll is refused with only "this
  UPN cannot be used; contact the local authority": nothing says which school holds it,
  or that any does. The attempt is audited and the school's local authority officers
  are emailed (through the outbox) so that they can find out which is right.
- Edits carry the version the user saw; a stale version is refused, not overwritten.
- A suspension is a positive number of school days in halves; a pupil's suspensions
  may not total more than 45 school days in any school year, each school day counted
  in the year it falls in (a suspension over the summer counts partly in each). Each
  exclusion has 1 to 3 distinct DfE reason codes.
Every write is audited with the pupil's id in the same transaction.

The functions live by subject (records, carers, exclusions, photos); importing them
from here keeps working."""

from .carers import (
    add_carer,
    clean_carer_values,
    remove_carer,
    update_carer,
)
from .exclusions import (
    ExclusionDetails,
    check_suspension_limit,
    record_exclusion,
    update_exclusion,
)
from .photos import (
    remove_pupil_photo,
    set_pupil_photo,
)
from .records import (
    CARER_FIELDS,
    CHILD_PROTECTION_FIELDS,
    PUPIL_FIELDS,
    REQUIRED_PUPIL_FIELDS,
    UPN_CANNOT_BE_USED,
    UPNCannotBeUsed,
    alert_la_to_upn_in_use,
    clean_pupil_values,
    create_pupil,
    update_pupil,
)

__all__ = [
    "CARER_FIELDS",
    "CHILD_PROTECTION_FIELDS",
    "ExclusionDetails",
    "PUPIL_FIELDS",
    "REQUIRED_PUPIL_FIELDS",
    "UPNCannotBeUsed",
    "UPN_CANNOT_BE_USED",
    "add_carer",
    "alert_la_to_upn_in_use",
    "check_suspension_limit",
    "clean_carer_values",
    "clean_pupil_values",
    "create_pupil",
    "record_exclusion",
    "remove_carer",
    "remove_pupil_photo",
    "set_pupil_photo",
    "update_carer",
    "update_exclusion",
    "update_pupil",
]
