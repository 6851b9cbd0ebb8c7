"""Reads of the compliance board, always scoped to the user: the placements come from
`placements.selectors.placements_visible_to`, narrowed to the schools and local
authorities where the user holds a board role (policies.board_scope); everything
else the board shows is read for those placements only, through each app's own
selectors and models, in a fixed number of queries however many children there are."""

import datetime
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import log_access
from apcase.core.queries import any_of
from apcase.directory.assurance import is_unregistered, with_assurance
from apcase.directory.selectors import providers_visible_to
from apcase.monitoring import rules as monitoring_rules
from apcase.monitoring.models import AttendanceMark, FollowUpTask, Visit
from apcase.monitoring.models import MarkCount as KeptMarkCount
from apcase.monitoring.selectors import expected_on
from apcase.panel.models import PanelDecision
from apcase.panel.selectors import decisions_visible_to
from apcase.placements.models import Placement, PlacementAgreement, PlacementSession
from apcase.placements.selectors import not_started_by, placements_visible_to
from apcase.pupils.models import Exclusion
from apcase.pupils.selectors import pupils_visible_to
from apcase.reference import attendance as codes
from apcase.referrals.models import Referral
from apcase.referrals.selectors import referrals_visible_to
from apcase.reintegration import rules as reintegration_rules
from apcase.reintegration.models import Phase, PlanStatus
from apcase.reintegration.selectors import plans_visible_to
from apcase.reviews.models import Review, ReviewRequest
from apcase.safeguarding.models import ConcernStatus
from apcase.safeguarding.selectors import concerns_visible_to

SESSIONS = codes.Session.values


