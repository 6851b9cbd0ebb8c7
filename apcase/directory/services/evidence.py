"""What assures a provider: Ofsted inspections (legacy grades or report cards) and the
LA's assurance records (vetting confirmations, insurance, checks), each with its
document kept outside the web root."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import transaction

from apcase.accounts.models import Organisation, User
from apcase.chronology.services import added
from apcase.core.errors import ValidationFailed
from apcase.core.uploads import store_upload

from ..audit import DirectoryAction
from ..models import AssuranceKind, AssuranceRecord, Inspection
from ..ofsted import REPORT_CARD_AREAS, LegacyGrade, ReportCardGrade, Scale
from .providers import _require_editor, record_directory_event


def record_inspection(
    *,
    by: User,
    provider: Organisation,
    scale: str,
    inspected_on: date,
    overall_grade: str = "",
    area_grades: dict[str, str] | None = None,
    safeguarding_met: bool | None = None,
    today: date,
) -> Inspection:
    """One inspection on one scale: a legacy overall grade, or a report card."""
    _require_editor(by, provider)
    errors: dict[str | None, list[str]] = {}
    area_grades = {k: v for k, v in (area_grades or {}).items() if v}
    if inspected_on > today:
        errors["inspected_on"] = ["The inspection date must be today or in the past."]
    if scale == Scale.LEGACY:
        if overall_grade not in LegacyGrade.values:
            errors["overall_grade"] = ["Select the overall grade."]
        if area_grades or safeguarding_met is not None:
            errors[None] = ["A legacy inspection has one overall grade and no report-card grades."]
    elif scale == Scale.REPORT_CARD:
        if overall_grade:
            errors["overall_grade"] = ["A report card has no single overall grade."]
        if not area_grades:
            errors[None] = ["Select a grade for at least one area of the report card."]
        bad = [
            a
            for a, g in area_grades.items()
            if a not in REPORT_CARD_AREAS or g not in ReportCardGrade.values
        ]
        if bad:
            errors[None] = ["Select grades from the report-card scale only."]
        if safeguarding_met is None:
            errors["safeguarding_met"] = ["Select whether safeguarding was met."]
    else:
        errors["scale"] = ["Select the kind of inspection."]
    if (
        not errors
        and Inspection.objects.filter(
            organisation=provider, scale=scale, inspected_on=inspected_on
        ).exists()
    ):
        errors["inspected_on"] = ["An inspection on this date and scale is already recorded."]
    if errors:
        raise ValidationFailed("Check the inspection.", errors)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            organisation=provider,
            scale=scale,
            inspected_on=inspected_on,
            overall_grade=overall_grade if scale == Scale.LEGACY else "",
            area_grades=area_grades if scale == Scale.REPORT_CARD else {},
            safeguarding_met=safeguarding_met if scale == Scale.REPORT_CARD else None,
        )
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.INSPECTION_RECORDED,
            target=inspection,
            changes={
                "provider": [None, provider.pk],
                "scale": [None, scale],
                "inspected_on": [None, str(inspected_on)],
                "overall_grade": [None, inspection.overall_grade],
                "area_grades": [None, inspection.area_grades],
                "safeguarding_met": [None, inspection.safeguarding_met],
            },
            summary=f"Recorded an Ofsted inspection of {provider.name}",
        )
    return inspection


@dataclass(frozen=True)
class AssuranceDetails:
    """What a piece of assurance evidence is: its kind, when it was received and when it
    expires, whether the provider undertook to report changes, and any notes."""

    kind: str
    received_on: date
    expires_on: date
    undertakes_to_report_changes: bool
    notes: str


def add_assurance_record(
    *,
    by: User,
    provider: Organisation,
    details: AssuranceDetails,
    document: "File[Any]",
    today: date,
) -> AssuranceRecord:
    _require_editor(by, provider)
    errors: dict[str | None, list[str]] = {}
    if details.kind not in AssuranceKind.values:
        errors["kind"] = ["Select the kind of assurance."]
    if details.received_on > today:
        errors["received_on"] = ["The date received must be today or in the past."]
    if details.expires_on < details.received_on:
        errors["expires_on"] = ["The expiry date must be on or after the date received."]
    if details.kind == AssuranceKind.VETTING and not details.undertakes_to_report_changes:
        errors["undertakes_to_report_changes"] = [
            "Confirm the provider has undertaken to report changes, such as new staff."
        ]
    if errors:
        raise ValidationFailed("Check the assurance record.", errors)
    with transaction.atomic():
        path, file_kind, original = store_upload(document, folder="assurance", field="document")
        record = AssuranceRecord.objects.create(
            organisation=provider,
            kind=details.kind,
            received_on=details.received_on,
            expires_on=details.expires_on,
            undertakes_to_report_changes=details.undertakes_to_report_changes,
            notes=details.notes,
            document_path=path,
            document_name=original,
            document_extension=file_kind.extension,
            recorded_by=by,
        )
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.ASSURANCE_RECORDED,
            target=record,
            changes=added(
                {
                    "provider": provider.pk,
                    "kind": details.kind,
                    "received_on": details.received_on,
                    "expires_on": details.expires_on,
                    "document": original,
                }
            ),
            summary=f"Recorded {AssuranceKind(details.kind).label.lower()} for {provider.name}",
        )
    return record
