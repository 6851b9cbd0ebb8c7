"""A provider's directory entry: its details and profile, the services it offers and the
sites it uses. Only the LA that runs the directory edits it (can_edit_provider)."""

from typing import Any

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.chronology.services import Changes, added, changed_fields, record_event
from apcase.core.errors import NotPermitted, ValidationFailed

from ..audit import DirectoryAction
from ..models import ProviderProfile, ProviderService, Registration, Site

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


def record_directory_event(
    provider: Organisation,
    *,
    by: User,
    action: DirectoryAction,
    target: Any,
    summary: str,
    changes: Changes,
) -> None:
    """The audit event of a change to `provider`'s entry (its details, a service, a site,
    an inspection, an assurance record): filed under the local authority whose directory
    it is, which owns its edits."""
    record_event(
        by=by,
        action=action,
        target=target,
        organisation=provider.local_authority,
        changes=changes,
        summary=summary,
    )


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
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.PROVIDER_ADDED,
            target=provider,
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
        record_directory_event(
            locked,
            by=by,
            action=DirectoryAction.PROVIDER_CHANGED,
            target=locked,
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
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.SERVICE_ADDED,
            target=service,
            changes=added({"provider": provider.pk, "category": category, "name": name}),
            summary=f"Added service {name} to {provider.name}",
        )
    return service


def remove_service(*, by: User, service: ProviderService) -> None:
    provider = service.organisation
    _require_editor(by, provider)
    with transaction.atomic():
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.SERVICE_REMOVED,
            target=service,
            changes={"provider": [provider.pk, None], "name": [service.name, None]},
            summary=f"Removed service {service.name} from {provider.name}",
        )
        service.delete()


def _refuse_same_site(provider: Organisation, name: str) -> None:
    """A provider's sites are told apart by name: one differing only in case or spaces
    would be listed twice, and a placement could name either."""
    key = Site.name_key(name)
    same = next(
        (s for s in Site.objects.filter(organisation=provider) if Site.name_key(s.name) == key),
        None,
    )
    if same is None:
        return
    unused = "" if same.is_active else " (marked as no longer used)"
    message = f"This provider already has a site called {same.name}{unused}: give the new site another name."
    raise ValidationFailed(message, {"name": [message]})


def add_site(*, by: User, provider: Organisation, values: dict[str, Any]) -> Site:
    _require_editor(by, provider)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=provider.pk).first()
        values = {**values, "name": " ".join(str(values.get("name", "")).split())}
        _refuse_same_site(provider, values["name"])
        if values.get("is_main"):
            Site.objects.filter(organisation=provider, is_main=True).update(is_main=False)
        site = Site.objects.create(organisation=provider, **values)
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.SITE_ADDED,
            target=site,
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
        record_directory_event(
            provider,
            by=by,
            action=DirectoryAction.SITE_DEACTIVATED,
            target=site,
            changes={"is_active": [True, False]},
            summary=f"Marked site {site.name} of {provider.name} as no longer used",
        )
    return site