class _Among(Func):
    """`field IN (ids)` with the ids as one parameter, however many there are: an array
    on PostgreSQL, a JSON list elsewhere. Each of the board's facts is read for every
    child on it, over a thousand at one authority's scale, and a query naming each id as
    a parameter of its own cost more to write out and parse than to answer. On
    PostgreSQL the array is passed as its text (`{1,2,3}`, cast to bigint[]), written out
    once: psycopg writes a Python list element by element, each checked for quoting,
    which cost the board about 3 ms a read, for each of a dozen reads."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: Collection[int]) -> None:
        super().__init__(F(field))
        self.ids = sorted(ids)
        # Whole numbers only: nothing in the text needs quoting.
        self.array = "{" + ",".join(str(int(pk)) for pk in self.ids) + "}"

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        # The column as Django compiled and quoted it; the ids are a parameter.
        sql = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608  # nosec B608
        return sql, (*params, json.dumps(self.ids))

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", (*params, self.array)


class _AmongSet(_Among):
    """`_Among` as a set the database joins to (`field IN (SELECT unnest(ids))`) on
    PostgreSQL: for a read of few rows that an index of the whole set answers (the open
    attendance alerts), where weighing the placements one by one as `= ANY` costs the
    planner more than the read and sends it to another index."""

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} IN (SELECT unnest(%s::bigint[]))", (*params, self.array)


ALERT_KINDS = (FollowUpTask.Kind.ABSENCE, FollowUpTask.Kind.REGISTER_MISSING)


def board_scope(user: User) -> Q | None:
    """The placements a user's board shows: pupils of the schools where they hold a
    school board role, and of the schools of the LAs where they hold an LA one
    (policies.BOARD_SCHOOL_ROLES, BOARD_LA_ROLES)."""
    parts = []
    if schools := policies.organisation_ids_for(user, policies.BOARD_SCHOOL_ROLES):
        parts.append(Q(pupil__school_id__in=schools))
    if las := policies.organisation_ids_for(user, policies.BOARD_LA_ROLES):
        parts.append(Q(pupil__school__local_authority_id__in=las))
    return any_of(parts)


def _in_board_scope(user: User) -> QuerySet[Placement]:
    scope = board_scope(user)
    if scope is None:
        return Placement.objects.none()
    return (
        placements_visible_to(user)
        .filter(scope)
        .select_related("provider__provider_profile")
        .annotate(
            has_timetable=Exists(PlacementSession.objects.filter(placement=OuterRef("pk"))),
            staff_works_there=policies.works_there("named_staff_member_id", "pupil__school_id"),
        )
    )


def board_placements(user: User) -> QuerySet[Placement]:
    """Children in AP now (active placements) whom the user's board shows, each with
    what its duties read of it: whether it has a timetable and whether its named staff
    member works at the pupil's school now (`policies.works_there`, the rule of
    `placements.watch.named_staff_member_now` asked of the database)."""
    return (
        _in_board_scope(user)
        .filter(status=Placement.Status.ACTIVE)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


# What the board reads of every row to sort, filter and count it (keys.py): the
# placement's own values and its pupil's school and names, no model instances.
LINE_FIELDS = (
    "pk",
    "pupil_id",
    "pupil__school_id",
    "provider_id",
    "named_staff_member_id",
    "staff_works_there",
    "has_timetable",
    "is_emergency",
    "full_plan_agreed_on",
    "plan_version",
    "start_date",
    "first_review_date",
    "part_time_timetable",
    "planned_end_date",
    "dual_registered",
    "arranged_by",
    "pupil__legal_last_name",
    "pupil__legal_first_name",
)


def board_rows_read(user: User) -> list[Any]:
    """`board_placements` as every row's colours, order and filters read them: the
    values of `LINE_FIELDS`, one named tuple a placement (attributes as the fields,
    `pk` and `pupil__school_id` included), not the placement, its pupil, the authority or
    the provider (read once each by `board_facts`). The page's own rows are read again
    whole (`board_placements_shown`)."""
    return list(board_placements(user).select_related(None).values_list(*LINE_FIELDS, named=True))


def board_placements_shown(user: User, ids: list[int]) -> dict[int, Placement]:
    """The placements of the rows a page (or a download) shows, whole: the pupil's
    school and authority, the provider and the named staff member, for the row's
    words and links. Read whatever their status now: a placement ended since its row
    was read is still shown as it was read, never dropped from the page."""
    return {p.pk: p for p in _in_board_scope(user).filter(pk__in=ids)}


def not_started(user: User, today: datetime.date) -> list[Placement]:
    """Placements the board's scope holds that are still planned though their start date
    has passed: the pupil may be at the provider, yet no register is expected and no
    duty is watched until someone records that it started (or did not)."""
    scope = board_scope(user)
    if scope is None:
        return []
    return list(
        not_started_by(placements_visible_to(user), today)
        .filter(scope)
        .order_by("start_date", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


# The current marks of a placement counted by what they say: (what the provider
# observed, the school's code, how many marks say so).
MarkCount = tuple[str, str, int]


class Agreed(NamedTuple):
    """What the plan duty reads of one agreement (placements.plan.agreed_parties)."""

    party: str
    plan_version: int


@dataclass(slots=True)
class Held:
    """What the review schedule reads of one review held (reviews.schedule.HeldReview)."""

    held_on: datetime.date
    next_review_date: datetime.date | None


@dataclass(frozen=True)
class Visits:
    """What the visit duty reads of a placement's visits, found by the database: the
    latest visit done and the earliest still scheduled for today or later."""

    last_done: datetime.date | None = None
    next_scheduled: datetime.date | None = None


@dataclass
class Facts:
    """What the board read for its placements, keyed by placement id (or provider or
    pupil id), each read once for all of them."""

    placements: list[Any]  # board_rows_read's named tuples
    # The schools and named staff members of the rows, by id: the filters' choices.
    schools: dict[int, Organisation] = field(default_factory=dict)
    staff: dict[int, User] = field(default_factory=dict)
    not_started: list[Placement] = field(default_factory=list)
    mark_counts: dict[int, list[MarkCount]] = field(default_factory=dict)
    marked_today: dict[int, set[str]] = field(default_factory=dict)
    expected_today: dict[int, list[str]] = field(default_factory=dict)
    alert_dates: dict[int, list[datetime.date]] = field(default_factory=dict)
    providers: dict[int, Organisation] = field(default_factory=dict)
    provider_pages: set[int] = field(default_factory=set)
    part_time: dict[int, Any] = field(default_factory=dict)
    # Each placement's agreements, its latest review held (the schedule's `latest`, the
    # last recorded of a day), the days its parents' requests for a review were
    # received, and its visits.
    agreements: dict[int, list[Agreed]] = field(default_factory=dict)
    reviews: dict[int, list[Held]] = field(default_factory=dict)
    requests: dict[int, list[datetime.date]] = field(default_factory=dict)
    visits: dict[int, Visits] = field(default_factory=dict)
    concerns: dict[int, dict[str, int]] | None = None
    dsl_schools: set[int] = field(default_factory=set)
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=timezone.now)

    @cached_property
    def sessions_past_cutoff(self) -> list[str]:
        """Today's sessions whose register cut-off has passed: the same for every row."""
        return cutoffs_passed(self.today, self.now)


