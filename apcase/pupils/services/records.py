"""A pupil's record: the checks on its values (the UPN above all), adding a pupil and
changing one. Child protection plan and child in need change only by the school's DSL
and are audited as their own event."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.selectors import holders
from apcase.chronology.services import (
    Changes,
    Event,
    added,
    changed_fields,
    record_event,
    record_pupil_event,
)
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications import messages
from apcase.reference.census import NCYear, SENStatus, Sex

from ..audit import PupilAction
from ..models import Pupil
from ..upn import InvalidUPN, parse_upn

PUPIL_FIELDS = (
    "upn",
    "legal_first_name",
    "legal_middle_names",
    "legal_last_name",
    "preferred_name",
    "preferred_last_name",
    "date_of_birth",
    "sex",
    "nc_year",
    "admission_date",
    "sen_status",
    "free_school_meals",
    "pupil_premium",
    "medical_needs",
    "allergies",
    "first_language",
)
# The pupil flags only the school's DSL(s) see, set and are shown in the chronology:
# looked after (LAC), child protection plan, child in need.
CHILD_PROTECTION_FIELDS = ("looked_after", "child_protection_plan", "child_in_need")
REQUIRED_PUPIL_FIELDS = (
    "upn",
    "legal_first_name",
    "legal_last_name",
    "date_of_birth",
    "sex",
    "nc_year",
)
CARER_FIELDS = (
    "name",
    "relationship",
    "parental_responsibility",
    "lives_with_pupil",
    "phone",
    "email",
    "address",
    "preferred_contact_method",
    "restriction",
    "priority",
)


def _fail(field: str | None, message: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def _require_editor(by: User, school: Organisation) -> None:
    if not policies.can_edit_pupil_at(by, school):
        raise NotPermitted("You cannot change pupils at this school.")


UPN_CANNOT_BE_USED = (
    "This UPN cannot be used. Check the number; if it is right, contact the local authority."
)


class UPNCannotBeUsed(ValidationFailed):
    """The values broke rules, one of them a UPN on another school's roll (`holder`,
    never shown to the user: see `alert_la_to_upn_in_use`)."""

    def __init__(self, message: str, errors: dict[str | None, list[str]], holder: Pupil):
        super().__init__(message, errors)
        self.holder = holder


# The values each choice field takes (read once: an import checks thousands of rows).
_CHOICE_VALUES = {
    "sex": frozenset(Sex.values),
    "nc_year": frozenset(NCYear.values),
    "sen_status": frozenset(SENStatus.values),
}


def clean_pupil_values(
    values: dict[str, Any],
    *,
    pupil: Pupil | None = None,
    school: Organisation | None = None,
    upn_holders: Mapping[str, Pupil | None] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Check and normalise pupil values; raise ValidationFailed listing every problem
    (UPNCannotBeUsed when the UPN is on another school's roll). `school` is the school
    whose roll the pupil is on or joins (the pupil's own if not given). `upn_holders`:
    who holds each UPN already looked up (None: nobody), so an import checking many rows
    reads them in one query; a UPN missing from it is looked up. `today`: the date
    a date of birth must be before, read once by an import checking many rows."""
    errors: dict[str | None, list[str]] = {}
    holder: Pupil | None = None
    if school is None and pupil is not None:
        school = pupil.school
    cleaned = dict(values)
    for name in REQUIRED_PUPIL_FIELDS:
        if name in cleaned and cleaned[name] in (None, ""):
            errors.setdefault(name, []).append(f"Enter the pupil’s {_label(name)}.")
    if cleaned.get("upn"):
        holder = _check_upn(
            cleaned, pupil=pupil, school=school, errors=errors, upn_holders=upn_holders or {}
        )
    for name, allowed in _CHOICE_VALUES.items():
        if cleaned.get(name) and cleaned[name] not in allowed:
            errors.setdefault(name, []).append(f"Choose a {_label(name)} from the list.")
    _check_dates(cleaned, errors, today or timezone.localdate())
    if errors:
        first = next(iter(errors.values()))[0]
        if holder is not None:
            raise UPNCannotBeUsed(first, errors, holder)
        raise ValidationFailed(first, errors)
    return cleaned


