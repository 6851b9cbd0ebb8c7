"""Writes to a referral other than its status: drafting sections, interventions,
documents and the headteacher's sign-off.

Rules:
- Only the school's inclusion lead or headteacher edits, and only while the referral is
  a draft or has been returned for more information.
- Any change after the headteacher's sign-off clears it: the head signs what is sent.
- Each edit carries the version the user saw; a stale version is refused, so two people
  editing at once cannot overwrite each other unseen.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import changed_fields, record_case_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.core.uploads import delete_after_commit, store_upload
from apcase.core.words import counted
from apcase.pupils.models import Pupil

from . import consent, panels
from .audit import ReferralAction
from .models import Intervention, Referral, ReferralDocument
from .sections import SECTIONS_BY_SLUG


def prefill_from_pupil_record(pupil: Pupil) -> dict[str, str]:
    """The exclusions summary, written from the pupil record's exclusion history (the
    school reviews and edits it). Attendance is not held yet: the school writes it."""
    from apcase.pupils.selectors import exclusion_history

    history = exclusion_history(pupil)
    if not history.lines:
        return {"exclusions_summary": "No suspensions or exclusions recorded."}
    lines = []
    for line in history.lines:
        exclusion = line.exclusion
        codes = ", ".join(exclusion.reasons)
        lines.append(f"{exclusion}" + (f" (reason codes: {codes})" if codes else ""))
    for year in history.years:
        lines.append(f"Suspensions in {year.label}: {counted(year.days, 'school day')} in total.")
    return {"exclusions_summary": "\n".join(lines)}


@transaction.atomic
def start_referral(*, by: User, pupil: Pupil) -> Referral:
    if not (set(policies.roles_in(by, pupil.school)) & policies.REFERRAL_SCHOOL_EDITOR_ROLES):
        raise NotPermitted("You cannot refer this pupil.")
    panel = panels.panel_for_school(pupil.school)
    if panel is None:
        raise ValidationFailed("Your local authority has no inclusion panel in this service yet.")
    open_statuses = [
        Referral.Status.DRAFT,
        Referral.Status.SUBMITTED,
        Referral.Status.SCHEDULED,
        Referral.Status.DEFERRED,
        Referral.Status.MORE_INFORMATION,
    ]
    if Referral.objects.filter(pupil=pupil, status__in=open_statuses).exists():
        raise ValidationFailed(f"{pupil} already has an open referral. Continue that one instead.")
    referral = Referral.objects.create(
        pupil=pupil,
        school=pupil.school,
        panel=panel,
        created_by=by,
        **prefill_from_pupil_record(pupil),
    )
    record_case_event(
        referral,
        by=by,
        action=ReferralAction.STARTED,
        summary=f"Referral to {panel} started",
        changes={"status": [None, Referral.Status.DRAFT]},
    )
    return referral


def _check_editable(referral: Referral, *, by: User, version: int | None) -> None:
    if not policies.can_edit_referral(by, referral):
        raise NotPermitted("You cannot change this referral.")
    if not referral.is_editable:
        raise TransitionNotAllowed(
            f"A referral that is {referral.get_status_display().lower()} cannot be changed."
        )
    if version is not None and version != referral.version:
        raise ValidationFailed(
            "Someone else changed this referral while you were editing it. "
            "Your changes were not saved: check the referral and make them again."
        )


def _touch(
    referral: Referral, *, by: User, action: ReferralAction, summary: str, changes: dict[str, Any]
) -> None:
    """Clear a sign-off the change invalidates, then save the next version."""
    fields = []
    if referral.signed_off_by_id is not None:
        changes["signed_off_by"] = [str(referral.signed_off_by_id), None]
        referral.signed_off_by = None
        referral.signed_off_at = None
        fields = ["signed_off_by", "signed_off_at"]
    save_new_version(referral, fields, by=by, action=action, summary=summary, changes=changes)


def save_new_version(
    referral: Referral,
    fields: list[str],
    *,
    by: User,
    action: ReferralAction,
    summary: str,
    changes: dict[str, Any],
) -> None:
    """Save `fields` as the referral's next version, so a form open on an older one is
    refused, and record the change in its chronology. The edits here and the status
    changes of referrals.workflow all end with it, in the caller's transaction and lock."""
    referral.version += 1
    referral.save(update_fields=[*fields, "version", "updated_at"])
    record_case_event(referral, by=by, action=action, summary=summary, changes=changes)


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("school").get(pk=referral.pk)