def _mark_counts(
    ids: list[int], today: datetime.date
) -> tuple[dict[int, list[MarkCount]], dict[int, set[str]]]:
    """Each placement's current marks counted by what decides the home school's code,
    as the database keeps them (monitoring.models.MarkCount, changed in the same
    statement as every mark), and the sessions of today each has a current mark for."""
    counts: dict[int, list[MarkCount]] = defaultdict(list)
    for pid, observed, code, n in KeptMarkCount.objects.filter(
        _Among("placement_id", ids), n__gt=0
    ).values_list("placement_id", "observed", "code", "n"):
        counts[pid].append((observed, code, n))
    marked_today: dict[int, set[str]] = defaultdict(set)
    for pid, session in AttendanceMark.objects.filter(
        _Among("placement_id", ids), is_current=True, date=today
    ).values_list("placement_id", "session"):
        marked_today[pid].add(session)
    return counts, marked_today


def home_code_counts(placement: Placement, counts: list[MarkCount]) -> list[tuple[str, int]]:
    """The home school's code for each group of marks (as monitoring's
    AttendanceMark.home_code), with how many marks it stands for."""
    return [
        (
            codes.home_code(
                observed,
                code,
                dual_registered=placement.dual_registered,
                arranged_by_la=placement.arranged_by == Placement.ArrangedBy.LA,
            ),
            n,
        )
        for observed, code, n in counts
    ]


def _agreements(ids: list[int]) -> dict[int, list[Agreed]]:
    found: dict[int, list[Agreed]] = defaultdict(list)
    for pid, party, version in PlacementAgreement.objects.filter(
        _Among("placement_id", ids)
    ).values_list("placement_id", "party", "plan_version"):
        found[pid].append(Agreed(party, version))
    return found


def _reviews(
    ids: list[int],
) -> tuple[dict[int, list[Held]], dict[int, list[datetime.date]]]:
    """Each placement's latest review held (`schedule.latest`: of two held the same day,
    the later recorded), all the schedule reads of the reviews held: the next review is
    the latest one's, and a parent's request is met by any review held on or after the
    window before it, so by the latest if by any. The database picks it, in the order
    of the index of a placement's reviews, not every review of every child sent over.
    And the days its parents' requests for a review were received."""
    latest_first = Window(
        RowNumber(),
        partition_by=[F("placement_id")],
        order_by=[F("held_on").desc(), F("id").desc()],
    )
    held = {
        pid: [Held(held_on, next_date)]
        for pid, held_on, next_date in Review.objects.filter(_Among("placement_id", ids))
        .annotate(nth=latest_first)
        .filter(nth=1)
        .values_list("placement_id", "held_on", "next_review_date")
        .order_by()
    }
    asked: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, received_on in ReviewRequest.objects.filter(_Among("placement_id", ids)).values_list(
        "placement_id", "received_on"
    ):
        asked[pid].append(received_on)
    return held, asked


