"""The outcome dashboards' figures (docs/dashboards.md defines each): counted by the
database (COUNT ... GROUP BY, one query a figure, two for the timings) over the querysets of
`selectors.outcome_scope`, so a school counts its own pupils and an LA its area, and
the number of queries does not grow with the number of children.

A median and quartiles have no portable SQL (SQLite has none): for the days from
referral to decision and from decision to start, one query reads the pairs of dates
and the spread is worked out here. Attendance is counted by the database per
(provider, observation, school code, how the placement is registered) and each group
turned into the home school's code here (reference.attendance.home_code), as the
registers do.

Fail safe, never quiet: a placement with no recorded reason or outcome is counted as
"Not recorded", never left out; attendance before and after AP is not imported and the
page says so rather than showing nought."""

import calendar
import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Choices, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apcase.monitoring.models import AttendanceMark, MarkCount
from apcase.panel.models import PanelDecision
from apcase.placements.models import Placement
from apcase.placements.selectors import not_started_by
from apcase.reference import attendance as codes
from apcase.reference.census import ExclusionKind, NCYear, SENStatus
from apcase.referrals.models import Referral
from apcase.reintegration.pupil_page import NOT_IMPORTED, WEEKS_BEFORE

from .selectors import OutcomeScope

# The figures look back this many months (children in AP over time, timings, panel
# throughput) and this is how long after a referral for risk of exclusion we wait
# before saying whether the pupil was permanently excluded.
MONTHS = 12
EXCLUSION_WINDOW_MONTHS = 12

NOT_RECORDED = "Not recorded"
NO_REFERRAL = "No referral (placed without the panel)"
EMERGENCY = "Emergency placement (no referral reason)"