def _check_upn(
    cleaned: dict[str, Any],
    *,
    pupil: Pupil | None,
    school: Organisation | None,
    errors: dict[str | None, list[str]],
    upn_holders: Mapping[str, Pupil | None],
) -> Pupil | None:
    """Normalise cleaned["upn"]; note in `errors` a UPN that is wrong or already held.
    Returns the holder when the UPN is on another school's roll (not to be named)."""
    try:
        cleaned["upn"] = parse_upn(cleaned["upn"]).value
    except InvalidUPN as error:
        errors.setdefault("upn", []).append(str(error))
        return None
    if cleaned["upn"] in upn_holders:
        other = upn_holders[cleaned["upn"]]
        if other is not None and pupil is not None and other.pk == pupil.pk:
            other = None
    else:
        taken = Pupil.objects.filter(upn=cleaned["upn"])
        if pupil is not None:
            taken = taken.exclude(pk=pupil.pk)
        other = taken.select_related("school").first()
    if other is None:
        return None
    if school is not None and other.school_id == school.pk:
        errors.setdefault("upn", []).append(
            "Another pupil on your school’s roll already has this UPN. Check the number."
        )
        return None
    errors.setdefault("upn", []).append(UPN_CANNOT_BE_USED)
    return other


def _check_dates(cleaned: dict[str, Any], errors: dict[str | None, list[str]], today: date) -> None:
    born = cleaned.get("date_of_birth")
    if isinstance(born, date) and born > today:
        errors.setdefault("date_of_birth", []).append("The date of birth must be in the past.")
    admitted = cleaned.get("admission_date")
    if isinstance(born, date) and isinstance(admitted, date) and admitted < born:
        errors.setdefault("admission_date", []).append(
            "The admission date must be after the date of birth."
        )


def alert_la_to_upn_in_use(*, by: User, school: Organisation, holder: Pupil) -> None:
    """Someone at `school` tried to put on its roll a UPN that is on `holder`'s school's
    roll. The user is told only that the UPN cannot be used; the school's local authority
    officers are told the rest, and the attempt is audited. Its own transaction: the
    refused change is not saved, but this is."""
    holder_school = holder.school
    if holder_school.local_authority_id == school.local_authority_id:
        where = f"{holder_school.name} (URN {holder_school.urn or 'not recorded'})"
    else:
        # Another authority's school: name only that authority, which can be asked.
        where = f"a school in {holder_school.local_authority or 'another local authority'}"
    officers = holders(school.local_authority, [Role.LA_OFFICER])
    with transaction.atomic():
        record_event(
            by=by,
            action=PupilAction.UPN_IN_USE_REFUSED,
            target=("pupils.pupil", holder.pk),
            organisation=school,
            changes=added({"upn": holder.upn, "on_roll_at": holder_school.name}),
            summary=f"{school} entered a UPN already on the roll of {holder_school}",
        )
        messages.send(
            "pupils/messages/upn_in_use.txt",
            to=officers,
            by=by,
            school=school.name,
            upn_end=holder.upn[-4:],
            where=where,
        )


def _label(name: str) -> str:
    return {
        "upn": "UPN",
        "nc_year": "national curriculum year",
        "sen_status": "SEN status",
        "legal_first_name": "legal first name",
        "legal_last_name": "legal last name",
    }.get(name, name.replace("_", " "))