def _visits(ids: list[int], today: datetime.date) -> dict[int, Visits]:
    return {
        pid: Visits(last_done, next_scheduled)
        for pid, last_done, next_scheduled in Visit.objects.filter(_Among("placement_id", ids))
        .values("placement_id")
        .annotate(
            last_done=Max(
                "visited_on", filter=Q(status=Visit.Status.DONE, visited_on__isnull=False)
            ),
            next_scheduled=Min(
                "scheduled_for",
                filter=Q(status=Visit.Status.SCHEDULED, scheduled_for__gte=today),
            ),
        )
        .values_list("placement_id", "last_done", "next_scheduled")
        .order_by()
    }


def _expected_today(ids: list[int], today: datetime.date) -> dict[int, list[str]]:
    """The sessions of today each placement is expected at (`expected_on`, the one rule
    of who is expected when), in the day's order: one read for both sessions, each
    placement read once with whether it is expected in each (the rule written out once a
    session, in what the query selects, not again to filter it)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        Placement.objects.filter(_Among("id", ids))
        .annotate(
            **{
                f"in_{session}": ExpressionWrapper(
                    expected_on(today, session), output_field=BooleanField()
                )
                for session in SESSIONS
            }
        )
        .values_list("pk", *(f"in_{session}" for session in SESSIONS))
        .order_by()
    )
    for pid, *flags in rows:
        if sessions := [session for session, on in zip(SESSIONS, flags, strict=True) if on]:
            found[pid] = sessions
    return found


def _alert_dates(ids: list[int]) -> dict[int, list[datetime.date]]:
    found: dict[int, list[datetime.date]] = defaultdict(list)
    # Read from the index of open alerts by placement (monitoring's
    # open_follow_ups_by_placement), in no order: the duty sorts the dates, and the
    # tasks' own order (latest first, by id) would need the table.
    for pid, day in (
        FollowUpTask.objects.filter(
            _AmongSet("placement_id", ids), status=FollowUpTask.Status.OPEN, kind__in=ALERT_KINDS
        )
        .values_list("placement_id", "date")
        .order_by()
    ):
        found[pid].append(day)
    return found


def _part_time(user: User, ids: list[int]) -> dict[int, Any]:
    """{placement id: its agreed reintegration plan} where a phase is part time."""
    plans = plans_visible_to(user).filter(_Among("placement_id", ids), status=PlanStatus.ACTIVE)
    # One query of the plans' phases with their plan, in the plans' order (a later plan
    # of the same placement wins, as it always has): asked whether or not there is a
    # plan, so every board asks the same queries.
    found: dict[int, Any] = {}
    for phase in (
        Phase.objects.filter(plan__in=plans.values("pk"))
        .select_related("plan")
        .order_by("-plan__start_date", "-plan__id", "from_week", "id")
    ):
        if reintegration_rules.is_part_time(phase):
            found[phase.plan.placement_id] = phase.plan
    return found


def _concerns(user: User, pupil_ids: list[int]) -> dict[int, dict[str, int]] | None:
    """{pupil id: {"new": n, "open": n}} for the schools where the user is the DSL;
    None when they are the DSL nowhere (the column is not shown)."""
    dsl_of = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    if not dsl_of:
        return None
    found: dict[int, dict[str, int]] = defaultdict(lambda: {"new": 0, "open": 0})
    for pupil_id, status in (
        concerns_visible_to(user)
        .filter(_Among("pupil_id", pupil_ids), school_id__in=dsl_of)
        .exclude(status=ConcernStatus.CLOSED)
        .values_list("pupil_id", "status")
    ):
        found[pupil_id]["new" if status == ConcernStatus.NEW else "open"] += 1
    return dict(found)


def board_facts(user: User, *, today: datetime.date | None = None) -> Facts:
    facts = Facts(placements=board_rows_read(user))
    facts.dsl_schools = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    if today is not None:
        facts.today = today
    facts.not_started = not_started(user, facts.today)
    ids = [p.pk for p in facts.placements]
    if not ids:
        facts.concerns = _concerns(user, [])
        return facts
    provider_ids = {p.provider_id for p in facts.placements}
    facts.schools = {
        school.pk: school
        for school in Organisation.objects.filter(
            pk__in={p.pupil__school_id for p in facts.placements}
        )
    }
    staff_ids = {p.named_staff_member_id for p in facts.placements} - {None}
    facts.staff = {person.pk: person for person in User.objects.filter(pk__in=staff_ids)}
    facts.mark_counts, facts.marked_today = _mark_counts(ids, facts.today)
    facts.expected_today = _expected_today(ids, facts.today)
    facts.alert_dates = _alert_dates(ids)
    facts.agreements = _agreements(ids)
    facts.reviews, facts.requests = _reviews(ids)
    facts.visits = _visits(ids, facts.today)
    facts.providers = {
        p.pk: p
        for p in with_assurance(
            Organisation.objects.filter(pk__in=provider_ids), today=facts.today
        ).select_related("provider_profile")
    }
    facts.provider_pages = set(
        providers_visible_to(user).filter(pk__in=provider_ids).values_list("pk", flat=True)
    )
    facts.part_time = _part_time(user, ids)
    facts.concerns = _concerns(user, [p.pupil_id for p in facts.placements])
    return facts


def board_facts_to_export(user: User) -> Facts:
    """`board_facts` for the board's download: every child's row in one file, so the
    export is logged."""
    log_access(by=user, action="oversight.board_exported", target=("oversight.board", "list"))
    return board_facts(user)


def cutoffs_passed(today: datetime.date, now: datetime.datetime) -> list[str]:
    return [s for s in SESSIONS if monitoring_rules.cutoff_at(today, s) <= now]


def provider_is_unregistered(provider: Organisation) -> bool:
    return is_unregistered(provider)


# --- outcome dashboards (outcomes.py) ------------------------------------------------


@dataclass(frozen=True)
class OutcomeScope:
    """What an outcome dashboard counts, read through each app's scoped selector and
    narrowed to the schools and LAs where the user holds a dashboard role
    (policies.DASHBOARD_SCHOOL_ROLES, DASHBOARD_LA_ROLES): querysets, not yet read,
    but for the placements' ids."""

    placements: QuerySet[Placement]
    referrals: QuerySet[Referral]
    decisions: QuerySet[PanelDecision]
    exclusions: QuerySet[Exclusion]
    schools: frozenset[int]
    las: frozenset[int]


