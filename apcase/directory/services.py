"""Writes to the provider directory. Each function takes the acting user as `by`,
checks the named predicate, validates, writes and records one audit event in the same
transaction. The LA that runs a directory owns its edits (can_edit_provider)."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.chronology.services import added, changed_fields, record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.core.uploads import store_upload
from apcase.notifications.services import absolute_url, queue_email

from . import gias, selectors
from .assurance import Status
from .audit import DirectoryAction
from .models import (
    AssuranceAlert,
    AssuranceKind,
    AssuranceRecord,
    Inspection,
    ProviderProfile,
    ProviderService,
    Registration,
    Site,
)
from .ofsted import REPORT_CARD_AREAS, LegacyGrade, ReportCardGrade, Scale

ORGANISATION_FIELDS = [
    "name",
    "ukprn",
    "website",
    "street",
    "locality",
    "town",
    "postcode",
    "phase",
]
PROFILE_FIELDS = [
    "registration",
    "ap_setting_type",
    "age_from",
    "age_to",
    "main_contact_name",
    "main_contact_email",
    "main_contact_phone",
    "dsl_name",
    "dsl_email",
    "dsl_phone",
    "capacity",
]


def _require_editor(by: User, provider: Organisation) -> None:
    if provider.kind != OrganisationKind.PROVIDER or not policies.can_edit_provider(by, provider):
        raise NotPermitted("You cannot change this provider.")


def _check_profile(values: dict[str, Any]) -> None:
    errors: dict[str | None, list[str]] = {}
    age_from, age_to = values.get("age_from"), values.get("age_to")
    if age_from is not None and age_to is not None and age_from > age_to:
        errors["age_to"] = ["The oldest age must be the same as or more than the youngest age."]
    if values.get("ap_setting_type") and values.get("registration") != Registration.UNREGISTERED:
        errors["ap_setting_type"] = ["Only an unregistered provider has an AP setting type."]
    if errors:
        raise ValidationFailed("Check the provider's details.", errors)


def profile_of(provider: Organisation) -> ProviderProfile:
    """The provider's profile, or an unsaved default one (registered if it has a URN)."""
    profile = getattr(provider, "provider_profile", None)
    if profile is None:
        profile = ProviderProfile(
            organisation=provider,
            registration=Registration.REGISTERED if provider.urn else Registration.UNREGISTERED,
            version=0,
        )
    return profile


def create_provider(
    *,
    by: User,
    local_authority: Organisation,
    organisation: dict[str, Any],
    profile: dict[str, Any],
) -> Organisation:
    """Add a provider GIAS does not list (usually an unregistered one)."""
    if local_authority.pk not in policies.organisation_ids_for(
        by, policies.LA_DIRECTORY_EDITOR_ROLES
    ):
        raise NotPermitted("You cannot add providers to this local authority's directory.")
    _check_profile(profile)
    with transaction.atomic():
        provider = Organisation.objects.create(
            kind=OrganisationKind.PROVIDER,
            local_authority=local_authority,
            la_code=local_authority.la_code,
            **{f: organisation.get(f) for f in ORGANISATION_FIELDS if f in organisation},
        )
        ProviderProfile.objects.create(
            organisation=provider, **{f: profile[f] for f in PROFILE_FIELDS if f in profile}
        )
        record_event(
            by=by,
            action=DirectoryAction.PROVIDER_ADDED,
            target=provider,
            organisation=local_authority,
            changes={
                "name": [None, provider.name],
                **{f: [None, str(v)] for f, v in profile.items()},
            },
            summary=f"Added provider {provider.name}",
        )
    return provider


def update_provider(
    *,
    by: User,
    provider: Organisation,
    version: int,
    organisation: dict[str, Any],
    profile: dict[str, Any],
) -> Organisation:
    """Change a provider's details. Fields GIAS keeps (for a provider with a URN) are
    not changed here: the next import would undo them."""
    _require_editor(by, provider)
    _check_profile(profile)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=provider.pk)
        current = profile_of(locked)
        if current.version != version:
            raise ValidationFailed(
                "Someone else changed this provider while you were editing. "
                "Check its details and make your change again."
            )
        org_values = {f: organisation[f] for f in ORGANISATION_FIELDS if f in organisation}
        if locked.urn is not None:
            org_values = {}
        profile_values = {f: profile[f] for f in PROFILE_FIELDS if f in profile}
        diff = {**changed_fields(locked, org_values), **changed_fields(current, profile_values)}
        for f, v in org_values.items():
            setattr(locked, f, v)
        for f, v in profile_values.items():
            setattr(current, f, v)
        current.version += 1
        if org_values:
            locked.save(update_fields=[*org_values, "updated_at"])
        current.save()
        record_event(
            by=by,
            action=DirectoryAction.PROVIDER_CHANGED,
            target=locked,
            organisation=locked.local_authority,
            changes=diff,
            summary=f"Changed the details of {locked.name}",
        )
    return locked


