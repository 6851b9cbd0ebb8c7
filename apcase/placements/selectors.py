"""Reads of placements, always scoped to the user.

- the school: placements of pupils on the roll of a school where the user holds a
  school role;
- the local authority: placements of pupils at schools in an LA where the user holds a
  panel or officer role;
- an AP provider: its own open (planned or active) placements only, and one ended today
  until the day is over (its last day is still registered); an ended placement is no
  longer the provider's business.

A placement outside every scope is "not found", never "forbidden"."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import log_access
from apcase.core.memo import per_page
from apcase.core.queries import any_of, one_or_404
from apcase.directory.threshold import PlacementFields
from apcase.pupils.models import Carer, Pupil
from apcase.pupils.registry import PupilLink, PupilRecord, pupil_records
from apcase.reference.attendance import Session

from .models import Placement, PlacementAgreement, PlacementObjective, PlacementSession

OPEN = (Placement.Status.PLANNED, Placement.Status.ACTIVE)
PLANNER_ROLES = policies.PLACEMENT_PLANNER_ROLES


def not_started_by(placements: QuerySet[Placement], day: date) -> QuerySet[Placement]:
    """The placements still planned though their start date has come (`day` or before):
    the child may be at the provider, yet is on no register and no duty is watched until
    someone records that the placement started, or did not. The one rule for the home
    page, the compliance board, the outcome dashboard, the census return and the API."""
    return placements.filter(status=Placement.Status.PLANNED, start_date__lte=day)


def on_last_day() -> Q:
    """A placement ended today (its last day) is still the provider's to register until
    the day is over."""
    return Q(status=Placement.Status.ENDED, ended_on__gte=timezone.localdate())


def provider_ids_for(user: User) -> set[int]:
    return policies.organisation_ids_for(user, policies.PROVIDER_ROLES)


def plans_awaiting_provider_for(user: User) -> QuerySet[Placement]:
    """The open placements at the user's providers whose current plan the provider has
    not agreed to, earliest start first (the home page lists the first, the page
    `placements:provider_plans_to_agree` every one). A placement at a school where the user plans
    placements is left out: it is on their school's list, with every party missing."""
    provider_ids = provider_ids_for(user)
    if not provider_ids:
        return Placement.objects.none()
    provider_agreed = PlacementAgreement.objects.filter(
        placement_id=OuterRef("pk"),
        party=PlacementAgreement.Party.PROVIDER,
        plan_version=OuterRef("plan_version"),
    )
    return (
        placements_visible_to(user)
        .filter(status__in=OPEN, provider_id__in=provider_ids)
        .exclude(pupil__school_id__in=policies.organisation_ids_for(user, PLANNER_ROLES))
        .exclude(Exists(provider_agreed))
        # Each joined only to the pupil and provider its item names.
        .select_related(None)
        .select_related("pupil", "provider")
        .order_by("start_date", "pk")
    )


def plans_awaiting_provider_read_by(user: User) -> QuerySet[Placement]:
    """`plans_awaiting_provider_for`, for the page that lists them all: it names every
    child whose plan waits for the provider, so the read is logged (the home page's few
    are not)."""
    placements = plans_awaiting_provider_for(user).select_related("pupil__school")
    log_access(
        by=user,
        action="placements.provider_plans_to_agree_viewed",
        target=("provider_plans_to_agree", ""),
    )
    return placements


def _scope(user: User) -> Q | None:
    parts = []
    if school_ids := policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES):
        parts.append(Q(pupil__school_id__in=school_ids))
    if la_ids := policies.organisation_ids_for(user, policies.LA_CASE_ROLES):
        parts.append(Q(pupil__school__local_authority_id__in=la_ids))
    if provider_ids := provider_ids_for(user):
        parts.append(Q(provider_id__in=provider_ids) & (Q(status__in=OPEN) | on_last_day()))
    return any_of(parts)


# Read with a placement wherever one is shown or changed: its pupil with their school
# and authority (whose staff may see it, and whose record an audit event names), its
# provider and its named staff member.
PLACEMENT_RELATED = (
    "pupil",
    "pupil__school",
    "pupil__school__local_authority",
    "provider",
    "named_staff_member",
)


def placement_related(link: str) -> list[str]:
    """For select_related on a record that links to a placement by `link`: the
    placement, and PLACEMENT_RELATED through it."""
    return [link, *(f"{link}__{name}" for name in PLACEMENT_RELATED)]


def placements_visible_to(user: User) -> QuerySet[Placement]:
    scope = _scope(user)
    if scope is None:
        return Placement.objects.none()
    return Placement.objects.filter(scope).select_related(*PLACEMENT_RELATED)