@transaction.atomic
def update_section(
    referral: Referral, *, by: User, section: str, values: dict[str, Any], version: int | None
) -> Referral:
    referral = _locked(referral)
    _check_editable(referral, by=by, version=version)
    spec = SECTIONS_BY_SLUG.get(section)
    if spec is None:
        raise ValidationFailed("No such section.")
    allowed = set(spec.fields) | {"interventions_complete", "documents_complete"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(f"Unexpected fields: {', '.join(sorted(unknown))}.")
    if "consent" in values:
        values = _checked_consent(values)
    diff = changed_fields(referral, values)
    for name, value in values.items():
        setattr(referral, name, value)
    referral.save(update_fields=[*values, "updated_at"])
    _touch(
        referral,
        by=by,
        action=ReferralAction.SECTION_UPDATED,
        summary=f"Referral section updated: {spec.title}",
        changes=diff,
    )
    return referral


def _checked_consent(values: dict[str, Any]) -> dict[str, Any]:
    """The consent answer with what it does not use emptied; refused when it lacks what
    sharing needs (`referrals.consent`: a lawful basis without consent, and a record of
    telling the parents when a parent refused)."""
    values = consent.cleared(values)
    errors = consent.problems(values.get, new=True)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors)
    return values


@transaction.atomic
def add_intervention(
    referral: Referral,
    *,
    by: User,
    description: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    outcome: str,
) -> Intervention:
    referral = _locked(referral)
    _check_editable(referral, by=by, version=None)
    if ended_on is not None and ended_on < started_on:
        raise ValidationFailed(
            "The end date must be on or after the start date.",
            {"ended_on": ["The end date must be on or after the start date."]},
        )
    intervention = Intervention.objects.create(
        referral=referral,
        description=description.strip(),
        started_on=started_on,
        ended_on=ended_on,
        outcome=outcome.strip(),
    )
    _touch(
        referral,
        by=by,
        action=ReferralAction.INTERVENTION_ADDED,
        summary=f"Intervention added: {intervention.description[:80]}",
        changes={"intervention": [None, str(intervention.pk)]},
    )
    return intervention


@transaction.atomic
def remove_intervention(referral: Referral, *, by: User, intervention_id: int) -> None:
    referral = _locked(referral)
    _check_editable(referral, by=by, version=None)
    intervention = referral.interventions.filter(pk=intervention_id).first()
    if intervention is None:
        raise ValidationFailed("That intervention is not on this referral.")
    intervention.delete()
    _touch(
        referral,
        by=by,
        action=ReferralAction.INTERVENTION_REMOVED,
        summary="Intervention removed",
        changes={"intervention": [str(intervention_id), None]},
    )


@transaction.atomic
def add_document(referral: Referral, *, by: User, title: str, upload: Any) -> ReferralDocument:
    referral = _locked(referral)
    _check_editable(referral, by=by, version=None)
    if not title.strip():
        raise ValidationFailed("Enter a title for the document.", {"title": ["Enter a title."]})
    stored, kind, original = store_upload(upload, folder="referrals", field="upload")
    document = ReferralDocument.objects.create(
        referral=referral,
        title=title.strip(),
        original_name=original,
        stored_path=stored,
        extension=kind.extension,
        size=upload.size,
        uploaded_by=by,
    )
    _touch(
        referral,
        by=by,
        action=ReferralAction.DOCUMENT_ADDED,
        summary=f"Document added: {document.title}",
        changes={"document": [None, str(document.pk)]},
    )
    return document


@transaction.atomic
def remove_document(referral: Referral, *, by: User, document_id: int) -> None:
    referral = _locked(referral)
    _check_editable(referral, by=by, version=None)
    document = referral.documents.filter(pk=document_id).first()
    if document is None:
        raise ValidationFailed("That document is not on this referral.")
    stored_path = document.stored_path
    document.delete()
    delete_after_commit(stored_path)  # the file goes once the removal commits
    _touch(
        referral,
        by=by,
        action=ReferralAction.DOCUMENT_REMOVED,
        summary="Document removed",
        changes={"document": [str(document_id), None]},
    )


@transaction.atomic
def sign_off_referral(referral: Referral, *, by: User) -> Referral:
    referral = _locked(referral)
    if not policies.can_sign_off_referral(by, referral):
        raise NotPermitted("Only the school's headteacher can sign a referral off.")
    if not referral.is_editable:
        raise TransitionNotAllowed("This referral has already been sent to the panel.")
    from .sections import incomplete_sections

    if incomplete_sections(referral):
        raise ValidationFailed("Complete every section before signing the referral off.")
    referral.signed_off_by = by
    referral.signed_off_at = timezone.now()
    save_new_version(
        referral,
        ["signed_off_by", "signed_off_at"],
        by=by,
        action=ReferralAction.SIGNED_OFF,
        summary="Referral signed off by the headteacher",
        changes={"signed_off_by": [None, str(by.pk)]},
    )
    return referral