def add_service(*, by: User, provider: Organisation, category: str, name: str) -> ProviderService:
    _require_editor(by, provider)
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the service's name.", {"name": ["Enter the service's name."]})
    if ProviderService.objects.filter(organisation=provider, name__iexact=name).exists():
        raise ValidationFailed(
            "This provider already lists that service.",
            {"name": ["This provider already lists a service with that name."]},
        )
    with transaction.atomic():
        service = ProviderService.objects.create(
            organisation=provider, category=category, name=name
        )
        record_event(
            by=by,
            action=DirectoryAction.SERVICE_ADDED,
            target=service,
            organisation=provider.local_authority,
            changes={
                "provider": [None, provider.pk],
                "category": [None, category],
                "name": [None, name],
            },
            summary=f"Added service {name} to {provider.name}",
        )
    return service


def remove_service(*, by: User, service: ProviderService) -> None:
    provider = service.organisation
    _require_editor(by, provider)
    with transaction.atomic():
        record_event(
            by=by,
            action=DirectoryAction.SERVICE_REMOVED,
            target=service,
            organisation=provider.local_authority,
            changes={"provider": [provider.pk, None], "name": [service.name, None]},
            summary=f"Removed service {service.name} from {provider.name}",
        )
        service.delete()


def add_site(*, by: User, provider: Organisation, values: dict[str, Any]) -> Site:
    _require_editor(by, provider)
    with transaction.atomic():
        if values.get("is_main"):
            Site.objects.filter(organisation=provider, is_main=True).update(is_main=False)
        site = Site.objects.create(organisation=provider, **values)
        record_event(
            by=by,
            action=DirectoryAction.SITE_ADDED,
            target=site,
            organisation=provider.local_authority,
            changes={
                "provider": [None, provider.pk],
                **{k: [None, str(v)] for k, v in values.items()},
            },
            summary=f"Added site {site.name} to {provider.name}",
        )
    return site


