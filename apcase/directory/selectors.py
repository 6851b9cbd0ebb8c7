"""Reads of the provider directory.

A directory belongs to a local authority and is read by the schools and providers in
it: a user sees the providers of the local authorities they belong to (as LA staff) or
whose schools and providers they work in. Another authority's provider is "not found".
Editing needs can_edit_provider as well (that LA's officers and admins)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.chronology.services import log_access

from .assurance import (
    Status,
    annotated_reasons,
    lapsing_records,
    summary_for,
    with_assurance,
    with_latest_inspection,
    without_vetting,
)
from .models import AssuranceRecord, Inspection, ProviderService, Site

DIRECTORY_ROLES = (
    policies.SCHOOL_PUPIL_ROLES
    | policies.LA_CASE_ROLES
    | policies.LA_DIRECTORY_EDITOR_ROLES
    | policies.PROVIDER_ROLES
)


def directory_authority_ids(user: User) -> set[int]:
    ids = set()
    for membership in policies.active_memberships(user):
        if membership.role not in DIRECTORY_ROLES:
            continue
        org = membership.organisation
        if org.kind == OrganisationKind.LOCAL_AUTHORITY:
            ids.add(org.pk)
        elif org.local_authority_id is not None:
            ids.add(org.local_authority_id)
    return ids


def editable_authorities(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.LOCAL_AUTHORITY,
        pk__in=policies.organisation_ids_for(user, policies.LA_DIRECTORY_EDITOR_ROLES),
    )


def gias_import_authorities(user: User) -> list[Organisation]:
    """The local authorities `user` may run a GIAS import for (LA admin, with an LA code)."""
    return [
        org
        for org in policies.organisations_of(user)
        if org.kind == OrganisationKind.LOCAL_AUTHORITY
        and org.la_code
        and policies.can_import_gias_for(user, org)
    ]


OPEN_PLACEMENT = ("planned", "active")


def _placed_by(school_ids: set[int]) -> Any:
    """Providers with an open placement of a pupil on the roll of one of `school_ids`."""
    return Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER,
        placements__status__in=OPEN_PLACEMENT,
        placements__pupil__school_id__in=school_ids,
    ).values("pk")


def providers_visible_to(user: User) -> QuerySet[Organisation]:
    """The providers of the user's local authorities' directories, and any provider
    where a pupil of the user's school is placed now (it may be in another LA's
    directory: the school still relies on its assurance)."""
    in_directory = Q(local_authority_id__in=directory_authority_ids(user))
    school_ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    if school_ids:
        in_directory |= Q(pk__in=_placed_by(school_ids))
    return Organisation.objects.filter(in_directory, kind=OrganisationKind.PROVIDER)


def open_placements_by_provider(
    *, provider_ids: Iterable[int] | None = None, school_ids: Iterable[int] | None = None
) -> dict[int, dict[int, int]]:
    """{provider id: {school id: pupils in open placements there}}, optionally only for
    some providers or some schools. For assurance alerts (no user: a scheduled job and
    the home page of a user whose school ids the caller has already scoped)."""
    # One filter() call, so every condition is on the same placement (one join).
    conditions: dict[str, Any] = {
        "kind": OrganisationKind.PROVIDER,
        "placements__status__in": OPEN_PLACEMENT,
    }
    if provider_ids is not None:
        conditions["pk__in"] = list(provider_ids)
    if school_ids is not None:
        conditions["placements__pupil__school_id__in"] = list(school_ids)
    rows = Organisation.objects.filter(**conditions)
    found: dict[int, dict[int, int]] = {}
    for row in (
        rows.order_by()
        .values("pk", "placements__pupil__school_id")
        .annotate(placed_pupils=Count("placements__pupil", distinct=True))
    ):
        school_id = row["placements__pupil__school_id"]
        found.setdefault(row["pk"], {})[school_id] = row["placed_pupils"]
    return found


def search_providers(
    user: User,
    *,
    today: date,
    text: str = "",
    type_code: int | None = None,
    assurance: str = "",
    service: str = "",
    registration: str = "",
    include_closed: bool = False,
) -> QuerySet[Organisation]:
    """The providers the directory list shows, by name (then pk: a total order, so the
    list's pages never overlap). Read with their assurance (`with_assurance`, a join to
    every assurance record and a grouping) only when the list is filtered by it: the
    list counts them and picks a page of keys without it, and `providers_shown` reads
    the page's providers with it."""
    providers = providers_visible_to(user)
    if not include_closed:
        providers = providers.filter(status=Organisation.Status.OPEN)
    text = text.strip()
    # A URN or UKPRN: ASCII digits of a size the columns hold ("²" passes str.isdigit
    # but not int(); 20 digits overflow the column). Anything else is searched as text.
    if text.isascii() and text.isdigit() and len(text) <= 9:
        providers = providers.filter(
            Q(urn=int(text)) | Q(ukprn=int(text)) | Q(name__icontains=text)
        )
    elif text:
        providers = providers.filter(name__icontains=text)
    if type_code is not None:
        providers = providers.filter(establishment_type_code=type_code)
    if service:
        providers = providers.filter(
            Exists(ProviderService.objects.filter(organisation=OuterRef("pk"), category=service))
        )
    if registration == "unregistered":
        providers = providers.filter(
            Q(provider_profile__registration="unregistered")
            | Q(provider_profile__isnull=True, urn__isnull=True)
        )
    elif registration == "registered":
        providers = providers.exclude(
            Q(provider_profile__registration="unregistered")
            | Q(provider_profile__isnull=True, urn__isnull=True)
        )
    if assurance == "not_assured":
        providers = with_assurance(providers, today=today).filter(Q(not_assured=True))
    elif assurance:
        providers = with_assurance(providers, today=today).filter(Q(assurance_status=assurance))
    return providers.order_by("name", "pk")


