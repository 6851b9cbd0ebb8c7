"""What the school must know to watch a child in a placement, and what is missing.

Monitoring never waits for a complete plan: a child in an active placement is expected
at the provider until someone ends the placement (monitoring.selectors.expected_on).
This module says, loudly and every day, what is missing or overdue so that someone puts
it right:

- an emergency placement whose full plan is not agreed yet (the child is expected every
  weekday session meanwhile), and what the plan still lacks;
- no timetable (every weekday session is expected), no site, or no named member of staff
  who still works at the school;
- the planned end date is within the warning window (settings
  APCASE_PLACEMENT_END_WARNING_SCHOOL_DAYS, 10 school days by default) or has passed
  without the placement being ended or extended.

School days are counted with the home school's calendar, failing safe: a weekday in a
school year whose term dates are incomplete counts as a school day."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apcase.access import policies
from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.selectors import holders
from apcase.core.memo import per_page, remembered
from apcase.core.words import counted
from apcase.notifications.reminders import Due, key_ahead_or_passed
from apcase.schooldays.calculator import SchoolCalendar

from .models import Placement
from .plan import has_any

logger = logging.getLogger(__name__)


def end_warning_school_days() -> int:
    return int(getattr(settings, "APCASE_PLACEMENT_END_WARNING_SCHOOL_DAYS", 10))


@dataclass(frozen=True)
class Concern:
    """One thing missing or overdue on a placement, for its page and home pages."""

    key: str  # "end_passed", "end_near", "emergency_plan", "no_timetable", ...
    title: str
    detail: str
    urgent: bool


def with_staff_memberships(placements: Iterable[Placement]) -> list[Placement]:
    """The placements, with their named staff members' current memberships read in one
    query (what named_staff_member_now asks), for a page or a run over many."""
    placements = list(placements)
    people = [p.named_staff_member for p in placements if p.named_staff_member is not None]
    # On one page (core.memo), a person's memberships read for one list serve the next.
    known = remembered("placements.watch.staff_memberships")
    held: dict[Any, list[Membership]] = {} if known is None else known
    unread = {person.pk for person in people} - set(held)
    for pk in unread:
        held[pk] = []
    if unread:
        for membership in (
            Membership.objects.filter(user_id__in=list(unread), is_active=True)
            .exclude(organisation__status=Organisation.Status.CLOSED)
            .select_related("organisation", "organisation__local_authority")
        ):
            held[membership.user_id].append(membership)
    for person in people:
        policies.remember_memberships(person, held[person.pk])
    return placements


def named_staff_member_now(placement: Placement) -> Any:
    """The named staff member if they still work at the pupil's school; None when
    nobody is named or they have left (then the inclusion lead acts instead): whoever
    holds a role now is who may act."""
    person = placement.named_staff_member
    if person is None or not policies.works_at(person, placement.pupil.school):
        return None
    return person


# Who acts for a placement when nobody named can: the first of these roles that anyone
# holds now at the pupil's school, and failing that the officers of its local authority.
STAND_IN_ROLES = (Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_DSL)


# Who agrees and reviews a plan for a placement when nobody named can: the placement's
# planners at the school (policies.PLACEMENT_PLANNER_ROLES: the inclusion lead, failing
# that the headteacher), and failing both the officers of its local authority. The DSL,
# who stands in to be told, may not agree a plan, so is not one of them.
PLANNER_STAND_IN_ROLES = tuple(r for r in STAND_IN_ROLES if r in policies.PLACEMENT_PLANNER_ROLES)


def stand_ins(school: Organisation, roles: tuple[str, ...] = STAND_IN_ROLES) -> list[User]:
    """Whom to tell when a placement has no named staff member who works at the school
    now: the inclusion lead(s); if the school has none, the headteacher; then the DSL;
    then the local authority's officers (`roles`: the chain to walk before the officers).
    Nobody named is never nobody told: if even that finds no one, it is logged as an
    error for the service's operators."""
    for role in roles:
        if found := holders(school, [role]):
            return found
    found = holders(getattr(school, "local_authority", None), [Role.LA_OFFICER])
    if not found:
        logger.error("Nobody holds a role to follow up pupils at %s (id %s)", school, school.pk)
    return found