def deactivate_site(*, by: User, site: Site) -> Site:
    """Sites are kept for the placements that name them; this marks one as no longer used."""
    provider = site.organisation
    _require_editor(by, provider)
    if not site.is_active:
        raise ValidationFailed("This site is already marked as no longer used.")
    with transaction.atomic():
        site.is_active = False
        site.is_main = False
        site.save(update_fields=["is_active", "is_main", "updated_at"])
        record_event(
            by=by,
            action=DirectoryAction.SITE_DEACTIVATED,
            target=site,
            organisation=provider.local_authority,
            changes={"is_active": [True, False]},
            summary=f"Marked site {site.name} of {provider.name} as no longer used",
        )
    return site


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
        record_event(
            by=by,
            action=DirectoryAction.INSPECTION_RECORDED,
            target=inspection,
            organisation=provider.local_authority,
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


def add_assurance_record(
    *,
    by: User,
    provider: Organisation,
    kind: str,
    received_on: date,
    expires_on: date,
    undertakes_to_report_changes: bool,
    notes: str,
    document: "File[Any]",
    today: date,
) -> AssuranceRecord:
    _require_editor(by, provider)
    errors: dict[str | None, list[str]] = {}
    if kind not in AssuranceKind.values:
        errors["kind"] = ["Select the kind of assurance."]
    if received_on > today:
        errors["received_on"] = ["The date received must be today or in the past."]
    if expires_on < received_on:
        errors["expires_on"] = ["The expiry date must be on or after the date received."]
    if kind == AssuranceKind.VETTING and not undertakes_to_report_changes:
        errors["undertakes_to_report_changes"] = [
            "Confirm the provider has undertaken to report changes, such as new staff."
        ]
    if errors:
        raise ValidationFailed("Check the assurance record.", errors)
    with transaction.atomic():
        try:
            path, file_kind, original = store_upload(document, folder="assurance")
        except ValidationFailed as error:
            raise ValidationFailed(str(error), {"document": [str(error)]}) from error
        record = AssuranceRecord.objects.create(
            organisation=provider,
            kind=kind,
            received_on=received_on,
            expires_on=expires_on,
            undertakes_to_report_changes=undertakes_to_report_changes,
            notes=notes,
            document_path=path,
            document_name=original,
            document_extension=file_kind.extension,
            recorded_by=by,
        )
        record_event(
            by=by,
            action=DirectoryAction.ASSURANCE_RECORDED,
            target=record,
            organisation=provider.local_authority,
            changes={
                "provider": [None, provider.pk],
                "kind": [None, kind],
                "received_on": [None, str(received_on)],
                "expires_on": [None, str(expires_on)],
                "document": [None, original],
            },
            summary=f"Recorded {AssuranceKind(kind).label.lower()} for {provider.name}",
        )
    return record


def import_gias(
    *,
    by: User | None,
    data: bytes,
    filename: str,
    skip_invalid: bool,
    authority: Organisation | None = None,
    national: bool = False,
    progress: gias.Progress | None = None,
    apply_progress: gias.Progress | None = None,
) -> gias.ImportResult:
    """Import a GIAS establishment file, either for one local `authority` or, with
    `national`, the file of all England. Every row is checked first; if any is invalid,
    nothing is applied unless `skip_invalid`. `by` is None only for the command line.

    One authority's import applies only the rows with its LA code and refuses (by line)
    a row for an establishment another authority holds: it can neither move nor close
    it. Only the national import (a system admin, or the operator's command) may change
    an establishment's authority; each change is its own audit event
    (`directory.establishment_moved_la`). Raises GiasFileError when the file as a
    whole cannot be read."""
    if national == (authority is not None):
        raise ValueError("Give exactly one of `authority` and `national`.")
    if authority is not None:
        if authority.kind != OrganisationKind.LOCAL_AUTHORITY or not authority.la_code:
            raise ValidationFailed("Choose a local authority with an LA code.")
        if by is not None and not policies.can_import_gias_for(by, authority):
            raise NotPermitted("Only an administrator of this local authority can import for it.")
    elif by is not None and not policies.can_import_gias_nationally(by):
        raise NotPermitted("Only a system administrator can import the national GIAS file.")
    parsed = gias.parse(data, progress=progress)
    result = gias.ImportResult(total_rows=parsed.total_rows)
    rows = parsed.rows
    if authority is not None:
        in_scope = [r for r in rows if r.values["la_code"] == authority.la_code]
        result.outside_scope = len(rows) - len(in_scope)
        rows = in_scope
    with transaction.atomic():
        existing = gias.existing_by_urn(r.urn for r in rows)
        refused = gias.check_against(rows, existing)
        if authority is not None:
            refused += gias.check_scope(
                rows, existing, authority_id=authority.pk, la_code=authority.la_code
            )
        result.errors = sorted(parsed.errors + refused, key=lambda e: e.line)
        bad_lines = {e.line for e in refused}
        rows = [r for r in rows if r.line not in bad_lines]
        result.valid_rows = len(rows)
        if result.errors and not skip_invalid:
            return result
        result.skipped_invalid = len({e.line for e in result.errors})
        gias.apply(
            rows,
            existing,
            result,
            authority_id=authority.pk if authority is not None else None,
            progress=apply_progress,
        )
        result.applied = True
        changed = sorted(result.changed_urns)
        kind = f"LA {authority.la_code}" if authority is not None else "national"
        record_event(
            by=by,
            action=DirectoryAction.GIAS_IMPORTED,
            target=("gias_file", hashlib.sha256(data).hexdigest()),
            organisation=authority,
            changes=added(
                {
                    **result.counts(),
                    "scope": kind,
                    "filename": filename,
                    "changed_urns": changed[:500],
                    "changed_urns_truncated": len(changed) > 500,
                    "skipped_lines": [e.line for e in result.errors][:500],
                }
            ),
            summary=(
                f"GIAS import ({kind}) of {filename}: {result.created} added, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.closed} marked closed, {result.moved} moved to another local "
                f"authority, {result.skipped_invalid} invalid rows skipped"
            ),
        )
        _record_moves(by, result.moves, kind)
    return result


def _record_moves(
    by: User | None, moves: list[tuple[int, int, str, int | None, int | None]], kind: str
) -> None:
    """One audit event per establishment whose local authority changed, under the
    authority it moved to (so both sides can find it), with the old and the new."""
    if not moves:
        return
    ids = {la for move in moves for la in move[3:] if la is not None}
    authorities = Organisation.objects.in_bulk(list(ids))
    for urn, pk, name, old, new in moves:
        before, after = authorities.get(old) if old else None, authorities.get(new) if new else None
        record_event(
            by=by,
            action=DirectoryAction.ESTABLISHMENT_MOVED_LA,
            target=(Organisation._meta.label_lower, pk),
            organisation=after or before,
            changes={
                "urn": [None, urn],
                "local_authority": [old, new],
                "local_authority_name": [str(before or ""), str(after or "")],
                "import": [None, kind],
            },
            summary=(
                f"{name} (URN {urn}) moved from {before or 'no local authority'} "
                f"to {after or 'no local authority'} by a GIAS import ({kind})"
            ),
        )


# --- assurance alerts (a scheduled job: `manage.py check_assurance`) -----------------


@dataclass
class AlertRun:
    sent: int = 0  # alerts recorded (one per record, state and school)
    emails: int = 0
    # (school, provider, what) where nobody holds the role to be told: said out loud
    # by the command and tried again on the next run.
    nobody_to_tell: list[str] = field(default_factory=list)


def lapse_text(record: AssuranceRecord, state: str) -> str:
    """ "Insurance for Bridge Academy runs out on 20 December 2026." and the like."""
    label = record.get_kind_display()
    if state == Status.EXPIRED:
        return f"{label} for {record.organisation} ran out on {record.expires_on:%-d %B %Y}."
    return f"{label} for {record.organisation} runs out on {record.expires_on:%-d %B %Y}."


def alert_recipients(school: Organisation) -> tuple[list[str], str]:
    """Who at `school` is told now: its current inclusion lead(s), from their active
    memberships; if it has none, its headteacher(s), so the alert still reaches a
    person. Returns (addresses, the role told)."""
    for role in (Role.INCLUSION_LEAD, Role.HEADTEACHER):
        emails = sorted(
            set(
                User.objects.filter(
                    is_active=True,
                    memberships__organisation=school,
                    memberships__role=role,
                    memberships__is_active=True,
                ).values_list("email", flat=True)
            )
        )
        if emails:
            return emails, Role(role).label
    return [], ""


def send_assurance_alerts(*, today: date | None = None) -> AlertRun:
    """Tell the inclusion lead(s) of every school with a pupil in an open placement at a
    provider whose assurance record (the latest of its kind) is expiring within
    APCASE_ASSURANCE_WARNING_DAYS or has expired: once per record, state and school,
    by email with a full link. A system job (no acting user); each alert is one audit
    event. Safe to run again: what was sent is in AssuranceAlert."""
    today = today or timezone.localdate()
    run = AlertRun()
    lapsing = selectors.lapsing_assurance(today=today)
    if not lapsing:
        return run
    sent = set(
        AssuranceAlert.objects.filter(record__in=[item.record for item in lapsing]).values_list(
            "record_id", "state", "school_id"
        )
    )
    school_ids = {school_id for item in lapsing for school_id in item.schools}
    schools = Organisation.objects.in_bulk(list(school_ids))
    for item in lapsing:
        link = absolute_url(
            reverse("directory:provider_detail", kwargs={"provider_id": item.provider.pk})
        )
        for school_id, pupils in sorted(item.schools.items()):
            if (item.record.pk, item.state.value, school_id) in sent:
                continue
            school = schools[school_id]
            with transaction.atomic():
                to, role = alert_recipients(school)
                what = lapse_text(item.record, item.state)
                if not to:
                    run.nobody_to_tell.append(f"{school}: {what}")
                    continue
                alert = AssuranceAlert.objects.create(
                    record=item.record, state=item.state.value, school=school, sent_to=to
                )
                record_event(
                    by=None,
                    action=DirectoryAction.ASSURANCE_ALERT_SENT,
                    target=alert,
                    organisation=school,
                    summary=f"Told {role.lower()} of {school}: {what}",
                    changes=added({"state": item.state.value, "sent_to": to}),
                )
                placed = f"{pupils} pupil{'s' if pupils != 1 else ''} from {school} "
                placed += "is" if pupils == 1 else "are"
                fallback = (
                    ""
                    if role == Role.INCLUSION_LEAD.label
                    else f"\n\nYou are told because {school} has no inclusion lead in the service."
                )
                for address in to:
                    queue_email(
                        to=address,
                        subject=f"Assurance {item.state.value}: {item.provider}"[:200],
                        body=(
                            f"{what} {placed} placed there now.\n\n"
                            "The school stays responsible for the safety of pupils it "
                            "places. Ask the provider and the local authority for "
                            "up-to-date evidence, and decide whether the placement can "
                            f"continue.\n\nThe provider in the directory: {link}{fallback}"
                        ),
                    )
                    run.emails += 1
                run.sent += 1
    return run