def plans_awaiting_agreement(user: User) -> QuerySet[Placement]:
    """The open placements of the schools where the user plans placements (the
    inclusion lead, the headteacher) whose current plan some party has not agreed to,
    starting soonest first (a total order), each with its agreements: the home page's
    "Plans awaiting agreement" and the page listing every one."""
    school_ids = policies.organisation_ids_for(user, policies.PLACEMENT_PLANNER_ROLES)
    if not school_ids:
        return Placement.objects.none()
    not_agreed = Q()
    for party in PlacementAgreement.Party:
        agreed = PlacementAgreement.objects.filter(
            placement=OuterRef("pk"), plan_version=OuterRef("plan_version"), party=party
        )
        not_agreed |= Q(~Exists(agreed))
    return (
        placements_visible_to(user)
        .filter(not_agreed, status__in=OPEN, pupil__school_id__in=school_ids)
        .select_related(None)
        .select_related("pupil", "provider")
        .prefetch_related("agreements")
        .order_by("start_date", "pk")
    )


def plans_awaiting_agreement_read_by(user: User) -> QuerySet[Placement]:
    """`plans_awaiting_agreement`, for the page that lists them all: it names every
    child whose plan waits for an agreement, so the read is logged (the home page's few
    are not)."""
    placements = plans_awaiting_agreement(user)
    log_access(by=user, action="placements.plans_to_agree_viewed", target=("plans_to_agree", ""))
    return placements


def get_placement_for(user: User, placement_id: int) -> Placement:
    return one_or_404(placements_visible_to(user), placement_id, "No such placement.")


def log_placement_read(
    user: User, placement: Placement, action: str, target: Model | None = None
) -> None:
    """Log that `user` read `target` (the placement itself, or one of its records: a
    review, a reintegration plan) as `action`, under the pupil and their school."""
    log_access(
        by=user,
        action=action,
        target=placement if target is None else target,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
    )


def read_placement_for(user: User, placement_id: int, *, action: str) -> Placement:
    """The placement for a page or a file that shows it; the read is logged as `action`."""
    placement = get_placement_for(user, placement_id)
    log_placement_read(user, placement, action)
    return placement


def get_placement_to_plan(user: User, placement_id: int) -> Placement:
    """The placement if `user` may change its plan; 404 otherwise."""
    placement = get_placement_for(user, placement_id)
    if not policies.can_plan_placement(user, placement):
        raise Http404("No such placement.")
    return placement


def get_placement_for_provider(user: User, placement_id: int) -> Placement:
    """The placement if `user` works for its provider now; 404 otherwise (a user of
    another provider never learns that it exists)."""
    placement = get_placement_for(user, placement_id)
    if not policies.can_agree_plan_as_provider(user, placement):
        raise Http404("No such placement.")
    return placement


def get_signed_form_for(user: User, placement_id: int, agreement_id: int) -> PlacementAgreement:
    """A parent's or carer's signed agreement form, for those who record the agreements
    (they may change the plan); 404 otherwise, or when the agreement has no form. The
    read is logged."""
    placement = get_placement_to_plan(user, placement_id)
    agreement = (
        PlacementAgreement.objects.filter(placement=placement, pk=agreement_id)
        .exclude(signed_form_path="")
        .first()
    )
    if agreement is None:
        raise Http404("No such signed form.")
    log_placement_read(user, placement, "placement.signed_form_downloaded")
    return agreement


def carers_who_may_agree(placement: Placement) -> QuerySet[Carer]:
    """The pupil's carers with parental responsibility: whom the school may record as
    agreeing to the plan for the family."""
    return Carer.objects.filter(pupil_id=placement.pupil_id, parental_responsibility=True)


def get_placement_to_end(user: User, placement_id: int) -> Placement:
    """The open placement if `user` may end or extend it; 404 otherwise."""
    placement = get_placement_for(user, placement_id)
    if placement.status == Placement.Status.ENDED or not policies.can_end_placement(
        user, placement
    ):
        raise Http404("No such placement.")
    return placement


def open_placements_to_watch(scope: Q) -> QuerySet[Placement]:
    """Open placements within `scope` (built by the caller from the user's current
    memberships), with what placements.watch reads: whether each has a timetable, a
    site and an objective (asked of the database for them all, not read row by row),
    and the agreements to its plan."""
    return (
        Placement.objects.filter(scope, status__in=OPEN)
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .annotate(
            has_sessions=Exists(PlacementSession.objects.filter(placement=OuterRef("pk"))),
            has_sites=Exists(Placement.sites.through.objects.filter(placement=OuterRef("pk"))),
            has_objectives=Exists(PlacementObjective.objects.filter(placement=OuterRef("pk"))),
        )
        .prefetch_related("agreements")
        .order_by("pupil__legal_last_name", "pk")
    )