@dataclass(frozen=True)
class Figure:
    """One figure: its table (which is also its download) and what its chart draws.
    `series` are the table's numeric columns the chart stacks, `labels` its rows."""

    slug: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    note: str = ""
    labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    chart: str = "bars"  # "bars", or "spread" (median and quartiles)

    @property
    def numeric(self) -> str:
        """The table's numeric columns, for the `table` tag: all but the first."""
        return ",".join(str(n) for n in range(2, len(self.header) + 1))

    @property
    def headings(self) -> tuple[str, ...]:
        """The table's headings after the first (written in the tag)."""
        return self.header[1:]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier when negative), by the calendar; a day the
    month lacks becomes its last (31 January + 1 month is 28 or 29 February)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def months_back(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first day of each of the last `count` months, this month last."""
    first = today.replace(day=1)
    return [add_months(first, -n) for n in range(count - 1, -1, -1)]


def ran() -> Q:
    """Placements a child was actually at: started (active), or ended having started."""
    return Q(status=Placement.Status.ACTIVE) | (
        Q(status=Placement.Status.ENDED) & ~Q(end_destination=Placement.Destination.NOT_STARTED)
    )


def _in_month(start: datetime.date) -> Q:
    end = add_months(start, 1) - datetime.timedelta(days=1)
    # An ended placement with no last day recorded is counted as still there (fail safe).
    return Q(start_date__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def in_ap_by_month(scope: OutcomeScope, today: datetime.date) -> Figure:
    months = months_back(today)
    counts = scope.placements.filter(ran()).aggregate(
        **{
            f"m{i}": Count("pupil", distinct=True, filter=_in_month(month))
            for i, month in enumerate(months)
        }
    )
    rows = [(f"{month:%B %Y}", counts[f"m{i}"]) for i, month in enumerate(months)]
    figure = _counted(
        "in-ap-by-month",
        "Children in AP each month",
        "Month",
        rows,
        "A child counts in a month when a placement that started was open on any day "
        "of it; a child with two placements at once counts once.",
        measure="Children in AP",
    )
    return replace(figure, labels=[f"{m:%b %y}" for m in months])


def not_started(scope: OutcomeScope, today: datetime.date) -> int:
    """Placements still planned though their start date has passed (as the compliance
    board lists them): the child may be at the provider, yet counts in no figure until
    someone records that the placement started, so the page says how many."""
    return not_started_by(scope.placements, today).count()


def _now(scope: OutcomeScope) -> QuerySet[Placement]:
    return scope.placements.filter(status=Placement.Status.ACTIVE)


def _counted(
    slug: str,
    title: str,
    heading: str,
    rows: list[tuple[str, int]],
    note: str = "",
    measure: str = "Children in AP now",
) -> Figure:
    """A figure of one count a row, drawn as one bar a row."""
    return Figure(
        slug=slug,
        title=title,
        header=(heading, measure),
        rows=rows,
        note=note,
        labels=[label for label, _n in rows],
        series=[(measure, [float(n) for _label, n in rows])],
    )


def by_reason(scope: OutcomeScope) -> Figure:
    found: dict[str, int] = defaultdict(int)
    # A choices class's `values` is a list made anew at each read: read once, not a row.
    reasons = set(Referral.Reason.values)
    for reason, decided, emergency, n in (
        _now(scope)
        .values_list(
            "created_from_decision__referral__reason", "created_from_decision", "is_emergency"
        )
        .annotate(n=Count("pupil", distinct=True))
        .order_by()
    ):
        if reason in reasons:
            found[Referral.Reason(reason).label] += n
        elif decided is not None:  # the panel's referral, but no reason (or a retired one)
            found[NOT_RECORDED] += n
        else:
            found[EMERGENCY if emergency else NO_REFERRAL] += n
    order = [r.label for r in Referral.Reason] + [NOT_RECORDED, EMERGENCY, NO_REFERRAL]
    return _counted(
        "by-reason",
        "Children in AP now, by the reason for the referral",
        "Reason",
        [(label, found[label]) for label in order if found.get(label)],
        "The reason given in the school's referral to the panel.",
    )


def by_provider(scope: OutcomeScope) -> Figure:
    rows = list(
        _now(scope)
        .values_list("provider__name")
        .annotate(n=Count("pupil", distinct=True))
        .order_by("-n", "provider__name")
    )
    return _counted(
        "by-provider",
        "Children in AP now, by provider",
        "Provider",
        [(name, n) for name, n in rows],
        "A child placed part time at a second provider counts at both.",
    )


def _children_now_by(
    scope: OutcomeScope, field_name: str, choices: type[Choices], *, every: bool = False
) -> list[tuple[str, int]]:
    """Children with an active placement by a field of the pupil's, counted by the
    database, one row a choice in the census order (every choice when `every`, else
    those with a child). A value that is no choice (blank, or retired) is counted as
    "Not recorded", never left out."""
    found: dict[str, int] = defaultdict(int)
    values = set(choices.values)
    for value, n in (
        _now(scope)
        .values_list(f"pupil__{field_name}")
        .annotate(n=Count("pupil", distinct=True))
        .order_by()
    ):
        found[value if value in values else NOT_RECORDED] += n
    rows = [(c.label, found.get(c.value, 0)) for c in choices if every or found.get(c.value)]
    return rows + ([(NOT_RECORDED, found[NOT_RECORDED])] if found.get(NOT_RECORDED) else [])


def by_year_group(scope: OutcomeScope) -> Figure:
    return _counted(
        "by-year-group",
        "Children in AP now, by year group",
        "Year group",
        _children_now_by(scope, "nc_year", NCYear),
    )


def by_sen(scope: OutcomeScope) -> Figure:
    return _counted(
        "by-sen",
        "Children in AP now, by SEN status",
        "SEN status",
        _children_now_by(scope, "sen_status", SENStatus, every=True),
    )


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    shortest: int | None
    longest: int | None


def spread_of(days: Sequence[int]) -> Spread:
    """Median, quartiles (inclusive method) and range of a list of day counts."""
    if not days:
        return Spread(0, None, None, None, None, None)
    ordered = sorted(days)
    if len(ordered) == 1:
        lower = upper = float(ordered[0])
    else:
        lower, _middle, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(
        count=len(ordered),
        median=float(statistics.median(ordered)),
        lower_quartile=float(lower),
        upper_quartile=float(upper),
        shortest=ordered[0],
        longest=ordered[-1],
    )


def _local(moment: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.date:
    """The local day of a moment the query guarantees (submitted referrals only). The
    zone is passed, read once a figure: looking up the current one cost more than the
    conversion, for each of thousands of decisions."""
    assert moment is not None  # noqa: S101  # nosec B101 - the query filters out nulls
    return timezone.localdate(moment, zone)


def timings(scope: OutcomeScope, today: datetime.date) -> Figure:
    since = months_back(today)[0]
    zone = timezone.get_current_timezone()
    decided = [
        (_local(decided, zone) - _local(submitted, zone)).days
        for submitted, decided in scope.decisions.filter(
            outcome__in=(PanelDecision.Outcome.APPROVED, PanelDecision.Outcome.DECLINED),
            referral__submitted_at__isnull=False,
            meeting__date__gte=since,
        ).values_list("referral__submitted_at", "created_at")
    ]
    started = [
        (start - _local(decided, zone)).days
        for decided, start in scope.placements.filter(
            ran(), created_from_decision__isnull=False, start_date__gte=since
        ).values_list("created_from_decision__created_at", "start_date")
    ]
    spreads = [
        ("From referral to the panel's decision", spread_of(decided)),
        ("From the decision to the start of the placement", spread_of(started)),
    ]
    return Figure(
        slug="timings",
        title="Days from referral to decision, and from decision to start",
        header=(
            "Interval",
            "How many",
            "Median (days)",
            "Lower quartile",
            "Upper quartile",
            "Shortest",
            "Longest",
        ),
        rows=[
            (
                name,
                s.count,
                s.median,
                s.lower_quartile,
                s.upper_quartile,
                s.shortest,
                s.longest,
            )
            for name, s in spreads
        ],
        note=(
            f"Since {since:%-d %B %Y}: referrals approved or declined (from the day the "
            "school submitted the referral to the day the decision was recorded), and "
            "placements the panel approved that started (from the day of the decision "
            "to the placement's start date). Calendar days; half of them took no longer "
            "than the median, and the middle half between the quartiles."
        ),
        labels=[name for name, _s in spreads],
        chart="spread",
    )


@dataclass(frozen=True)
class Sessions:
    present: int = 0
    possible: int = 0

    def __add__(self, other: "Sessions") -> "Sessions":
        return Sessions(self.present + other.present, self.possible + other.possible)

    @property
    def percent(self) -> float | None:
        return round(100 * self.present / self.possible, 1) if self.possible else None


# What decides a mark's place in the attendance figure: its provider, what decides its
# home school's code (codes.home_code), and what it says.
MARK_KINDS = (
    "placement__provider__name",
    "placement__dual_registered",
    "placement__arranged_by",
    "observed",
    "code",
)


def _add(rows: QuerySet[Any], count: Any, sign: int, into: Counter[tuple[Any, ...]]) -> None:
    for *kind, n in rows.values_list(*MARK_KINDS).annotate(n=count).order_by():
        into[tuple(kind)] += sign * n


def marks_in_period(
    placements: QuerySet[Placement], since: datetime.date, today: datetime.date
) -> Counter[tuple[Any, ...]]:
    """How many current marks of `placements` dated from `since` to `today` there are
    of each kind (MARK_KINDS), exactly as counting those marks would say, without
    reading a year of every child's registers: for the placements under way in the
    period, the counts the database keeps of all their current marks (MarkCount, ADR
    15) less their marks outside the period (the part of a long placement before it);
    for the others, their marks in the period read by placement and date (none, where
    marks keep to their placement's dates). Kinds that come to nought are left out."""
    under_way = Q(start_date__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    recent = placements.filter(under_way).values("pk")
    older = placements.filter(Q(start_date__gt=today) | Q(ended_on__lt=since)).values("pk")
    current = AttendanceMark.objects.filter(is_current=True)
    counts: Counter[tuple[Any, ...]] = Counter()
    _add(MarkCount.objects.filter(placement__in=recent, n__gt=0), Sum("n"), 1, counts)
    # Before the period and after it, read apart: each goes by a placement's marks in
    # date order (its index on placement and date). Asked as one `date < since OR
    # date > today`, PostgreSQL read every mark of the year instead (at one authority's
    # scale, 750,000 rows to find 24,000).
    for outside in (Q(date__lt=since), Q(date__gt=today)):
        _add(current.filter(outside, placement__in=recent), Count("pk"), -1, counts)
    in_period = current.filter(placement__in=older, date__gte=since, date__lte=today)
    _add(in_period, Count("pk"), 1, counts)
    return Counter({kind: n for kind, n in counts.items() if n})


def attendance(scope: OutcomeScope, today: datetime.date) -> Figure:
    """Attendance during AP, from the providers' registers in the home school's codes;
    before and after AP the home school's own registers, which are not imported."""
    since = months_back(today)[0]
    per_provider: dict[str, Sessions] = defaultdict(Sessions)
    counted = marks_in_period(scope.placements.filter(ran()), since, today)
    for (name, dual, arranged_by, observed, code), n in counted.items():
        home = codes.get(
            codes.home_code(
                observed,
                code,
                dual_registered=dual,
                arranged_by_la=arranged_by == Placement.ArrangedBy.LA,
            )
        )
        per_provider[name] += Sessions(
            present=n if home.is_present else 0, possible=n if home.is_possible else 0
        )
    total = sum(per_provider.values(), Sessions())
    during = [("During AP: every provider", total)] + [
        (f"During AP: {name}", per_provider[name]) for name in sorted(per_provider)
    ]
    rows: list[tuple[Any, ...]] = [
        (f"Before AP (the {WEEKS_BEFORE} weeks before each placement)", NOT_IMPORTED, "", "")
    ]
    rows += [(label, s.present, s.possible, s.percent) for label, s in during]
    rows.append(("After AP (since each placement ended)", NOT_IMPORTED, "", ""))
    return Figure(
        slug="attendance",
        title="Attendance before, during and after AP",
        header=("When", "Sessions attended", "Possible sessions", "Attendance (%)"),
        rows=rows,
        note=(
            f"During AP: the providers' registers since {since:%-d %B %Y}, in the home "
            "school's codes (sessions a dual-registered pupil spends at the provider are "
            "the provider's to count, so they count neither way here). Attendance before "
            "and after AP is the home school's own register, which apcase does not import: "
            "it is not nought, it is not known here."
        ),
        labels=[label.removeprefix("During AP: ") for label, _s in during],
        series=[("Attendance (%)", [float(s.percent or 0) for _label, s in during])],
    )


def outcomes_by_provider(scope: OutcomeScope) -> Figure:
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    destinations = set(Placement.Destination.values)
    for name, destination, n in (
        scope.placements.filter(status=Placement.Status.ENDED)
        .values_list("provider__name", "end_destination")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        known = destination in destinations
        label = Placement.Destination(destination).label if known else NOT_RECORDED
        found[name][label] += n
    present = {label for outcomes in found.values() for label in outcomes}
    columns = [d.label for d in Placement.Destination if d.label in present]
    if NOT_RECORDED in present:
        columns.append(NOT_RECORDED)
    providers = sorted(found)
    return Figure(
        slug="outcomes",
        title="Outcomes of ended placements, by provider",
        header=("Provider", *columns, "Ended placements"),
        rows=[
            (name, *(found[name].get(c, 0) for c in columns), sum(found[name].values()))
            for name in providers
        ],
        note="Every placement that has ended, by where the child went when it ended.",
        labels=providers,
        series=[(c, [float(found[name].get(c, 0)) for name in providers]) for c in columns],
    )


AVOIDED = "Not permanently excluded within 12 months"
EXCLUDED = "Permanently excluded within 12 months"
TOO_EARLY = "Too early to tell (referred less than 12 months ago)"


def exclusions_avoided(scope: OutcomeScope, today: datetime.date) -> Figure:
    first_exclusion = (
        scope.exclusions.filter(
            pupil=OuterRef("pupil"),
            kind=ExclusionKind.PERMANENT,
            start_date__gte=OuterRef("submitted_on"),
        )
        .order_by("start_date")
        .values("start_date")[:1]
    )
    found = {AVOIDED: 0, EXCLUDED: 0, TOO_EARLY: 0}
    zone = timezone.get_current_timezone()
    for submitted, excluded_on in (
        scope.referrals.filter(reason=Referral.Reason.RISK_OF_EXCLUSION)
        .annotate(submitted_on=TruncDate("submitted_at"))
        .annotate(first_exclusion=Subquery(first_exclusion))
        .values_list("submitted_at", "first_exclusion")
    ):
        referred = _local(submitted, zone)
        window_ends = add_months(referred, EXCLUSION_WINDOW_MONTHS)
        if window_ends >= today:
            found[TOO_EARLY] += 1
        elif excluded_on is not None and excluded_on <= window_ends:
            found[EXCLUDED] += 1
        else:
            found[AVOIDED] += 1
    return _counted(
        "exclusions-avoided",
        "Exclusions avoided: referrals for risk of exclusion",
        "Referrals for risk of exclusion",
        list(found.items()),
        "Each referral submitted giving risk of exclusion as its reason. Only a "
        "referral made more than 12 months ago counts as decided: the pupil was "
        "permanently excluded within 12 months of the day it was submitted, or was "
        "not. A younger referral is too early to tell, whatever has happened since.",
        measure="Referrals",
    )


OUTCOME_LABELS = dict(PanelDecision.Outcome.choices)
# A decision recorded under an outcome the service no longer offers: still counted.
OTHER_DECISION = "Another decision (no longer offered)"


def panel_throughput(scope: OutcomeScope, today: datetime.date) -> Figure:
    since = months_back(today)[0]
    meetings: dict[int, tuple[str, dict[str, int]]] = {}
    for meeting_id, day, panel, outcome, n in (
        scope.decisions.filter(meeting__date__gte=since, meeting__date__lte=today)
        .values_list("meeting_id", "meeting__date", "meeting__panel__name", "outcome")
        .annotate(n=Count("pk"))
        .order_by("meeting__date", "meeting_id")
    ):
        label = f"{day:%-d %B %Y}, {panel}"
        meetings.setdefault(meeting_id, (label, defaultdict(int)))[1][
            OUTCOME_LABELS.get(outcome, OTHER_DECISION)
        ] += n
    columns = [o.label for o in PanelDecision.Outcome if o in PanelDecision.REFERRAL_OUTCOMES]
    if any(OTHER_DECISION in c for _label, c in meetings.values()):
        columns.append(OTHER_DECISION)
    rows = [
        (label, *(c.get(o, 0) for o in columns), sum(c.values())) for label, c in meetings.values()
    ]
    return Figure(
        slug="panel-throughput",
        title="Referrals decided at each panel meeting, by decision",
        header=("Meeting", *columns, "Referrals decided"),
        rows=rows,
        note=f"Meetings since {since:%-d %B %Y}; a deferred referral counts at each meeting that deferred it.",
        labels=[label for label, _c in meetings.values()],
        series=[(o, [float(c.get(o, 0)) for _label, c in meetings.values()]) for o in columns],
    )


FIGURES = (
    "in-ap-by-month",
    "by-reason",
    "by-provider",
    "by-year-group",
    "by-sen",
    "timings",
    "attendance",
    "outcomes",
    "exclusions-avoided",
    "panel-throughput",
)


def figure(scope: OutcomeScope, slug: str, today: datetime.date) -> Figure | None:
    """One figure by its slug (None for a slug that is no figure)."""
    makers = {
        "in-ap-by-month": lambda: in_ap_by_month(scope, today),
        "by-reason": lambda: by_reason(scope),
        "by-provider": lambda: by_provider(scope),
        "by-year-group": lambda: by_year_group(scope),
        "by-sen": lambda: by_sen(scope),
        "timings": lambda: timings(scope, today),
        "attendance": lambda: attendance(scope, today),
        "outcomes": lambda: outcomes_by_provider(scope),
        "exclusions-avoided": lambda: exclusions_avoided(scope, today),
        "panel-throughput": lambda: panel_throughput(scope, today),
    }
    make = makers.get(slug)
    return make() if make is not None else None


def every_figure(scope: OutcomeScope, today: datetime.date) -> list[Figure]:
    return [f for slug in FIGURES if (f := figure(scope, slug, today)) is not None]
