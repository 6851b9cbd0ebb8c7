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
Every write is audited with the pupil's id in the same transaction."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.chronology.services import added, changed_fields, record_event
from apcase.core import uploads
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications.services import queue_email
from apcase.reference.census import (
    MAX_EXCLUSION_REASONS,
    MAX_SUSPENSION_DAYS_PER_YEAR,
    ContactMethod,
    ExclusionKind,
    ExclusionReason,
    NCYear,
    SENStatus,
    Sex,
)
from apcase.schooldays.calculator import school_year_label

from . import selectors
from .audit import PupilAction
from .exclusion_days import Suspension, days_by_school_year
from .models import Carer, Exclusion, Pupil
from .upn import InvalidUPN, parse_upn

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
    "looked_after",
    "free_school_meals",
    "pupil_premium",
    "medical_needs",
    "allergies",
    "first_language",
)
CHILD_PROTECTION_FIELDS = ("child_protection_plan", "child_in_need")
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


def clean_pupil_values(
    values: dict[str, Any], *, pupil: Pupil | None = None, school: Organisation | None = None
) -> dict[str, Any]:
    """Check and normalise pupil values; raise ValidationFailed listing every problem
    (UPNCannotBeUsed when the UPN is on another school's roll). `school` is the school
    whose roll the pupil is on or joins (the pupil's own if not given)."""
    errors: dict[str | None, list[str]] = {}
    holder: Pupil | None = None
    if school is None and pupil is not None:
        school = pupil.school
    cleaned = dict(values)
    for name in REQUIRED_PUPIL_FIELDS:
        if name in cleaned and cleaned[name] in (None, ""):
            errors.setdefault(name, []).append(f"Enter the pupil’s {_label(name)}.")
    if cleaned.get("upn"):
        holder = _check_upn(cleaned, pupil=pupil, school=school, errors=errors)
    for name, choices in (("sex", Sex), ("nc_year", NCYear), ("sen_status", SENStatus)):
        if cleaned.get(name) and cleaned[name] not in choices.values:
            errors.setdefault(name, []).append(f"Choose a {_label(name)} from the list.")
    _check_dates(cleaned, errors)
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
) -> Pupil | None:
    """Normalise cleaned["upn"]; note in `errors` a UPN that is wrong or already held.
    Returns the holder when the UPN is on another school's roll (not to be named)."""
    try:
        cleaned["upn"] = parse_upn(cleaned["upn"]).value
    except InvalidUPN as error:
        errors.setdefault("upn", []).append(str(error))
        return None
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