@per_page(key=lambda user: user.pk)
def _stand_in_roles_held(user: User) -> dict[int, frozenset[str]]:
    """At each school where `user` holds one of STAND_IN_ROLES, which of those roles
    anyone holds there now (the condition of accounts.selectors.holders): one query
    for both chains below, however many schools."""
    own_ids = policies.organisation_ids_for(user, set(STAND_IN_ROLES))
    held: dict[int, set[str]] = {school_id: set() for school_id in own_ids}
    if own_ids:
        for school_id, role in Membership.objects.filter(
            organisation_id__in=own_ids,
            role__in=STAND_IN_ROLES,
            is_active=True,
            user__is_active=True,
        ).values_list("organisation_id", "role"):
            held[school_id].add(role)
    return {school_id: frozenset(roles) for school_id, roles in held.items()}


def _schools_stood_in_for(user: User, roles: tuple[str, ...]) -> frozenset[int]:
    own_ids = policies.organisation_ids_for(user, set(roles))
    officer_of = policies.organisation_ids_for(user, {Role.LA_OFFICER})
    if not (own_ids or officer_of):
        return frozenset()
    # At a school where the user holds one of `roles`, `stand_ins` stops at the first
    # of them anyone holds (the user's own, if none before it): the user stands in
    # there if they hold that first one. Never the officers, as someone holds a role.
    held = _stand_in_roles_held(user) if own_ids else {}
    mine: dict[int, set[str]] = {}
    for membership in policies.active_memberships(user):
        mine.setdefault(membership.organisation_id, set()).add(membership.role)
    own = {
        school_id
        for school_id in own_ids
        if next((role for role in roles if role in held[school_id]), None)
        in mine.get(school_id, set())
    }
    if not officer_of:
        return frozenset(own)
    # An authority's officers stand in at its schools where nobody holds any of those
    # roles now (the condition of accounts.selectors.holders): one query, not one per school.
    held_anywhere = Membership.objects.filter(
        role__in=roles, is_active=True, user__is_active=True
    ).values("organisation_id")
    unheld = Organisation.objects.filter(
        kind=OrganisationKind.SCHOOL,
        local_authority_id__in=officer_of,
    ).exclude(pk__in=held_anywhere)
    return frozenset(own | set(unheld.values_list("pk", flat=True)))


@per_page(key=lambda user: user.pk)
def schools_stood_in_for(user: User) -> frozenset[int]:
    """The schools where `user` is who stands in (`stand_ins`: the inclusion lead,
    failing that the headteacher, then the DSL, then the authority's officers), decided
    by who holds each role now, as reminders are: what a home page or a calendar feed
    lists for them beside what they are named for."""
    return _schools_stood_in_for(user, STAND_IN_ROLES)


@per_page(key=lambda user: user.pk)
def schools_planned_for(user: User) -> frozenset[int]:
    """The schools where `user` agrees and reviews the reintegration plans nobody named
    there can (PLANNER_STAND_IN_ROLES: the inclusion lead, failing that the headteacher,
    then the authority's officers), on who holds each role now: whoever a plan's work is
    listed for may act on it, or, at a school where no planner is left, is the officer
    told so."""
    return _schools_stood_in_for(user, PLANNER_STAND_IN_ROLES)


def who_acts_for(placement: Placement) -> list[User]:
    """Whom a reminder about a placement goes to: its named staff member while they work
    at the pupil's school, otherwise whoever stands in (`stand_ins`)."""
    named = named_staff_member_now(placement)
    return [named] if named is not None else stand_ins(placement.pupil.school)


def reminder(
    kind: str,
    placement: Placement,
    due: datetime.date,
    *,
    template: str,
    link: str,
    passed: bool = False,
) -> Due:
    """A reminder (notifications.reminders) of something due on a placement: once per
    placement and due date (and once more when the date has `passed`,
    `key_ahead_or_passed`), to whoever acts for it now (`who_acts_for`), about its
    child; the template sees `due`, `provider` and `passed`."""
    return Due(
        key=key_ahead_or_passed(kind, f"placement:{placement.pk}", due, passed=passed),
        template=template,
        to=who_acts_for(placement),
        child=placement.pupil,
        link=link,
        context={"due": due, "provider": placement.provider, "passed": passed},
    )