def providers_shown(user: User, keys: Iterable[int], *, today: date) -> list[Organisation]:
    """The providers of `search_providers` with these keys as the directory list shows
    them, in its order: the columns it prints, its assurance status (`with_assurance`)
    and its services. Read through `providers_visible_to`, so a key the user may not
    see finds nothing."""
    providers = providers_visible_to(user).filter(pk__in=list(keys))
    return list(
        with_assurance(providers, today=today)
        .only("name", "urn", "status", "establishment_type")
        .prefetch_related(
            Prefetch(
                "provider_services",
                queryset=ProviderService.objects.only("organisation", "name").order_by("name"),
            )
        )
        .order_by("name", "pk")
    )


def provider_types_in(user: User) -> list[tuple[int, str]]:
    """The establishment types present in the user's directory, for the filter."""
    rows = (
        providers_visible_to(user)
        .exclude(establishment_type_code__isnull=True)
        .values_list("establishment_type_code", "establishment_type")
        .distinct()
        .order_by("establishment_type")
    )
    return [(code, name) for code, name in dict(rows).items() if code is not None]


def get_provider_for(user: User, provider_id: int) -> Organisation:
    provider = (
        providers_visible_to(user)
        .select_related("provider_profile", "local_authority")
        .prefetch_related(
            "assurance_records",
            Prefetch("sites", queryset=Site.objects.order_by("-is_active", "-is_main", "name")),
            "provider_services",
            Prefetch("inspections", queryset=Inspection.objects.order_by("-inspected_on", "-id")),
        )
        .filter(pk=provider_id)
        .first()
    )
    if provider is None:
        raise Http404("No such provider.")
    return provider


def get_provider_for_edit(user: User, provider_id: int) -> Organisation:
    """The provider, if `user` may edit it; "not found" for another LA's provider."""
    provider = get_provider_for(user, provider_id)
    if not policies.can_edit_provider(user, provider):
        raise Http404("No such provider.")
    return provider


M = TypeVar("M", Site, ProviderService, AssuranceRecord)


def _part_of(provider: Organisation, model: type[M], pk: int, missing: str) -> M:
    """The provider's site, service or assurance record `pk`; 404 (`missing`) if none."""
    found = model.objects.filter(organisation=provider, pk=pk).select_related("organisation")
    part = found.first()
    if part is None:
        raise Http404(missing)
    return part


def get_site_for_edit(user: User, provider_id: int, site_id: int) -> Site:
    provider = get_provider_for_edit(user, provider_id)
    return _part_of(provider, Site, site_id, "No such site.")


def get_service_for_edit(user: User, provider_id: int, service_id: int) -> ProviderService:
    provider = get_provider_for_edit(user, provider_id)
    return _part_of(provider, ProviderService, service_id, "No such service.")


def get_assurance_record_for(user: User, provider_id: int, record_id: int) -> AssuranceRecord:
    provider = get_provider_for(user, provider_id)
    return _part_of(provider, AssuranceRecord, record_id, "No such assurance record.")


def read_assurance_evidence_for(user: User, provider_id: int, record_id: int) -> AssuranceRecord:
    """The record whose document is downloaded (404 when it has none); logged."""
    record = get_assurance_record_for(user, provider_id, record_id)
    if not record.has_document:
        raise Http404("This record has no document.")
    log_access(
        by=user,
        action="directory.assurance_evidence_downloaded",
        target=record,
        organisation=record.organisation,
    )
    return record


def provider_options_for_placement(user: User, *, today: date) -> QuerySet[Organisation]:
    """Open providers a placement could name, each annotated `not_assured` and
    `assurance_status`. Use with forms.ProviderChoiceField so the flag shows in every
    place a placement's provider is chosen."""
    return with_assurance(
        providers_visible_to(user).filter(status=Organisation.Status.OPEN), today=today
    ).order_by("name")


def active_sites_of(provider: Organisation) -> QuerySet[Site]:
    return Site.objects.filter(organisation=provider, is_active=True)


def provider_is_assured(provider: Organisation, *, today: date | None = None) -> bool:
    """Whether every required kind of assurance evidence is in date (expiring soon
    still counts) and the provider is not flagged "not assured". For checks made
    outside a request (panel decisions); it reads the provider's records directly."""
    summary = summary_for(provider, today=today or timezone.localdate())
    return summary.status in {Status.ASSURED, Status.EXPIRING} and not summary.not_assured


