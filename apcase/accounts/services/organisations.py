"""Organisations: only a system admin adds one or changes its details; a school or a
provider sits under a local authority."""

from typing import Any

from django.db import transaction

from apcase.access import policies
from apcase.chronology.services import added, changed_fields, record_event
from apcase.core.errors import NotPermitted, ValidationFailed

from ..audit import AccountAction
from ..models import Organisation, User
from ..roles import OrganisationKind

KINDS_UNDER_A_LOCAL_AUTHORITY = frozenset({OrganisationKind.SCHOOL, OrganisationKind.PROVIDER})
ORGANISATION_FIELDS = (
    "name",
    "local_authority",
    "urn",
    "ukprn",
    "la_code",
    "status",
    "street",
    "town",
    "postcode",
    "website",
)


def create_organisation(*, by: User, kind: str, name: str, **details: Any) -> Organisation:
    """A new school, local authority, provider or platform organisation; `details` are
    any of ORGANISATION_FIELDS."""
    if not policies.can_manage_organisations(by):
        raise NotPermitted("Only system administrators can add organisations.")
    if kind not in OrganisationKind.values:
        raise ValidationFailed("Choose a kind of organisation.", {"kind": ["Select a kind"]})
    organisation = Organisation(kind=kind)
    _apply(organisation, {"name": name, **details})
    with transaction.atomic():
        organisation.save()
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_CREATED,
            target=organisation,
            organisation=organisation,
            changes=added({"kind": kind, "name": organisation.name}),
            summary=f"Added {organisation.get_kind_display().lower()} {organisation.name}",
        )
    return organisation


def update_organisation(*, by: User, organisation: Organisation, **details: Any) -> Organisation:
    if not policies.can_manage_organisations(by):
        raise NotPermitted("Only system administrators can change organisations.")
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = changed_fields(locked, details)
        _apply(locked, details)
        if not changes:
            return locked
        locked.save()
        record_event(
            by=by,
            action=AccountAction.ORGANISATION_UPDATED,
            target=locked,
            organisation=locked,
            changes=changes,
            summary=f"Changed the details of {locked.name}",
        )
    return locked


def _apply(organisation: Organisation, details: dict[str, Any]) -> None:
    unknown = set(details) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"Not organisation fields: {sorted(unknown)}")
    for field, value in details.items():
        setattr(organisation, field, value.strip() if isinstance(value, str) else value)
    errors: dict[str | None, list[str]] = {}
    if not organisation.name:
        errors["name"] = ["Enter the organisation's name"]
    la = organisation.local_authority
    if organisation.kind in KINDS_UNDER_A_LOCAL_AUTHORITY and la is None:
        errors["local_authority"] = [
            f"Select the local authority this {organisation.get_kind_display().lower()} belongs to"
        ]
    elif organisation.kind not in KINDS_UNDER_A_LOCAL_AUTHORITY and la is not None:
        errors["local_authority"] = ["Only schools and providers belong to a local authority"]
    elif la is not None and la.kind != OrganisationKind.LOCAL_AUTHORITY:
        errors["local_authority"] = ["Select a local authority"]
    urn = organisation.urn
    if (
        urn is not None
        and Organisation.objects.filter(urn=urn).exclude(pk=organisation.pk).exists()
    ):
        errors["urn"] = ["Another organisation already has this URN"]
    if errors:
        raise ValidationFailed("Check the organisation's details.", errors)