class Calendars(dict[int, SchoolCalendar]):
    """One calendar per school, loaded once for a page or a run over many placements."""

    def of(self, school: Organisation) -> SchoolCalendar:
        if school.pk not in self:
            self[school.pk] = SchoolCalendar.for_school(school)
        return self[school.pk]


def end_date_concern(
    placement: Placement, *, today: datetime.date, calendars: Calendars | None = None
) -> Concern | None:
    end = placement.planned_end_date
    if placement.status != Placement.Status.ACTIVE or end is None:
        return None
    name = placement.pupil.display_name
    if end < today:
        return Concern(
            "end_passed",
            f"Placement past its end date: {name}",
            f"The placement at {placement.provider} was planned to end on "
            f"{end:%-d %B %Y}. {name} is still expected there every timetabled session "
            "until the placement is ended or extended.",
            urgent=True,
        )
    # Ten school days never span more than a few weeks of holidays: no need to count
    # the school days to an end date months away.
    if (end - today).days > 7 * end_warning_school_days():
        return None
    calendar = (calendars if calendars is not None else Calendars()).of(placement.pupil.school)
    left = calendar.school_days_between(today + datetime.timedelta(days=1), end, fail_safe=True)
    if left <= end_warning_school_days():
        return Concern(
            "end_near",
            f"Placement ending soon: {name}",
            f"The placement at {placement.provider} is planned to end on {end:%-d %B %Y}, "
            f"in {counted(left, 'school day')}. Plan the return, extend the "
            "placement or end it.",
            urgent=False,
        )
    return None


def lists_what_the_plan_lacks(placement: Placement) -> bool:
    """An active emergency placement whose full plan is not agreed yet: its concern
    lists what the plan still lacks (plan.missing_before_start)."""
    return (
        placement.status == Placement.Status.ACTIVE
        and placement.is_emergency
        and placement.full_plan_agreed_on is None
    )


def concerns(
    placement: Placement, *, today: datetime.date, calendars: Calendars | None = None
) -> list[Concern]:
    """Everything missing or overdue on an open placement, most urgent first."""
    if placement.status == Placement.Status.ENDED:
        return []
    found: list[Concern] = []
    name = placement.pupil.display_name
    has_timetable = has_any(placement, "has_sessions", "sessions")
    if placement.status == Placement.Status.ACTIVE:
        if lists_what_the_plan_lacks(placement):
            from .plan import missing_before_start

            missing = list(missing_before_start(placement))
            found.append(
                Concern(
                    "emergency_plan",
                    f"Emergency placement without an agreed plan: {name}",
                    f"Until the full plan is agreed, {name} is expected at "
                    f"{placement.provider} every weekday session. Still to do: "
                    + (" ".join(missing) if missing else "confirm the plan is agreed."),
                    urgent=True,
                )
            )
        elif not has_timetable:
            found.append(
                Concern(
                    "no_timetable",
                    f"No timetable: {name}",
                    f"{name} is expected at {placement.provider} every weekday session until "
                    "the weekly timetable is set.",
                    urgent=True,
                )
            )
        if end := end_date_concern(placement, today=today, calendars=calendars):
            found.append(end)
    if placement.status != Placement.Status.ACTIVE:
        # A planned placement's gaps are listed on its page as what it needs to start.
        return found
    if named_staff_member_now(placement) is None:
        found.append(
            Concern(
                "no_named_staff",
                f"No named member of staff: {name}",
                "Nobody at the school is named to support the pupil, visit and follow up "
                "absence; follow-ups go to the inclusion lead until someone is named.",
                urgent=True,
            )
        )
    if not has_any(placement, "has_sites", "sites"):
        found.append(
            Concern(
                "no_site",
                f"No site recorded: {name}",
                f"The school must know every address where {name} is taught: choose the "
                f"sites of {placement.provider} on the placement plan.",
                urgent=True,
            )
        )
    return sorted(found, key=lambda c: not c.urgent)