@dataclass(frozen=True)
class LapsingAssurance:
    """An assurance record of a provider where pupils are placed that is expiring or
    has expired, with the schools whose pupils are there (school id: pupils)."""

    provider: Organisation
    record: AssuranceRecord
    state: Status
    schools: dict[int, int]


def _lapsing(
    records: Iterable[AssuranceRecord], placed: dict[int, dict[int, int]], *, today: date
) -> list[LapsingAssurance]:
    """The lapsing records (each with its `organisation`) of providers in `placed`."""
    by_provider: dict[int, list[AssuranceRecord]] = {}
    for record in records:
        by_provider.setdefault(record.organisation_id, []).append(record)
    found = []
    for provider_id, held in by_provider.items():
        for record, state in lapsing_records(held, today=today):
            found.append(LapsingAssurance(record.organisation, record, state, placed[provider_id]))
    return sorted(found, key=lambda item: (item.record.expires_on, item.provider.name))


def lapsing_assurance(
    *,
    today: date,
    school_ids: Iterable[int] | None = None,
    placed: dict[int, dict[int, int]] | None = None,
) -> list[LapsingAssurance]:
    """Every lapsing assurance record of a provider with an open placement (of a pupil
    at one of `school_ids`, if given). `placed`: `open_placements_by_provider` for those
    schools, when the caller has read it already."""
    if placed is None:
        placed = open_placements_by_provider(school_ids=school_ids)
    if not placed:
        return []
    records = AssuranceRecord.objects.filter(organisation_id__in=list(placed)).select_related(
        "organisation"
    )
    return _lapsing(records, placed, today=today)


@dataclass(frozen=True)
class PlacedAssurance:
    """Of the providers where a school's pupils are placed now: their lapsing assurance
    (`lapsing_assurance`'s) and those flagged "not assured", by name, each with
    `without_vetting` and its latest inspection as `with_assurance` annotates them (so
    `annotated_reasons` says why)."""

    lapsing: list[LapsingAssurance]
    not_assured: list[Organisation]


def assurance_where_placed(school_ids: Iterable[int], *, today: date) -> PlacedAssurance:
    """`lapsing_assurance` and the "not assured" providers where a pupil of one of
    `school_ids` is placed now, in three queries whatever is found: where they are
    placed, those providers (profile and latest inspection), their assurance records.
    The rules are `assurance`'s own, worked out from the records (the Python twin of
    `with_assurance`, held to the same answers by its tests)."""
    placed = open_placements_by_provider(school_ids=school_ids)
    providers = {
        provider.pk: provider
        for provider in with_latest_inspection(
            Organisation.objects.filter(pk__in=list(placed)).select_related("provider_profile")
        ).order_by("name", "pk")
    }
    records: dict[int, list[AssuranceRecord]] = {pk: [] for pk in providers}
    for record in AssuranceRecord.objects.filter(organisation_id__in=list(placed)):
        record.organisation = providers[record.organisation_id]
        records[record.organisation_id].append(record)
    not_assured = []
    for provider in providers.values():
        provider.without_vetting = without_vetting(  # type: ignore[attr-defined]
            provider, records[provider.pk], today=today
        )
        if annotated_reasons(provider):
            not_assured.append(provider)
    lapsing = _lapsing((r for held in records.values() for r in held), placed, today=today)
    return PlacedAssurance(lapsing=lapsing, not_assured=not_assured)


def lapsing_assurance_in_authorities(
    la_ids: Iterable[int], *, today: date
) -> list[tuple[AssuranceRecord, Status]]:
    """Expiring or expired assurance of the open providers in these local authorities'
    directories, whether or not a pupil is placed there now (the LA officer's list):
    two queries however many providers."""
    by_provider: dict[int, list[AssuranceRecord]] = {}
    for record in AssuranceRecord.objects.filter(
        organisation__in=providers_of_authorities(la_ids)
    ).select_related("organisation"):
        by_provider.setdefault(record.organisation_id, []).append(record)
    found = [
        lapsing
        for records in by_provider.values()
        for lapsing in lapsing_records(records, today=today)
    ]
    # A total order (the record's kind and key break a tie of date and provider), so the
    # full list's pages never overlap whatever order the records were read in.
    return sorted(
        found,
        key=lambda item: (
            item[0].expires_on,
            item[0].organisation.name,
            item[0].kind,
            -item[0].pk,
        ),
    )


def lapsing_assurance_read_by(user: User, *, today: date) -> list[tuple[AssuranceRecord, Status]]:
    """`lapsing_assurance_in_authorities` of the authorities where the user is an officer,
    for the page that lists them all; the read is logged (the home page's few are not)."""
    la_ids = policies.organisation_ids_for(user, {Role.LA_OFFICER})
    found = lapsing_assurance_in_authorities(la_ids, today=today)
    log_access(
        by=user, action="directory.lapsing_assurance_viewed", target=("lapsing_assurance", "")
    )
    return found


def providers_of_authorities(la_ids: Iterable[int]) -> QuerySet[Organisation]:
    """The open providers in these local authorities' directories."""
    return Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER,
        local_authority_id__in=list(la_ids),
        status=Organisation.Status.OPEN,
    )
