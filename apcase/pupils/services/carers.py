"""A pupil's carers: added, changed and removed by the school's editors, each change
audited with the pupil's id."""

from typing import Any

from django.db import transaction

from apcase.accounts.models import User
from apcase.chronology.services import added, record_pupil_event
from apcase.core.errors import ValidationFailed
from apcase.reference.census import ContactMethod

from ..audit import PupilAction
from ..models import Carer, Pupil
from .records import CARER_FIELDS, _require_editor, save_changes


def clean_carer_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str | None, list[str]] = {}
    cleaned = {k: values[k] for k in CARER_FIELDS if k in values}
    for name in ("name", "relationship"):
        if name in cleaned and not str(cleaned[name] or "").strip():
            errors.setdefault(name, []).append(f"Enter the carer’s {name}.")
    method = cleaned.get("preferred_contact_method") or ""
    if method and method not in ContactMethod.values:
        errors.setdefault("preferred_contact_method", []).append(
            "Choose a contact method from the list."
        )
    for key in ("phone", "email", "address", "restriction", "preferred_contact_method"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return cleaned


def add_carer(*, by: User, pupil: Pupil, values: dict[str, Any]) -> Carer:
    _require_editor(by, pupil.school)
    cleaned = clean_carer_values(values)
    with transaction.atomic():
        carer = Carer.objects.create(pupil=pupil, **cleaned)
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.CARER_ADDED,
            target=carer,
            changes=added({k: v for k, v in cleaned.items() if v not in ("", None)}),
            summary=f"Added carer {carer}",
        )
    return carer


def update_carer(*, by: User, carer: Carer, values: dict[str, Any]) -> Carer:
    _require_editor(by, carer.pupil.school)
    cleaned = clean_carer_values(values)
    with transaction.atomic():
        diff = save_changes(carer, cleaned)
        if not diff:
            return carer
        record_pupil_event(
            carer.pupil,
            by=by,
            action=PupilAction.CARER_CHANGED,
            target=carer,
            changes=diff,
            summary=f"Changed carer {carer}",
        )
    return carer


def remove_carer(*, by: User, carer: Carer) -> None:
    _require_editor(by, carer.pupil.school)
    with transaction.atomic():
        record_pupil_event(
            carer.pupil,
            by=by,
            action=PupilAction.CARER_REMOVED,
            target=carer,
            changes={"name": [carer.name, None], "relationship": [carer.relationship, None]},
            summary=f"Removed carer {carer}",
        )
        carer.delete()