def outcome_scope(user: User) -> OutcomeScope:
    """A school's own pupils; an LA's every placement of a pupil at a school in its
    area and every referral to (and decision of) its panels. Nothing for anyone else."""
    schools = policies.organisation_ids_for(user, policies.DASHBOARD_SCHOOL_ROLES)
    las = policies.organisation_ids_for(user, policies.DASHBOARD_LA_ROLES)
    if not (schools or las):
        return OutcomeScope(
            Placement.objects.none(),
            Referral.objects.none(),
            PanelDecision.objects.none(),
            Exclusion.objects.none(),
            frozenset(),
            frozenset(),
        )
    # The placements' ids are read once and every figure reads the placements by them
    # (`_Among`): a dozen figures each joined every pupil and school of the authority
    # again to find the same placements.
    placements = placements_visible_to(user).filter(
        Q(pupil__school_id__in=schools) | Q(pupil__school__local_authority_id__in=las)
    )
    return OutcomeScope(
        placements=Placement.objects.filter(
            _Among("id", list(placements.values_list("pk", flat=True)))
        ),
        referrals=referrals_visible_to(user).filter(
            Q(school_id__in=schools) | Q(panel__local_authority_id__in=las),
            submitted_at__isnull=False,
        ),
        decisions=decisions_visible_to(user).filter(
            Q(referral__school_id__in=schools) | Q(meeting__panel__local_authority_id__in=las),
            referral__isnull=False,
        ),
        exclusions=Exclusion.objects.filter(pupil__in=pupils_visible_to(user).values("pk")),
        schools=frozenset(schools),
        las=frozenset(las),
    )


def outcome_scope_to_export(user: User, figure: str) -> OutcomeScope:
    """`outcome_scope` for one figure's download: the export is logged."""
    log_access(by=user, action="oversight.outcomes_exported", target=("oversight.outcomes", figure))
    return outcome_scope(user)
