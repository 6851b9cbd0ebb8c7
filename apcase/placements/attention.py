"""Home-page items for placements:

- what is missing or overdue on the open placements a person answers for
  (placements.watch), every day until it is put right: the school's inclusion lead (at a
  school with none, whoever stands in: the headteacher, then the DSL) sees every concern
  on the school's open placements, the named staff member those on the placements they
  are named on;
- plans awaiting agreement: the school's inclusion lead and headteacher (who record the
  parties' agreements) see each open placement whose current plan is not agreed by
  every party; the provider sees those its own agreement is missing from (past 20 of
  each, a count linking to the page listing every one);
- planned placements past their start date that nobody has started: the school's
  inclusion lead and headteacher (who start placements), every day until it is started
  or ended as not started, for until then the child is on no provider's register;
- the provider's pupils starting this week."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.chronology.services import log_access
from apcase.core.attention import (
    AttentionItem,
    Heading,
    all_listed_at,
    capped_in_one_read,
    capped_list,
)

from . import selectors, watch
from .models import Placement, PlacementAgreement
from .plan import agreed_parties

TAGS = {"end_passed": "Overdue", "end_near": "Ending soon"}
SCHOOL = frozenset({Role.INCLUSION_LEAD} | policies.SCHOOL_PUPIL_ROLES)
PLANNERS = frozenset(policies.PLACEMENT_PLANNER_ROLES)
PROVIDER = frozenset(policies.PROVIDER_ROLES)
CONCERNS_SHOWN = 20  # past it, one item says how many and links to them all
PLANS_SHOWN = 20  # past it, one item says how many plans and links to them all
PROVIDER_PLANS_SHOWN = 20  # the same for the plans awaiting the provider's agreement


def _url(placement_id: int) -> str:
    return reverse("placements:detail", kwargs={"placement_id": placement_id})


def watched_concerns(user: User) -> list[tuple[Placement, watch.Concern]]:
    """What is missing or overdue on the open placements the user answers for (whoever
    stands in at the school, `watch.schools_stood_in_for`: the inclusion lead; at a
    school with none, the headteacher, then the DSL: every one of the school's; a
    member of staff: those they are named on), by the pupil's surname, each placement's
    most urgent first. A school with no inclusion lead is never a school whose
    placements nobody is shown."""
    named_at = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    # The officers who stand in at a school with none of those roles are told by the
    # daily alert (watch.who_acts_for); this list is the school's own.
    school_ids = watch.schools_stood_in_for(user) & named_at
    if not (school_ids or named_at):
        return []
    scope = Q(named_staff_member_id=user.pk, pupil__school_id__in=named_at)
    if school_ids:
        scope |= Q(pupil__school_id__in=school_ids)
    today = timezone.localdate()
    calendars = watch.Calendars()
    placements = watch.with_staff_memberships(selectors.open_placements_to_watch(scope))
    for placement in placements:
        # Each school's calendar read up front, not only once an end date is near: the
        # page asks as many queries whatever the dates (one a school, read once).
        calendars.of(placement.pupil.school)
    return [
        (placement, concern)
        for placement in placements
        for concern in watch.concerns(placement, today=today, calendars=calendars)
    ]


def watched_concerns_read_by(user: User) -> list[tuple[Placement, watch.Concern]]:
    """`watched_concerns`, for the page that lists them all: it names every child with
    something missing or overdue, so the read is logged (the home page's few are not)."""
    found = watched_concerns(user)
    log_access(
        by=user, action="placements.missing_or_overdue_viewed", target=("missing_or_overdue", "")
    )
    return found


def concern_tag(concern: watch.Concern) -> tuple[str, str]:
    return TAGS.get(concern.key, "Missing"), "red" if concern.urgent else "yellow"


def items_for(user: User) -> list[AttentionItem]:
    """The first CONCERNS_SHOWN of `watched_concerns` and, past them, one item with how
    many there are in all, linking to the page listing every one."""
    return capped_list(
        watched_concerns(user),
        lambda found: [_concern_item(*found)],
        shown=CONCERNS_SHOWN,
        more=all_listed_at(
            "things missing or overdue on placements",
            reverse("placements:missing_or_overdue"),
            shown=f"The first {CONCERNS_SHOWN}",
            roles=SCHOOL,
            heading=Heading.PLACEMENTS,
        ),
    )


def _concern_item(placement: Placement, concern: watch.Concern) -> AttentionItem:
    tag, colour = concern_tag(concern)
    return AttentionItem(
        title=concern.title,
        href=_url(placement.pk),
        detail=concern.detail,
        tag=tag,
        tag_colour=colour,
        roles=SCHOOL,
        heading=Heading.PLACEMENTS,
    )


def plans_to_agree(user: User) -> list[AttentionItem]:
    return _school_plans_to_agree(user) + _provider_plans_to_agree(user)


def missing_parties(placement: Placement) -> list[PlacementAgreement.Party]:
    agreed = agreed_parties(placement, list(placement.agreements.all()))
    return [p for p in PlacementAgreement.Party if p.value not in agreed]


def _plan_to_agree(placement: Placement) -> AttentionItem:
    return AttentionItem(
        title=f"Plan awaiting agreement: {placement.pupil.display_name} at {placement.provider}",
        href=_url(placement.pk),
        detail="Still to agree: "
        + ", ".join(p.label.lower() for p in missing_parties(placement))
        + ".",
        tag="To agree",
        tag_colour="yellow",
        roles=PLANNERS,
        heading=Heading.PLANS,
    )


def _school_plans_to_agree(user: User) -> list[AttentionItem]:
    """The school's plans awaiting agreement, starting soonest first: past PLANS_SHOWN,
    one item says how many and links to the page listing every one (counted in the
    query of those shown: a school's open placements are a few dozen)."""
    return capped_in_one_read(
        selectors.plans_awaiting_agreement(user),
        _plan_to_agree,
        shown=PLANS_SHOWN,
        more=all_listed_at(
            "plans awaiting agreement",
            reverse("placements:plans_to_agree"),
            shown=f"The {PLANS_SHOWN} starting soonest",
            roles=PLANNERS,
            heading=Heading.PLANS,
        ),
    )


def _provider_plan_item(placement: Placement) -> AttentionItem:
    return AttentionItem(
        title=f"Plan awaiting your agreement: {placement.pupil.display_name}",
        href=_url(placement.pk),
        detail=f"Version {placement.plan_version} of the plan, to start on "
        f"{placement.start_date:%-d %B %Y}. Read it and agree to it from the placement page.",
        tag="To agree",
        tag_colour="yellow",
        roles=PROVIDER,
        heading=Heading.PLANS,
    )


def _provider_plans_to_agree(user: User) -> list[AttentionItem]:
    """The provider's: the first PROVIDER_PLANS_SHOWN open placements at the user's
    providers whose current plan the provider has not agreed to (those of a school where
    the user is a planner are that school's item above; a large provider has over a
    hundred); past them, one item says how many and links to the page listing every one."""
    if not selectors.provider_ids_for(user):
        return []
    return capped_in_one_read(
        selectors.plans_awaiting_provider_for(user),
        _provider_plan_item,
        shown=PROVIDER_PLANS_SHOWN,
        more=all_listed_at(
            "plans awaiting your agreement",
            reverse("placements:provider_plans_to_agree"),
            shown=f"The first {PROVIDER_PLANS_SHOWN}",
            roles=PROVIDER,
            heading=Heading.PLANS,
        ),
    )


def starting_this_week(user: User) -> list[AttentionItem]:
    provider_ids = selectors.provider_ids_for(user)
    if not provider_ids:
        return []
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    placements = (
        selectors.placements_visible_to(user)
        .filter(
            provider_id__in=provider_ids,
            status__in=selectors.OPEN,
            start_date__range=(monday, monday + datetime.timedelta(days=6)),
        )
        .order_by("start_date", "pupil__legal_last_name", "pk")
    )
    return [
        AttentionItem(
            title=f"{placement.pupil.display_name} starts on {placement.start_date:%A %-d %B}",
            href=_url(placement.pk),
            detail=f"From {placement.pupil.school}.",
            tag="Starting",
            tag_colour="blue",
            roles=PROVIDER,
            heading=Heading.STARTING,
        )
        for placement in placements
    ]


def not_started(user: User) -> list[AttentionItem]:
    school_ids = policies.organisation_ids_for(user, PLANNERS)
    if not school_ids:
        return []
    placements = (
        selectors.not_started_by(selectors.placements_visible_to(user), timezone.localdate())
        .filter(pupil__school_id__in=school_ids)
        # Each item names the child and the provider: nothing else is joined.
        .select_related(None)
        .select_related("pupil", "provider")
        .order_by("start_date", "pk")
    )
    return [
        AttentionItem(
            title=f"Placement not started: {placement.pupil.display_name}",
            href=_url(placement.pk),
            detail=f"It was planned to start at {placement.provider} on "
            f"{placement.start_date:%-d %B %Y}. Until it is started the child is on no "
            "register: record on the placement page that it started, or end it as not "
            "started.",
            tag="Not started",
            tag_colour="red",
            roles=PLANNERS,
            heading=Heading.PLACEMENTS,
        )
        for placement in placements
    ]
