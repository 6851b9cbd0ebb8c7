"""Reads for daily monitoring, scoped through placements.selectors: a provider sees and
marks only its own active placements; the school and LA read what they may read of the
placement."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import log_access
from apcase.core import words
from apcase.placements import watch
from apcase.placements.models import Placement, PlacementSession
from apcase.placements.selectors import (
    PLACEMENT_RELATED,
    get_placement_for,
    placements_visible_to,
    provider_ids_for,
)
from apcase.pupils.models import Pupil, display_name_of
from apcase.reference import attendance as codes

from . import rules
from .models import AttendanceMark, CheckIn, FollowUpTask, MarkCount, Visit


def active_on(day: datetime.date) -> Q:
    """Placements the child is in on `day`: started by then, and either active or ended
    no earlier than that day (`ended_on` is the last day, still a day at the provider).

    A planned end date is a plan, not an ending: a placement past it is still watched
    until someone ends it (placements.workflow.end_placement), and is flagged as overdue
    for a decision meanwhile."""
    return Q(start_date__lte=day) & (
        Q(status=Placement.Status.ACTIVE)
        | Q(
            status=Placement.Status.ENDED,
            started_at__isnull=False,
            ended_on__isnull=False,
            ended_on__gte=day,
        )
    )


def timetable_is_trusted() -> Q:
    """Whether a placement's timetable decides which sessions the child is expected.

    It does not — and the child is expected every weekday session — when there is no
    timetable at all, or for an emergency placement until its full plan is agreed."""
    has_timetable = Exists(PlacementSession.objects.filter(placement=OuterRef("pk")))
    return has_timetable & (Q(is_emergency=False) | Q(full_plan_agreed_on__isnull=False))


def expected_on(day: datetime.date, session: str) -> Q:
    """Placements whose pupil is expected at the provider in this session: the
    timetable says so, or (failing safe) the timetable cannot be trusted and it is a
    weekday. Nobody is expected at a weekend."""
    if day.weekday() >= 5:
        return Q(pk__in=[])
    in_timetable = Exists(
        PlacementSession.objects.filter(
            placement=OuterRef("pk"), weekday=day.weekday(), session=session
        )
    )
    return active_on(day) & (in_timetable | ~timetable_is_trusted())


class ExpectedSessions:
    """`expected_on` for many days and sessions of the placements read once (a bulk
    import of marks asks it of each row): the same rule, the same answers (a test holds
    the two together). `timetable` is every (placement id, weekday, session) of theirs."""

    def __init__(self, timetable: frozenset[tuple[int, int, str]]) -> None:
        self.timetable = timetable
        self.timetabled = frozenset(pid for pid, _, _ in timetable)

    @classmethod
    def of(cls, placements: QuerySet[Placement]) -> "ExpectedSessions":
        rows = PlacementSession.objects.filter(placement__in=placements).values_list(
            "placement_id", "weekday", "session"
        )
        return cls(frozenset(rows))

    def __call__(self, placement: Placement, day: datetime.date, session: str) -> bool:
        if day.weekday() >= 5 or placement.start_date > day:
            return False
        if placement.status == Placement.Status.ENDED:
            if placement.started_at is None or placement.ended_on is None:
                return False
            if placement.ended_on < day:
                return False
        elif placement.status != Placement.Status.ACTIVE:
            return False
        trusted = placement.pk in self.timetabled and (
            not placement.is_emergency or placement.full_plan_agreed_on is not None
        )
        return (placement.pk, day.weekday(), session) in self.timetable or not trusted


def expected_placements(
    provider_ids: set[int] | list[int], day: datetime.date, session: str
) -> QuerySet[Placement]:
    """Placements whose pupil is expected at one of the providers for this session
    (see expected_on)."""
    return (
        Placement.objects.filter(expected_on(day, session), provider_id__in=provider_ids)
        .select_related("pupil", "provider", "named_staff_member")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def all_expected_placements(day: datetime.date, session: str) -> QuerySet[Placement]:
    """Every placement, at any provider, whose pupil is expected this session: what the
    cut-off check walks."""
    return Placement.objects.filter(expected_on(day, session)).select_related(*PLACEMENT_RELATED)


def providers_of(user: User) -> list[Any]:
    return [
        m.organisation
        for m in policies.active_memberships(user)
        if m.role in policies.PROVIDER_ROLES
    ]


@dataclass(frozen=True)
class RegisterRow:
    """A pupil expected at a register: their placement (by id), the name they are
    shown by, and the current mark of the session, if any."""

    placement_id: int
    pupil_name: str
    current: AttendanceMark | None


# What a register shows of a current mark (its label is made of all three), in the
# model's order of fields, as `from_db` takes them.
_MARK_SHOWN = ("id", "observed", "minutes_late", "code")


def register_rows(provider: Organisation, day: datetime.date, session: str) -> list[RegisterRow]:
    """Every pupil expected this session with their current mark, in one query however
    many pupils and whether or not any has a mark: the session's current mark is
    joined to its placement (at most one, as the database holds it). A row reads only
    the placement's id, the pupil's names and what the page and the API show of the
    mark, as values: no model is built for the placement, the pupil, the provider or
    the named staff member of each of a hundred pupils."""
    rows = (
        expected_placements([provider.pk], day, session)
        .annotate(
            current=FilteredRelation(
                "marks",
                condition=Q(marks__date=day, marks__session=session, marks__is_current=True),
            )
        )
        .values_list(
            "pk",
            "pupil__legal_first_name",
            "pupil__legal_last_name",
            "pupil__preferred_name",
            "pupil__preferred_last_name",
            *(f"current__{name}" for name in _MARK_SHOWN),
        )
    )
    found = []
    for pk, first, last, preferred, preferred_last, *mark in rows:
        current = None if mark[0] is None else AttendanceMark.from_db(rows.db, _MARK_SHOWN, mark)
        found.append(
            RegisterRow(pk, display_name_of(first, last, preferred, preferred_last), current)
        )
    return found


# --- attendance % ----------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    possible: int
    present: int
    recorded: int  # every current mark, possible or not

    @property
    def missed(self) -> int:
        return self.possible - self.present

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.possible) if self.possible else None

    @property
    def percent(self) -> str:
        return words.percent(self.present, self.possible)

    @property
    def persistent_absence(self) -> bool:
        return (
            bool(self.possible) and Fraction(self.missed, self.possible) >= codes.PERSISTENT_ABSENCE
        )

    @property
    def severe_absence(self) -> bool:
        return bool(self.possible) and Fraction(self.missed, self.possible) >= codes.SEVERE_ABSENCE


def summarise(mark_codes: list[str]) -> AttendanceSummary:
    """Attendance over the given marks: sessions that are not possible (D, X, Y1–Y7, Q,
    Z, #) count neither way."""
    found = [codes.get(c) for c in mark_codes]
    return AttendanceSummary(
        possible=sum(1 for c in found if c.is_possible),
        present=sum(1 for c in found if c.is_present),
        recorded=len(found),
    )


def summarise_counted(counted_codes: Iterable[tuple[str, int]]) -> AttendanceSummary:
    """`summarise` over (code, how many marks have it): the same figures from marks the
    database has already counted, so a page over many placements never loads each mark."""
    possible = present = recorded = 0
    for code, n in counted_codes:
        found = codes.get(code)
        possible += n if found.is_possible else 0
        present += n if found.is_present else 0
        recorded += n
    return AttendanceSummary(possible=possible, present=present, recorded=recorded)


def current_marks(**filters: Any) -> QuerySet[AttendanceMark]:
    """Current marks with their placement: mark.home_code reads it."""
    return AttendanceMark.objects.filter(is_current=True, **filters).select_related(
        "recorded_by", "placement", "pupil"
    )


@dataclass(frozen=True)
class WeekBar:
    week_starting: datetime.date
    summary: AttendanceSummary


def weekly(marks: list[AttendanceMark]) -> list[WeekBar]:
    weeks: dict[datetime.date, list[str]] = defaultdict(list)
    for mark in marks:
        weeks[rules.week_start(mark.date)].append(mark.home_code)
    return [WeekBar(start, summarise(week_codes)) for start, week_codes in sorted(weeks.items())]


def attendance_of_placement(
    placement: Placement,
) -> tuple[AttendanceSummary, list[WeekBar], list[AttendanceMark]]:
    """The placement's current marks in order, with its summary and weekly bars. Each
    mark holds `placement` itself, all its `home_code` reads: joining the placement,
    the pupil and who recorded it to every mark cost the page most of its time (with
    a whole authority's pupils, PostgreSQL hashed them all to join one)."""
    marks = list(
        AttendanceMark.objects.filter(placement=placement, is_current=True).order_by(
            "date", "session"
        )
    )
    for mark in marks:
        mark.placement = placement
    return summarise([m.home_code for m in marks]), weekly(marks), marks


@dataclass(frozen=True)
class PlacementAttendance:
    """What a placement's monitoring page shows of its current marks: the summary, the
    weekly bars, and the absences themselves in order."""

    summary: AttendanceSummary
    weeks: list[WeekBar]
    absences: list[AttendanceMark]
    # Every mark that replaced another (a correction, or the home school's code), with
    # what it replaced and who recorded it, in the order they were recorded.
    corrections: list[AttendanceMark]


def attendance_shown_for(placement: Placement) -> PlacementAttendance:
    """`attendance_of_placement`'s summary and weekly bars, counted by the database (a
    row for each week and kind of mark, not a model built for each of a year of
    marks), and the only marks the page lists: its absences, with their home-school
    codes read from `placement` itself as each mark's are there, and its corrections."""
    weeks: dict[datetime.date, list[tuple[str, int]]] = defaultdict(list)
    for week, observed, code, n in (
        AttendanceMark.objects.filter(placement=placement, is_current=True)
        .annotate(week=TruncWeek("date"))
        .values_list("week", "observed", "code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        weeks[week].append((_home_code_in(placement, observed, code), n))
    # The absences and the corrections in one read, by session and then the time each
    # was recorded (a placement has one current mark a session, so its absences keep
    # their order): a placement with no correction asks as many queries as one with many.
    # Sorted here, not in SQL, where ordering a query that selects related rows makes
    # Django hash every selected column; the id last makes the order total.
    listed = sorted(
        AttendanceMark.objects.filter(placement=placement)
        .filter(Q(is_current=True, observed__in=sorted(codes.ABSENT)) | Q(supersedes__isnull=False))
        .select_related("recorded_by", "supersedes")
        .order_by(),
        key=lambda mark: (mark.date, mark.session, mark.recorded_at, mark.pk),
    )
    for mark in listed:
        mark.placement = placement
    return PlacementAttendance(
        summary=summarise_counted(counted for week in weeks.values() for counted in week),
        weeks=[WeekBar(start, summarise_counted(weeks[start])) for start in sorted(weeks)],
        absences=[m for m in listed if m.is_current and m.observed in codes.ABSENT],
        corrections=[m for m in listed if m.supersedes_id is not None],
    )


def _home_code_in(placement: Placement, observed: str, code: str) -> str:
    return _home_code(placement.dual_registered, placement.arranged_by, observed, code)


def _counted(counts: QuerySet[MarkCount]) -> AttendanceSummary:
    """`summarise` over current marks, as the database keeps them counted (MarkCount,
    changed in the same statement as each mark: docs/adr/0015) by what decides each
    one's home-school code (AttendanceMark.home_code: the placement's dual registration
    and who arranged it, what the provider observed, the school's code), so years of
    registers are a few rows, never counted nor loaded one by one."""
    return summarise_counted(
        (_home_code(dual, arranged_by, observed, code), n)
        for dual, arranged_by, observed, code, n in _kept(counts)
    )


def _kept(counts: QuerySet[MarkCount], *by: str) -> QuerySet[Any]:
    """The kept counts of current marks, each with `by` (if given), then what decides
    their home code, then how many marks."""
    return counts.filter(n__gt=0).values_list(
        *by, "placement__dual_registered", "placement__arranged_by", "observed", "code", "n"
    )


def _home_code(dual: bool, arranged_by: str, observed: str, code: str) -> str:
    return codes.home_code(
        observed, code, dual_registered=dual, arranged_by_la=arranged_by == Placement.ArrangedBy.LA
    )


def attendance_summary_of_placement(placement: Placement) -> AttendanceSummary:
    """`attendance_of_placement`'s summary alone, for a page that shows no marks."""
    return _counted(MarkCount.objects.filter(placement=placement))


def attendance_summaries_of_placements(
    placements: list[Placement],
) -> dict[int, AttendanceSummary]:
    """`attendance_summary_of_placement` of each placement (by id), in one query."""
    if not placements:
        return {}
    counted: dict[int, list[tuple[str, int]]] = {p.pk: [] for p in placements}
    for placement_id, dual, arranged_by, observed, code, n in _kept(
        MarkCount.objects.filter(placement__in=list(counted)), "placement_id"
    ):
        counted[placement_id].append((_home_code(dual, arranged_by, observed, code), n))
    return {placement_id: summarise_counted(found) for placement_id, found in counted.items()}


def attendance_of_pupil(pupil: Pupil) -> AttendanceSummary:
    """Across every placement the pupil has had, in the home school's codes."""
    return _counted(MarkCount.objects.filter(placement__pupil=pupil))


# --- follow-ups, check-ins, visits -------------------------------------------------


def _follow_ups_for(user: User, status: str) -> QuerySet[FollowUpTask]:
    """Tasks assigned to the user at a school where they still work, and those at the
    schools where they are DSL, inclusion lead or headteacher. Someone who has left a
    school sees none of its pupils' tasks."""
    school_ids = policies.organisation_ids_for(user, policies.FOLLOW_UP_ROLES)
    working_at = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    return FollowUpTask.objects.filter(status=status).filter(
        Q(assigned_to_id=user.pk, placement__pupil__school_id__in=working_at)
        | Q(placement__pupil__school_id__in=school_ids)
    )


def open_follow_ups_for(user: User) -> QuerySet[FollowUpTask]:
    """Open tasks assigned to the user at a school where they still work, and those at
    the schools where they are DSL, inclusion lead or headteacher."""
    return (
        _follow_ups_for(user, FollowUpTask.Status.OPEN)
        .select_related("placement", "placement__pupil", "placement__provider", "assigned_to")
        .order_by("date", "id")
    )


def open_follow_ups_read_by(user: User) -> QuerySet[FollowUpTask]:
    """`open_follow_ups_for`, for the page that lists them all: it names every child
    with an open follow-up, so the read is logged (the home page's few are not)."""
    tasks = open_follow_ups_for(user)
    log_access(by=user, action="monitoring.follow_ups_viewed", target=("follow_ups", ""))
    return tasks


def get_follow_up_to_close(user: User, task_id: int) -> FollowUpTask:
    task = (
        FollowUpTask.objects.filter(pk=task_id)
        .select_related(
            "placement", "placement__pupil", "placement__pupil__school", "placement__provider"
        )
        .first()
    )
    if task is None or not policies.can_close_follow_up(user, task):
        raise Http404("No such task.")
    return task


def follow_ups_of(placement: Placement) -> QuerySet[FollowUpTask]:
    return placement.follow_ups.select_related("assigned_to", "closed_by")


def check_ins_of(placement: Placement) -> list[CheckIn]:
    return list(CheckIn.objects.filter(placement=placement).order_by("week_starting"))


def check_ins_of_pupil(pupil: Pupil) -> list[CheckIn]:
    """Every weekly check-in across the pupil's placements, oldest first. The caller has
    already been allowed to see the pupil."""
    return list(
        CheckIn.objects.filter(placement__pupil=pupil).order_by("week_starting", "placement_id")
    )


def get_placement_to_mark(user: User, placement_id: int) -> Placement:
    placement = get_placement_for(user, placement_id)
    if not policies.can_mark_attendance(user, placement):
        raise Http404("No such placement.")
    return placement


def visits_of(placement: Placement) -> list[Visit]:
    return list(Visit.objects.filter(placement=placement))


def next_visit_due(placement: Placement, visits: list[Visit]) -> datetime.date:
    """Every visit interval after the last visit done, or after the start."""
    done = [v.visited_on for v in visits if v.status == Visit.Status.DONE and v.visited_on]
    return visit_due_after(placement.start_date, max(done, default=None))


def visit_due_after(start: datetime.date, last_done: datetime.date | None) -> datetime.date:
    """`next_visit_due` from the placement's start and its latest visit done (None if
    none), for a page that has the database find that latest date for many at once."""
    return max(start, last_done or start) + rules.visit_interval()


def overdue_visits(scope: Q, *, today: datetime.date) -> list[tuple[Placement, datetime.date]]:
    """The active placements in `scope` whose visit is overdue, with the day it was due
    (next_visit_due before today), their named staff members' memberships read for
    placements.watch: the one rule of the home page's 'Overdue' visits and the
    reminder (monitoring.reminders)."""
    # The latest visit done of each, found by the database (next_visit_due's rule),
    # rather than every visit of every placement read to find it.
    last_done = (
        Visit.objects.filter(
            placement=OuterRef("pk"), status=Visit.Status.DONE, visited_on__isnull=False
        )
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    placements = watch.with_staff_memberships(
        Placement.objects.filter(scope, status=Placement.Status.ACTIVE)
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .annotate(last_visit_done=Subquery(last_done))
    )
    overdue = []
    for placement in placements:
        last: datetime.date | None = placement.last_visit_done  # type: ignore[attr-defined]
        due = visit_due_after(placement.start_date, last)
        if due < today:
            overdue.append((placement, due))
    return overdue


def overdue_visits_for(
    user: User, *, today: datetime.date
) -> list[tuple[Placement, datetime.date]]:
    """Active placements whose visit is overdue that are the user's to arrange: those
    they are the named staff member of at a school where they work now, and, at a
    school where they stand in (placements.watch.stand_ins: the inclusion lead, failing
    that the headteacher, then the DSL, then the authority's officers), those whose named
    staff member no longer works there or who have none: an overdue visit never goes to
    nobody."""
    school_ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    standing_in = watch.schools_stood_in_for(user)
    if not (school_ids or standing_in):
        return []
    scope = Q(named_staff_member_id=user.pk, pupil__school_id__in=school_ids) | Q(
        pupil__school_id__in=standing_in
    )
    found = [
        (placement, due)
        for placement, due in overdue_visits(scope, today=today)
        if (named := watch.named_staff_member_now(placement)) is None or named.pk == user.pk
    ]
    # Overdue longest first, then by the child's name: a total order, so the home page's
    # first few and the full page's pages agree.
    return sorted(
        found,
        key=lambda row: (
            row[1],
            row[0].pupil.legal_last_name,
            row[0].pupil.legal_first_name,
            row[0].pk,
        ),
    )


def overdue_visits_read_by(
    user: User, *, today: datetime.date
) -> list[tuple[Placement, datetime.date]]:
    """`overdue_visits_for`, for the page that lists them all: it names every child whose
    visit is overdue, so the read is logged (the home page's few are not)."""
    found = overdue_visits_for(user, today=today)
    log_access(by=user, action="monitoring.overdue_visits_viewed", target=("overdue_visits", ""))
    return found


def get_visit_for(user: User, visit_id: int) -> Visit:
    visit = Visit.objects.filter(pk=visit_id).select_related("placement").first()
    if visit is None:
        raise Http404("No such visit.")
    placement = get_placement_for(user, visit.placement_id)
    if not policies.can_record_visit(user, placement):
        raise Http404("No such visit.")
    visit.placement = placement
    return visit


# --- absences the home school codes ------------------------------------------------


def absences_to_code_for(user: User) -> QuerySet[AttendanceMark]:
    """Current absences the provider reported that the home school has not coded yet
    (shown as N meanwhile), for pupils whose attendance the user codes: at schools where
    they hold a coding role, and any placement where they are the named staff member.
    A dual-registered pupil's sessions are D, so never here. Oldest first."""
    school_ids = policies.organisation_ids_for(user, policies.ATTENDANCE_CODER_ROLES)
    return (
        AttendanceMark.objects.filter(
            is_current=True,
            observed__in=sorted(codes.ABSENT),
            code="",
            placement__dual_registered=False,
        )
        .filter(
            Q(placement__pupil__school_id__in=school_ids)
            # The named staff member only while they still work at the pupil's school.
            | Q(
                placement__named_staff_member_id=user.pk,
                placement__pupil__school_id__in=policies.organisation_ids_for(
                    user, policies.SCHOOL_PUPIL_ROLES
                ),
            )
        )
        .select_related("placement", "placement__pupil", "placement__provider", "recorded_by")
        .order_by("date", "session", "id")
    )


def get_absence_to_code(user: User, mark_id: int) -> AttendanceMark:
    """A current absence at a placement whose attendance the user codes (coded already
    or not, so a code can be corrected); 404 otherwise."""
    mark = (
        AttendanceMark.objects.filter(pk=mark_id, is_current=True)
        .select_related(
            "placement",
            "placement__pupil",
            "placement__pupil__school",
            "placement__provider",
            "recorded_by",
            "coded_by",
        )
        .first()
    )
    if mark is None or not mark.is_absence or mark.placement.dual_registered:
        raise Http404("No such absence.")
    if not policies.can_code_attendance_of(user, mark.placement):
        raise Http404("No such absence.")
    return mark


__all__ = ["provider_ids_for"]


# --- the home page's work lists ------------------------------------------------------

IN_AP_WATCHER_ROLES = policies.IN_AP_WATCHER_ROLES


@dataclass(frozen=True)
class InApToday:
    """A child at a provider today, with what the provider has recorded so far."""

    placement: Placement
    expected: bool  # the timetable (or, failing safe, every weekday) expects them today
    marks: tuple[AttendanceMark, ...]

    @property
    def state(self) -> str:
        if any(not m.is_absence for m in self.marks):
            return "Present"
        if self.marks:
            return "Absent"
        return "Not yet recorded" if self.expected else "Not expected today"


def in_ap_today_for(user: User, *, today: datetime.date) -> list[InApToday]:
    """The pupils of the schools where the user is inclusion lead or headteacher who are
    in alternative provision today, each with today's attendance: two queries however
    many children."""
    return with_todays_marks(list(in_ap_today_placements(user, today=today)), today=today)


def in_ap_today_placements(user: User, *, today: datetime.date) -> QuerySet[Placement]:
    """The placements of `in_ap_today_for`, by the pupil's name (a total order, so a
    list of them can be read a part at a time), each annotated with whether the
    timetable expects the child today; none for someone who watches no school."""
    expected = ExpressionWrapper(
        expected_on(today, "am") | expected_on(today, "pm"), output_field=BooleanField()
    )
    return (
        _in_ap_on(user, today)
        .annotate(expected_today=expected)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def _in_ap_on(user: User, today: datetime.date) -> QuerySet[Placement]:
    school_ids = policies.organisation_ids_for(user, IN_AP_WATCHER_ROLES)
    if not school_ids:
        return Placement.objects.none()
    return placements_visible_to(user).filter(active_on(today), pupil__school_id__in=school_ids)


def in_ap_today_children(user: User, *, today: datetime.date) -> QuerySet[Any, Any]:
    """How many children `in_ap_today_placements` lists (a child at two providers has
    two placements), as a one-value query (`n`) for a Subquery: built from the same
    scoped placements, with nothing joined or annotated that the count does not need
    (so the ORM builds it cheaply inside another query)."""
    return (
        _in_ap_on(user, today)
        .select_related(None)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pupil_id", distinct=True))
        .values("n")
    )


def in_ap_today_read_by(user: User, *, today: datetime.date) -> QuerySet[Placement]:
    """`in_ap_today_placements`, for the page that lists them all: it names every child
    of the user's schools in alternative provision today, so the read is logged (the
    home page's few are not)."""
    placements = in_ap_today_placements(user, today=today)
    log_access(by=user, action="monitoring.in_ap_today_viewed", target=("in_ap_today", ""))
    return placements


def with_todays_marks(placements: Sequence[Placement], *, today: datetime.date) -> list[InApToday]:
    """Each of `placements` (from `in_ap_today_placements`) with today's current marks,
    read in one query."""
    if not placements:
        return []
    marks: dict[int, list[AttendanceMark]] = defaultdict(list)
    for mark in AttendanceMark.objects.filter(
        placement__in=[p.pk for p in placements], date=today, is_current=True
    ).order_by("session"):
        marks[mark.placement_id].append(mark)
    return [
        InApToday(p, bool(p.expected_today), tuple(marks[p.pk]))  # type: ignore[attr-defined]
        for p in placements
    ]


@dataclass(frozen=True)
class RegisterDue:
    """A register of today that is not complete: how many expected pupils have no mark
    yet, and its cut-off."""

    provider: Organisation
    day: datetime.date
    session: str
    unmarked: int
    cutoff: datetime.datetime
    missed: bool  # the cut-off has passed


def registers_not_taken_for(user: User, *, now: datetime.datetime) -> list[RegisterDue]:
    """Today's registers at the user's providers with pupils expected and not marked,
    computed when asked (no scheduled job needed): the morning's from the start of the
    day, the afternoon's once it is afternoon. Past its cut-off a register is missed,
    and stays here until it is taken. Counted in the database, one query for every
    provider and session: the pupils of `register_rows` with no current mark, less
    those started after the cut-off."""
    day = timezone.localdate(now)
    sessions = ["am"] + (["pm"] if rules.current_session(now) == "pm" else [])
    providers = providers_of(user)
    if not providers:
        return []
    cutoffs = {session: rules.cutoff_at(day, session) for session in sessions}
    unmarked = {
        f"unmarked_{session}": Count(
            "pk",
            filter=expected_on(day, session)
            & ~Exists(
                AttendanceMark.objects.filter(
                    placement=OuterRef("pk"), date=day, session=session, is_current=True
                )
            )
            & ~Q(started_at__gt=cutoffs[session]),
        )
        for session in sessions
    }
    counts = {
        row["provider_id"]: row
        for row in Placement.objects.filter(
            active_on(day), provider_id__in={provider.pk for provider in providers}
        )
        .values("provider_id")
        .annotate(**unmarked)
        .order_by()
    }
    found = []
    for provider in providers:
        for session in sessions:
            if count := counts.get(provider.pk, {}).get(f"unmarked_{session}", 0):
                cutoff = cutoffs[session]
                found.append(RegisterDue(provider, day, session, count, cutoff, now > cutoff))
    return found


def check_ins_due_for(user: User, *, today: datetime.date) -> QuerySet[Placement]:
    """Active placements at the user's providers with no check-in for this week yet."""
    week = rules.week_start(today)
    return (
        Placement.objects.filter(
            provider_id__in=provider_ids_for(user),
            status=Placement.Status.ACTIVE,
            start_date__lte=today,
        )
        .exclude(Exists(CheckIn.objects.filter(placement=OuterRef("pk"), week_starting=week)))
        .select_related("pupil", "provider")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def check_ins_due_read_by(user: User, *, today: datetime.date) -> QuerySet[Placement]:
    """`check_ins_due_for`, for the page that lists them all: it names every child at
    the user's providers without this week's check-in, so the read is logged (the home
    page's few are not)."""
    placements = check_ins_due_for(user, today=today).select_related("pupil__school")
    log_access(by=user, action="monitoring.check_ins_due_viewed", target=("check_ins_due", ""))
    return placements


def closed_follow_ups_for(user: User) -> QuerySet[FollowUpTask]:
    """Closed follow-ups at the schools where the user is DSL, inclusion lead or
    headteacher, and those they were assigned at a school where they still work: the
    same people as the open list. Newest closed first."""
    return (
        _follow_ups_for(user, FollowUpTask.Status.CLOSED)
        .select_related("placement", "placement__pupil", "placement__provider", "closed_by")
        .order_by("-closed_at", "-id")
    )


def absences_to_export(user: User) -> QuerySet[AttendanceMark]:
    """`absences_to_code_for` for a download; the export is logged."""
    log_access(
        by=user, action="monitoring.absences_exported", target=("monitoring.attendancemark", "list")
    )
    return absences_to_code_for(user)