def pupil_placement_scope(user: User) -> Q | None:
    """The provider's pupil scope (registered in apps.py): pupils with an open placement
    with the user's provider."""
    provider_ids = provider_ids_for(user)
    if not provider_ids:
        return None
    # A subquery rather than a join: one row per pupil, so no DISTINCT is needed.
    placed = Placement.objects.filter(
        Q(status__in=OPEN) | Q(status=Placement.Status.ENDED, ended_on__gte=timezone.localdate()),
        provider_id__in=provider_ids,
    )
    return Q(pk__in=placed.values("pupil_id"))


def is_named_for(pupil: Pupil, user: User) -> bool:
    """Whether `user` is the named staff member of one of the pupil's open placements
    (registered in pupils.registry: the named staff member reads the chronology)."""
    return (
        bool(getattr(user, "pk", None))
        and Placement.objects.filter(
            pupil=pupil, named_staff_member_id=user.pk, status__in=OPEN
        ).exists()
    )


def provider_placements_of(pupil: Pupil, user: User) -> QuerySet[Placement]:
    """The pupil's placements the user sees as the provider (open, or ended today)."""
    return (
        placements_visible_to(user)
        .filter(pupil=pupil, provider_id__in=provider_ids_for(user))
        .order_by("start_date", "pk")
    )


def placement_group(placement: Placement) -> str:
    """The heading the provider's links about one placement go under."""
    return f"Placement at {placement.provider} from {placement.start_date:%-d %B %Y}"


def provider_links(pupil: Pupil, user: User) -> list[PupilLink]:
    """The placement plan, for the provider's pupil page (pupils.registry.links_for)."""
    return [
        PupilLink("Placement plan", reverse("placements:detail", args=[p.pk]), placement_group(p))
        for p in provider_placements_of(pupil, user)
    ]


def placements_of_pupil(pupil: Pupil) -> QuerySet[Placement]:
    return Placement.objects.filter(pupil=pupil).select_related("provider")


@per_page(key=lambda pupil: pupil.pk)
def placements_on_pupil_page(pupil: Pupil) -> list[Placement]:
    """`placements_of_pupil` read once for the sections of one pupil page
    (core.memo), with the pupil's school that their permission checks read. Newest
    first (Placement's ordering), sorted here: ordering in SQL a query that selects
    related rows makes Django hash every selected column, for a pupil's few rows."""
    found = list(placements_of_pupil(pupil).select_related("pupil__school").order_by())
    return sorted(found, key=lambda p: (p.start_date, p.pk), reverse=True)


def placement_with_plan(placement: Placement) -> Placement:
    return (
        Placement.objects.filter(pk=placement.pk)
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .prefetch_related("sessions", "objectives", "agreements", "sites", "extensions")
        .get()
    )


def current_placements_for_threshold(on: date) -> tuple[QuerySet[Placement], PlacementFields]:
    """Every open placement (planned or active, whatever its dates), annotated with its
    weekly `taught_hours` from the timetable: what the directory's registration
    threshold counts. `taught_hours` is null — counted as full time — when there is no
    timetable, or for an emergency placement whose full plan is not agreed yet (it is
    watched every weekday until then). `on` is the day the pupils' ages are taken on."""
    usual = getattr(settings, "APCASE_SESSION_HOURS", {"am": "3.0", "pm": "2.5"})
    hours: Any = DecimalField(max_digits=5, decimal_places=1)
    per_session = Coalesce(
        "hours",
        Case(
            When(session=Session.AM, then=Value(Decimal(str(usual["am"])))),
            default=Value(Decimal(str(usual["pm"]))),
            output_field=hours,
        ),
        output_field=hours,
    )
    weekly = (
        PlacementSession.objects.filter(placement=OuterRef("pk"))
        .order_by()
        .values("placement")
        .annotate(total=Sum(per_session, output_field=hours))
        .values("total")
    )
    placements = Placement.objects.filter(status__in=OPEN).annotate(
        taught_hours=Case(
            When(is_emergency=True, full_plan_agreed_on__isnull=True, then=Value(None)),
            default=Subquery(weekly, output_field=hours),
            output_field=hours,
        )
    )
    return placements, PlacementFields()


def placement_records(pupil: Pupil, user: User) -> list[PupilRecord]:
    """The pupil's placements `user` may see, as records a concern may be linked to."""
    found = placements_visible_to(user).filter(pupil=pupil).select_related("provider")
    return pupil_records("placement", found, url="placements:detail", label=_record_label)


def _record_label(placement: Placement) -> str:
    status = placement.get_status_display().lower()
    return f"Placement at {placement.provider} ({status}, from {placement.start_date:%-d %B %Y})"