def create_pupil(*, by: User, school: Organisation, values: dict[str, Any]) -> Pupil:
    if school.kind != OrganisationKind.SCHOOL:
        raise ValidationFailed("Pupils belong to a school.")
    _require_editor(by, school)
    cp_values = {k: values[k] for k in CHILD_PROTECTION_FIELDS if values.get(k)}
    if cp_values and not policies.can_see_child_protection(by, school):
        raise NotPermitted("Only the school’s designated safeguarding lead records this.")
    try:
        cleaned = clean_pupil_values(
            {k: values.get(k) for k in PUPIL_FIELDS if k in values}, school=school
        )
    except UPNCannotBeUsed as refused:
        alert_la_to_upn_in_use(by=by, school=school, holder=refused.holder)
        raise
    cleaned = {k: ("" if v is None and k not in _NULLABLE else v) for k, v in cleaned.items()}
    with transaction.atomic():
        pupil = Pupil.objects.create(school=school, **cleaned, **cp_values)
        record_pupil_event(
            pupil,
            by=by,
            action=PupilAction.CREATED,
            changes=added({k: v for k, v in cleaned.items() if v not in ("", None)}),
            summary=f"Added {pupil.display_name} to the roll",
        )
        if cp_values:
            record_child_protection(by, pupil, {k: [False, v] for k, v in cp_values.items()})
    return pupil


_NULLABLE = {"admission_date", "date_of_birth"}


def save_changes(record: Any, values: dict[str, Any]) -> Changes:
    """Set `values` on `record` and save it when any of them differs; what changed, as
    `changed_fields` gives it (empty: nothing was saved)."""
    diff = changed_fields(record, values)
    if diff:
        for key, value in values.items():
            setattr(record, key, value)
        record.save()
    return diff


def record_child_protection(by: User, pupil: Pupil, diff: dict[str, Any]) -> None:
    event = child_protection_event(pupil, diff)
    record_pupil_event(
        pupil, by=by, action=event.action, changes=event.changes, summary=event.summary
    )


CHILD_PROTECTION_SUMMARY = "Child protection status changed"


def child_protection_event(pupil: Pupil, diff: dict[str, Any]) -> Event:
    """The event of a change to a pupil's child-protection flags (shown to DSLs only),
    as record_child_protection records it and an import records it in bulk."""
    return Event(
        action=PupilAction.CHILD_PROTECTION_CHANGED,
        target=pupil,
        pupil_id=pupil.pk,
        changes=diff,
        summary=CHILD_PROTECTION_SUMMARY,
    )


def update_pupil(*, by: User, pupil: Pupil, version: int, values: dict[str, Any]) -> Pupil:
    """Change the given fields. `version` is the one the user's form was built from."""
    _require_editor(by, pupil.school)
    cp_values = {k: values[k] for k in CHILD_PROTECTION_FIELDS if k in values}
    if cp_values and not policies.can_see_child_protection(by, pupil.school):
        raise NotPermitted("Only the school’s designated safeguarding lead changes this.")
    general = {k: values[k] for k in PUPIL_FIELDS if k in values}
    try:
        cleaned = clean_pupil_values(general, pupil=pupil)
    except UPNCannotBeUsed as refused:
        alert_la_to_upn_in_use(by=by, school=pupil.school, holder=refused.holder)
        raise
    cleaned = {k: ("" if v is None and k not in _NULLABLE else v) for k, v in cleaned.items()}
    with transaction.atomic():
        current = Pupil.objects.select_for_update().get(pk=pupil.pk)
        if current.version != version:
            raise ValidationFailed(
                "Someone else changed this pupil’s record while you were editing it. "
                "Your changes have not been saved: check the record and make them again."
            )
        diff = changed_fields(current, cleaned)
        cp_diff = changed_fields(current, cp_values)
        if not diff and not cp_diff:
            return current
        for key, value in {**cleaned, **cp_values}.items():
            setattr(current, key, value)
        current.version = version + 1
        current.save()
        if diff:
            record_pupil_event(
                current,
                by=by,
                action=PupilAction.CHANGED,
                changes=diff,
                summary=f"Changed {', '.join(_label(k) for k in diff)}",
            )
        if cp_diff:
            record_child_protection(by, current, cp_diff)
    return current