def _check_dates(cleaned: dict[str, Any], errors: dict[str | None, list[str]]) -> None:
    born = cleaned.get("date_of_birth")
    if isinstance(born, date) and born > timezone.localdate():
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
    officers = list(
        Membership.objects.filter(
            organisation=school.local_authority,
            role=Role.LA_OFFICER,
            is_active=True,
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )
    with transaction.atomic():
        record_event(
            by=by,
            action=PupilAction.UPN_IN_USE_REFUSED,
            target=("pupils.pupil", holder.pk),
            organisation=school,
            changes=added({"upn": holder.upn, "on_roll_at": holder_school.name}),
            summary=f"{school} entered a UPN already on the roll of {holder_school}",
        )
        for email in officers:
            queue_email(
                to=email,
                subject=f"A UPN already in use was entered at {school.name}",
                body=(
                    f"{by} at {school.name} entered the UPN {holder.upn} for a pupil. "
                    f"That UPN is already on the roll of {where}.\n\n"
                    "They were told only that the UPN cannot be used and to contact the "
                    "local authority. Please check with the schools which record is right: "
                    "the pupil may have moved school, or the number may have been mistyped."
                ),
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
        record_event(
            by=by,
            action=PupilAction.CREATED,
            target=pupil,
            organisation=school,
            pupil_id=pupil.pk,
            changes={k: [None, _plain(v)] for k, v in cleaned.items() if v not in ("", None)},
            summary=f"Added {pupil.display_name} to the roll",
        )
        if cp_values:
            _record_child_protection(by, pupil, {k: [False, v] for k, v in cp_values.items()})
    return pupil


_NULLABLE = {"admission_date", "date_of_birth"}


def _plain(value: Any) -> Any:
    return value if isinstance(value, bool | int | str) or value is None else str(value)


def _record_child_protection(by: User, pupil: Pupil, diff: dict[str, Any]) -> None:
    record_event(
        by=by,
        action=PupilAction.CHILD_PROTECTION_CHANGED,
        target=pupil,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        changes=diff,
        summary="Child protection status changed",
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
            record_event(
                by=by,
                action=PupilAction.CHANGED,
                target=current,
                organisation=current.school,
                pupil_id=current.pk,
                changes=diff,
                summary=f"Changed {', '.join(_label(k) for k in diff)}",
            )
        if cp_diff:
            _record_child_protection(by, current, cp_diff)
    return current


# --- carers -------------------------------------------------------------------------


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
        record_event(
            by=by,
            action=PupilAction.CARER_ADDED,
            target=carer,
            organisation=pupil.school,
            pupil_id=pupil.pk,
            changes={k: [None, _plain(v)] for k, v in cleaned.items() if v not in ("", None)},
            summary=f"Added carer {carer}",
        )
    return carer


def update_carer(*, by: User, carer: Carer, values: dict[str, Any]) -> Carer:
    _require_editor(by, carer.pupil.school)
    cleaned = clean_carer_values(values)
    with transaction.atomic():
        diff = changed_fields(carer, cleaned)
        if not diff:
            return carer
        for key, value in cleaned.items():
            setattr(carer, key, value)
        carer.save()
        record_event(
            by=by,
            action=PupilAction.CARER_CHANGED,
            target=carer,
            organisation=carer.pupil.school,
            pupil_id=carer.pupil_id,
            changes=diff,
            summary=f"Changed carer {carer}",
        )
    return carer


def remove_carer(*, by: User, carer: Carer) -> None:
    _require_editor(by, carer.pupil.school)
    with transaction.atomic():
        record_event(
            by=by,
            action=PupilAction.CARER_REMOVED,
            target=carer,
            organisation=carer.pupil.school,
            pupil_id=carer.pupil_id,
            changes={"name": [carer.name, None], "relationship": [carer.relationship, None]},
            summary=f"Removed carer {carer}",
        )
        carer.delete()


# --- exclusions ---------------------------------------------------------------------


def _clean_length(kind: str, length: Any) -> Decimal | None:
    if kind == ExclusionKind.PERMANENT:
        return None
    try:
        days = Decimal(str(length))
    except (InvalidOperation, ValueError):
        raise _fail(
            "length_days", "Enter the length in school days, for example 2 or 1.5."
        ) from None
    if days <= 0:
        raise _fail("length_days", "The length must be at least half a day (0.5).")
    if (days * 2) != (days * 2).to_integral_value():
        raise _fail("length_days", "Enter the length in whole or half days, for example 1.5.")
    if days > MAX_SUSPENSION_DAYS_PER_YEAR:
        raise _fail(
            "length_days",
            f"A suspension cannot be longer than {MAX_SUSPENSION_DAYS_PER_YEAR} school days.",
        )
    return days


def _clean_start(start_date: date) -> date:
    """A first day no more than a year ahead: exclusions are recorded when they are
    decided, and school days can only be counted on a calendar that exists."""
    if start_date > timezone.localdate() + timedelta(days=366):
        raise _fail("start_date", "The first day cannot be more than a year from today.")
    return start_date


def _clean_reasons(reasons: list[str]) -> list[str]:
    codes = [code for code in reasons if code]
    if not codes:
        raise _fail("reason_1", "Choose at least one reason for the exclusion.")
    if len(codes) > MAX_EXCLUSION_REASONS:
        raise _fail("reason_1", f"Choose no more than {MAX_EXCLUSION_REASONS} reasons.")
    if len(set(codes)) != len(codes):
        raise _fail("reason_2", "Choose each reason only once.")
    for code in codes:
        if code not in ExclusionReason.values:
            raise _fail("reason_1", f"{code} is not a DfE exclusion reason code.")
    return codes + [""] * (MAX_EXCLUSION_REASONS - len(codes))


def check_suspension_limit(
    pupil: Pupil, *, start_date: date, length: Decimal, exclude_id: int | None = None
) -> None:
    """Refuse a suspension that would take the pupil past 45 school days in any school
    year. Each school day counts in the year it falls in, so a suspension over the
    summer counts partly towards each year (`exclusion_days`)."""
    calendar = selectors.calendar_of(pupil)
    before = selectors.suspension_days_by_year(pupil, calendar=calendar, exclude_id=exclude_id)
    new = days_by_school_year(calendar, [Suspension(0, start_date, length)])
    limit = Decimal(MAX_SUSPENSION_DAYS_PER_YEAR)
    for year, days in sorted(new.days.items()):
        already = before.days.get(year, Decimal("0"))
        if already + days <= limit:
            continue
        remaining = max(limit - already, Decimal("0"))
        label = school_year_label(year)
        message = (
            f"{pupil.display_name} has already been suspended for {already.normalize():f} "
            f"school days in {label}. A pupil may not be suspended for more than "
            f"{MAX_SUSPENSION_DAYS_PER_YEAR} school days in a school year, so no more "
            f"than {remaining.normalize():f} can be recorded"
        )
        if len(new.days) > 1:
            message += (
                f" in {label} (this suspension has {days.normalize():f} of its school days "
                f"in {label})"
            )
        message += "."
        if year in new.provisional_years | before.provisional_years:
            message += (
                f" Term dates for {label} are incomplete, so weekdays were counted as school days."
            )
        raise _fail("length_days", message)


def record_exclusion(
    *,
    by: User,
    pupil: Pupil,
    kind: str,
    start_date: date,
    length_days: Any = None,
    reasons: list[str],
    la_notified_date: date | None = None,
    notes: str = "",
) -> Exclusion:
    _require_editor(by, pupil.school)
    if kind not in ExclusionKind.values:
        raise _fail("kind", "Choose suspension or permanent exclusion.")
    start_date = _clean_start(start_date)
    length = _clean_length(kind, length_days)
    codes = _clean_reasons(reasons)
    with transaction.atomic():
        locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
        # Under the pupil's lock: a form sent twice (or three times) is recorded once.
        # No constraint can say this, so the service does: one exclusion of a kind per
        # start day; a correction is an edit of the one recorded.
        if Exclusion.objects.filter(pupil=locked, kind=kind, start_date=start_date).exists():
            label = ExclusionKind(kind).label.lower()
            raise _fail(
                "start_date",
                f"A {label} starting on {start_date:%-d %B %Y} is already recorded for "
                f"{locked.display_name}. Change that one if it needs correcting.",
            )
        if length is not None:
            check_suspension_limit(locked, start_date=start_date, length=length)
        exclusion = Exclusion.objects.create(
            pupil=locked,
            kind=kind,
            start_date=start_date,
            length_days=length,
            reason_1=codes[0],
            reason_2=codes[1],
            reason_3=codes[2],
            la_notified_date=la_notified_date,
            notes=notes or "",
        )
        record_event(
            by=by,
            action=PupilAction.EXCLUSION_RECORDED,
            target=exclusion,
            organisation=pupil.school,
            pupil_id=pupil.pk,
            changes={
                "kind": [None, kind],
                "start_date": [None, str(start_date)],
                "length_days": [None, None if length is None else str(length)],
                "reasons": [None, ", ".join(c for c in codes if c)],
                "la_notified_date": [None, str(la_notified_date) if la_notified_date else None],
            },
            summary=f"Recorded {exclusion}",
        )
    return exclusion


def update_exclusion(
    *,
    by: User,
    exclusion: Exclusion,
    start_date: date,
    length_days: Any = None,
    reasons: list[str],
    la_notified_date: date | None = None,
    notes: str = "",
) -> Exclusion:
    """Correct an exclusion (its kind cannot change: record a new one instead)."""
    pupil = exclusion.pupil
    _require_editor(by, pupil.school)
    start_date = _clean_start(start_date)
    length = _clean_length(exclusion.kind, length_days)
    codes = _clean_reasons(reasons)
    values = {
        "start_date": start_date,
        "length_days": length,
        "reason_1": codes[0],
        "reason_2": codes[1],
        "reason_3": codes[2],
        "la_notified_date": la_notified_date,
        "notes": notes or "",
    }
    with transaction.atomic():
        Pupil.objects.select_for_update().get(pk=pupil.pk)
        if length is not None:
            check_suspension_limit(
                pupil, start_date=start_date, length=length, exclude_id=exclusion.pk
            )
        diff = changed_fields(exclusion, values)
        if not diff:
            return exclusion
        for key, value in values.items():
            setattr(exclusion, key, value)
        exclusion.save()
        record_event(
            by=by,
            action=PupilAction.EXCLUSION_CHANGED,
            target=exclusion,
            organisation=pupil.school,
            pupil_id=pupil.pk,
            changes=diff,
            summary=f"Changed {exclusion}",
        )
    return exclusion


# --- photo --------------------------------------------------------------------------


def set_pupil_photo(*, by: User, pupil: Pupil, upload: Any) -> Pupil:
    """Store a PNG or JPEG photo (checked by content, not name) and use it for the pupil."""
    _require_editor(by, pupil.school)
    if not upload:
        raise _fail("photo", "Select a photo.")
    kind = uploads.check_upload(upload)
    if kind not in (uploads.PNG, uploads.JPEG):
        raise _fail("photo", "The photo must be a PNG or JPEG image.")
    with transaction.atomic():
        stored, _, _ = uploads.store_upload(upload, folder="pupil-photos")
        old = pupil.photo_path
        Pupil.objects.filter(pk=pupil.pk).update(photo_path=stored)
        pupil.photo_path = stored
        uploads.delete_after_commit(old)  # the replaced photo goes once this commits
        record_event(
            by=by,
            action=PupilAction.PHOTO_CHANGED,
            target=pupil,
            organisation=pupil.school,
            pupil_id=pupil.pk,
            changes={"photo": ["replaced" if old else None, "added"]},
            summary="Photo added" if not old else "Photo replaced",
        )
    return pupil


def remove_pupil_photo(*, by: User, pupil: Pupil) -> Pupil:
    _require_editor(by, pupil.school)
    if not pupil.photo_path:
        return pupil
    with transaction.atomic():
        old = pupil.photo_path
        Pupil.objects.filter(pk=pupil.pk).update(photo_path="")
        pupil.photo_path = ""
        uploads.delete_after_commit(old)  # the file goes once the removal commits
        record_event(
            by=by,
            action=PupilAction.PHOTO_REMOVED,
            target=pupil,
            organisation=pupil.school,
            pupil_id=pupil.pk,
            changes={"photo": ["present", None]},
            summary="Photo removed",
        )
    return pupil
