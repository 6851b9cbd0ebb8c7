"""The compliance board: one row per child in AP now, one cell per duty (duties.py),
built from what selectors.board_facts read; the counts at its top; its filters and
its order (most red first)."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.html import format_html

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.core.links import fixed_url, record_url
from apcase.core.templatetags.govuk import govuk_link, govuk_table_rows, govuk_tag
from apcase.directory.assurance import Status as AssuranceStatus
from apcase.directory.assurance import annotated_reasons
from apcase.monitoring.selectors import summarise_counted, visit_due_after
from apcase.placements.models import Placement, PlacementAgreement
from apcase.placements.notify import needs_notice
from apcase.placements.plan import agreed_parties, is_part_time
from apcase.reviews import schedule

from . import duties, keys
from .duties import Cell
from .selectors import (
    Facts,
    Visits,
    board_placements_shown,
    home_code_counts,
    provider_is_unregistered,
)

# The board's columns, in order: (key, heading). "concerns" is the DSL's only.
COLUMNS = (
    ("named_staff", "Named staff member"),
    ("plan", "Placement plan"),
    ("assurance", "Provider assurance"),
    ("today", "Today's attendance"),
    ("attendance", "Attendance"),
    ("review", "Review"),
    ("visit", "Visit"),
    ("tasks", "Attendance alerts"),
    ("part_time", "Part-time timetable"),
    ("concerns", "Safeguarding concerns"),
)

# What the counts at the top of the board filter on (the `show` filter).
SHOW = {
    "unregistered": "In unregistered AP",
    "review_overdue": "Overdue reviews",
    "visit_overdue": "Overdue visits",
    "assurance_lapsed": "Expired provider assurance",
}


@dataclass(frozen=True)
class Commissioning:
    """Who commissioned the placement and, for one the school commissioned without
    the panel, when the LA was told (placements.notify)."""

    text: str
    tag: str = ""
    tag_colour: str = ""


def commissioning_of(placement: Placement) -> Commissioning:
    if placement.arranged_by == Placement.ArrangedBy.LA:
        return Commissioning("Local authority")
    if not needs_notice(placement):
        return Commissioning("School, with the panel's approval")
    told = placement.la_notified_at
    if told is None:
        return Commissioning(
            "Without the panel: there is no record that the local authority was told.",
            "LA not told",
            "red",
        )
    return Commissioning(
        f"Without the panel. The local authority was told on {timezone.localtime(told):%-d %B %Y}.",
        "School-commissioned",
        "purple",
    )


@dataclass
class Row:
    placement: Placement
    cells: dict[str, Cell | None]
    unregistered: bool
    flags: set[str] = field(default_factory=set)
    shown: list[Cell | None] = field(default_factory=list)

    @property
    def commissioning(self) -> Commissioning:
        return commissioning_of(self.placement)

    @property
    def pupil(self):  # type: ignore[no-untyped-def]
        return self.placement.pupil

    @property
    def reds(self) -> int:
        return sum(
            1 for c in self.cells.values() if c is not None and c.colour is duties.Colour.RED
        )

    @property
    def ambers(self) -> int:
        return sum(
            1 for c in self.cells.values() if c is not None and c.colour is duties.Colour.AMBER
        )

    def in_order(self, columns: list[str]) -> list[Cell | None]:
        return [self.cells.get(key) for key in columns]


def _link(cell: Cell, view: str, pk: int, linked: bool = True) -> Cell:
    """The cell, linked to the page `view` of `pk` (its address worked out if shown);
    as it is when not `linked` (a row only sorted, filtered and counted)."""
    if not linked:
        return cell
    return Cell(cell.colour, cell.label, cell.detail, partial(record_url, view, pk))


def _linked_by(cell: Cell, view: Callable[[], str], pk: int, linked: bool = True) -> Cell:
    """The cell, linked to the page `view()` names, asked only when the link is shown."""
    if not linked:
        return cell
    return Cell(cell.colour, cell.label, cell.detail, lambda: record_url(view(), pk))


def _staff(user: User, placement: Placement, linked: bool) -> Cell:
    person = placement.named_staff_member
    # placements.watch.named_staff_member_now, asked of the database for every row at
    # once (selectors.board_placements): nobody named, or they no longer work there.
    works_there = person is not None and placement.staff_works_there  # type: ignore[attr-defined]
    cell = duties.named_staff(named=str(person) if person else None, left=not works_there)

    def view() -> str:
        if policies.can_plan_placement(user, placement):
            return "placements:edit_plan"
        return "placements:detail"

    return _linked_by(cell, view, placement.pk, linked)


PARTY_WORDS = {party.value: party.label.lower() for party in PlacementAgreement.Party}


def _plan(facts: Facts, placement: Placement, linked: bool) -> Cell:
    agreements = facts.agreements.get(placement.pk, [])
    plan = duties.PlanFacts(
        has_timetable=placement.has_timetable,  # type: ignore[attr-defined]
        is_emergency_unagreed=placement.is_emergency and placement.full_plan_agreed_on is None,
        agreed_parties=frozenset(PARTY_WORDS[p] for p in agreed_parties(placement, agreements)),
        ever_agreed=bool(agreements),
        parties=tuple(PARTY_WORDS.values()),
    )
    return _link(duties.plan(plan), "placements:detail", placement.pk, linked)


def _assurance(facts: Facts, placement: Placement, linked: bool) -> Cell:
    provider = facts.providers.get(placement.provider_id)
    cell = duties.assurance(
        status=getattr(provider, "assurance_status", None),
        not_assured=bool(getattr(provider, "not_assured", False)),
        reasons=annotated_reasons(provider) if provider is not None else [],
        expiring_label=AssuranceStatus.EXPIRING.label,
    )
    if placement.provider_id in facts.provider_pages:
        return _link(cell, "directory:provider_detail", placement.provider_id, linked)
    return cell


def _attendance(facts: Facts, placement: Placement, linked: bool) -> tuple[Cell, Cell]:
    summary = summarise_counted(
        home_code_counts(placement, facts.mark_counts.get(placement.pk, []))
    )
    today = duties.todays_register(
        expected=facts.expected_today.get(placement.pk, []),
        marked=facts.marked_today.get(placement.pk, set()),
        cutoffs_passed=facts.sessions_past_cutoff,
    )
    overall = duties.attendance(present=summary.present, possible=summary.possible)
    return (
        _link(today, "monitoring:placement", placement.pk, linked),
        _link(overall, "monitoring:placement", placement.pk, linked),
    )


def _review(user: User, facts: Facts, placement: Placement, linked: bool) -> tuple[Cell, bool]:
    """As reviews.selectors.state_of works out an active placement's next review and
    whether a parent's request is due, from the dates the board read for every child."""
    held = facts.reviews.get(placement.pk, [])
    nxt = schedule.next_review(placement, held)
    days = [review.held_on for review in held]
    requested = any(
        schedule.request_is_due(received_on, days)
        for received_on in facts.requests.get(placement.pk, [])
    )
    cell = duties.review(due=nxt.due, missing=nxt.missing, requested=requested, today=facts.today)

    def view() -> str:
        if policies.can_read_reviews(user, placement):
            return "reviews:placement"
        return "placements:detail"

    return _linked_by(cell, view, placement.pk, linked), nxt.due < facts.today


def _visit(facts: Facts, placement: Placement, linked: bool) -> tuple[Cell, bool]:
    visits = facts.visits.get(placement.pk, Visits())
    due = visit_due_after(placement.start_date, visits.last_done)
    cell = duties.visit(due=due, scheduled=visits.next_scheduled, today=facts.today)
    return _link(cell, "monitoring:placement", placement.pk, linked), due < facts.today


def _tasks(facts: Facts, placement: Placement, linked: bool) -> Cell:
    cell = duties.alert_tasks(open_dates=facts.alert_dates.get(placement.pk, []), today=facts.today)
    return _link(cell, "monitoring:placement", placement.pk, linked)


def _part_time(facts: Facts, placement: Placement, linked: bool) -> Cell:
    """An agreed reintegration plan's part-time timetable; failing that, the one the
    placement plan itself says the pupil is on, which lasts no longer than the
    placement (its planned end date, or none)."""
    plan = facts.part_time.get(placement.pk)
    if plan is None and is_part_time(placement):
        timetable = duties.PartTime(ends_on=placement.planned_end_date)
        return _link(
            duties.part_time(timetable, today=facts.today),
            "placements:detail",
            placement.pk,
            linked,
        )
    if plan is None:
        return duties.part_time(None, today=facts.today)
    timetable = duties.PartTime(ends_on=plan.part_time_ends_on)
    return _link(
        duties.part_time(timetable, today=facts.today), "reintegration:detail", plan.pk, linked
    )


def _concerns(facts: Facts, placement: Placement) -> Cell | None:
    if facts.concerns is None or not _is_dsl_row(facts, placement):
        return None
    counts = facts.concerns.get(placement.pupil_id, {"new": 0, "open": 0})
    cell = duties.concerns(new=counts["new"], open_=counts["open"] + counts["new"])
    return Cell(cell.colour, cell.label, cell.detail, partial(fixed_url, "safeguarding:list"))


def _is_dsl_row(facts: Facts, placement: Placement) -> bool:
    return placement.pupil.school_id in facts.dsl_schools


def row_for(user: User, facts: Facts, placement: Placement, *, linked: bool = True) -> Row:
    """The placement's row; its cells link where each is put right unless not `linked`
    (every row is built to be sorted, filtered and counted; only those shown link)."""
    today, overall = _attendance(facts, placement, linked)
    review, review_overdue = _review(user, facts, placement, linked)
    visit, visit_overdue = _visit(facts, placement, linked)
    assurance = _assurance(facts, placement, linked)
    provider = facts.providers.get(placement.provider_id) or placement.provider
    row = Row(
        placement=placement,
        cells={
            "named_staff": _staff(user, placement, linked),
            "plan": _plan(facts, placement, linked),
            "assurance": assurance,
            "today": today,
            "attendance": overall,
            "review": review,
            "visit": visit,
            "tasks": _tasks(facts, placement, linked),
            "part_time": _part_time(facts, placement, linked),
            "concerns": _concerns(facts, placement),
        },
        unregistered=provider_is_unregistered(provider),
    )
    if row.unregistered:
        row.flags.add("unregistered")
    if review_overdue:
        row.flags.add("review_overdue")
    if visit_overdue:
        row.flags.add("visit_overdue")
    if assurance.is_red:
        row.flags.add("assurance_lapsed")
    return row


class Line(NamedTuple):
    """One row of the board as it is sorted, filtered and counted: the placement, what
    the filters and counts look at, and how many cells are red and amber (keys.py). Its
    cells are built whole (`Row`) only for the rows a page or a download shows."""

    pk: int
    pupil_id: int
    school_id: int
    provider_id: int
    staff_id: int | None
    last_name: str
    first_name: str
    reds: int
    ambers: int
    flags: frozenset[str]


@dataclass(frozen=True)
class Filters:
    school: int | None = None
    provider: int | None = None
    staff: int | None = None
    show: str = ""

    def keep(self, line: Line) -> bool:
        return (
            (self.school is None or line.school_id == self.school)
            and (self.provider is None or line.provider_id == self.provider)
            and (self.staff is None or line.staff_id == self.staff)
            and (not self.show or self.show in line.flags)
        )


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    number: int


@dataclass
class Board:
    rows: list[Line]
    counts: list[Count]
    columns: list[tuple[str, str]]
    schools: list[Organisation]
    providers: list[Organisation]
    staff: list[User]
    today: datetime.date
    shown_in_all: int = 0
    # Still planned after their start date: listed above the board whatever the filters.
    not_started: list[Placement] = field(default_factory=list)


def most_red_first(rows: list[Row]) -> list[Row]:
    return sorted(
        rows,
        key=lambda r: (
            -r.reds,
            -r.ambers,
            r.pupil.legal_last_name,
            r.pupil.legal_first_name,
            r.placement.pk,  # a total order: the board's pages never overlap
        ),
    )


def _most_red_first(lines: list[Line]) -> list[Line]:
    """`most_red_first` for lines: the same order."""
    return sorted(lines, key=lambda x: (-x.reds, -x.ambers, x.last_name, x.first_name, x.pk))


def _counts(lines: list[Line]) -> list[Count]:
    children = Count("", "Children in AP", len({x.pupil_id for x in lines}))
    return [children] + [
        Count(key, label, len({x.pupil_id for x in lines if key in x.flags}))
        for key, label in SHOW.items()
    ]


def _options(
    facts: Facts, lines: list[Line]
) -> tuple[list[Organisation], list[Organisation], list[User]]:
    """The schools, providers and named staff members of the rows (in the rows' order
    where two have the same name), as board_facts read them, once each."""
    schools = {x.school_id: facts.schools[x.school_id] for x in lines}
    providers = {x.provider_id: facts.providers[x.provider_id] for x in lines}
    staff = {x.staff_id: facts.staff[x.staff_id] for x in lines if x.staff_id is not None}
    return (
        sorted(schools.values(), key=str),
        sorted(providers.values(), key=str),
        sorted(staff.values(), key=str),
    )


def _columns(facts: Facts) -> list[tuple[str, str]]:
    return [c for c in COLUMNS if c[0] != "concerns" or facts.concerns is not None]


class _Providers(NamedTuple):
    """Each provider's assurance colour and whether it is unregistered, worked out once
    for all its rows. A provider the board could not read is red and unregistered."""

    assurance: dict[int, duties.Colour]
    unregistered: set[int]


def _providers(facts: Facts) -> _Providers:
    colours = {}
    unregistered = set()
    for pk, provider in facts.providers.items():
        colours[pk] = keys.assurance(
            status=getattr(provider, "assurance_status", None),
            not_assured=bool(getattr(provider, "not_assured", False)),
        )
        if provider_is_unregistered(provider):
            unregistered.add(pk)
    return _Providers(colours, unregistered)


def _review_colour(facts: Facts, p: Any) -> tuple[duties.Colour, bool]:
    """As `_review`: the colour and whether the review is overdue."""
    held = facts.reviews.get(p.pk, [])
    nxt = schedule.next_review(p, held)
    requested = False
    if p.pk in facts.requests:
        days = [review.held_on for review in held]
        requested = any(schedule.request_is_due(day, days) for day in facts.requests[p.pk])
    colour = keys.review(
        due=nxt.due, missing=bool(nxt.missing), requested=requested, today=facts.today
    )
    return colour, nxt.due < facts.today


NO_VISITS = Visits()


def _visit_colour(facts: Facts, p: Any) -> tuple[duties.Colour, bool]:
    """As `_visit`: the colour and whether the visit is overdue."""
    visits = facts.visits.get(p.pk, NO_VISITS)
    due = visit_due_after(p.start_date, visits.last_done)
    colour = keys.visit(due=due, scheduled=visits.next_scheduled, today=facts.today)
    return colour, due < facts.today


def _part_time_colour(facts: Facts, p: Any) -> duties.Colour:
    """As `_part_time`."""
    plan = facts.part_time.get(p.pk)
    ends_on = plan.part_time_ends_on if plan is not None else p.planned_end_date
    return keys.part_time(
        on_part_time=plan is not None or p.part_time_timetable,
        ends_on=ends_on,
        today=facts.today,
    )


# What one mark counts for (present, possible) by what decides its home school's code:
# (observed, the school's code, dual registered, arranged by the LA).
Weights = dict[tuple[str, str, bool, bool], tuple[int, int]]


def _present_possible(facts: Facts, p: Any, weights: Weights) -> tuple[int, int]:
    """As `_attendance`'s summary: each kind of mark's weight worked out once a board
    by the same functions (`home_code_counts`, `summarise_counted`), then counted."""
    present = possible = 0
    by_la = p.arranged_by == Placement.ArrangedBy.LA
    for observed, code, n in facts.mark_counts.get(p.pk, ()):
        key = (observed, code, p.dual_registered, by_la)
        weight = weights.get(key)
        if weight is None:
            one = summarise_counted(home_code_counts(p, [(observed, code, 1)]))
            weight = weights[key] = (one.present, one.possible)
        present += weight[0] * n
        possible += weight[1] * n
    return present, possible


def _line(facts: Facts, p: Any, providers: _Providers, weights: Weights) -> Line:
    """The row of one placement as `row_for` would colour it (`keys` for each cell),
    from what board_facts read of it (`selectors.board_rows_read`'s named tuple)."""
    today = facts.today
    pk = p.pk
    present, possible = _present_possible(facts, p, weights)
    agreements = facts.agreements.get(pk, [])
    agreed = {a.party for a in agreements if a.plan_version == p.plan_version}
    alerts = facts.alert_dates.get(pk)
    review, review_overdue = _review_colour(facts, p)
    visit, visit_overdue = _visit_colour(facts, p)
    assurance = providers.assurance.get(p.provider_id, duties.Colour.RED)
    colours = [
        keys.named_staff(
            named=p.named_staff_member_id is not None, works_there=p.staff_works_there
        ),
        keys.plan(
            has_timetable=p.has_timetable,
            is_emergency_unagreed=p.is_emergency and p.full_plan_agreed_on is None,
            all_agreed=agreed >= PARTIES,
            ever_agreed=bool(agreements),
        ),
        assurance,
        keys.todays_register(
            expected=facts.expected_today.get(pk, ()),
            marked=facts.marked_today.get(pk, ()),
            cutoffs_passed=facts.sessions_past_cutoff,
        ),
        keys.attendance(present=present, possible=possible),
        review,
        visit,
        keys.alert_tasks(earliest_open=min(alerts) if alerts else None, today=today),
        _part_time_colour(facts, p),
    ]
    if facts.concerns is not None and p.pupil__school_id in facts.dsl_schools:
        counts = facts.concerns.get(p.pupil_id, {"new": 0, "open": 0})
        colours.append(keys.concerns(new=counts["new"], open_=counts["open"] + counts["new"]))
    unregistered = p.provider_id in providers.unregistered or p.provider_id not in facts.providers
    flags = {
        name
        for name, on in (
            ("unregistered", unregistered),
            ("review_overdue", review_overdue),
            ("visit_overdue", visit_overdue),
            ("assurance_lapsed", assurance is duties.Colour.RED),
        )
        if on
    }
    return Line(
        pk,
        p.pupil_id,
        p.pupil__school_id,
        p.provider_id,
        p.named_staff_member_id,
        p.pupil__legal_last_name,
        p.pupil__legal_first_name,
        colours.count(duties.Colour.RED),
        colours.count(duties.Colour.AMBER),
        frozenset(flags),
    )


# Every party whose agreement a plan needs (duties.PlanFacts.parties).
PARTIES = frozenset(PARTY_WORDS)


def build(user: User, facts: Facts) -> Board:
    """The whole board, most red first (filtered() narrows it): every row's colours
    counted from `keys`, its cells built only where shown (`shown`)."""
    providers = _providers(facts)
    weights: Weights = {}
    lines = [_line(facts, p, providers, weights) for p in facts.placements]
    schools, providers_offered, staff = _options(facts, lines)
    return Board(
        rows=_most_red_first(lines),
        counts=_counts(lines),
        columns=_columns(facts),
        schools=schools,
        providers=providers_offered,
        staff=staff,
        today=facts.today,
        shown_in_all=len(lines),
        not_started=facts.not_started,
    )


def shown(user: User, facts: Facts, rows: Sequence[Line], *, linked: bool = True) -> list[Row]:
    """The rows a page (or a download) shows, in the same order, each built whole from
    its placement (selectors.board_placements_shown: the pupil's school, the provider
    and who is named, for the row's words and links) and the same facts the rows were
    sorted, filtered and counted by, so every cell has the colour its line counted. A
    download, which links nowhere, asks for them not `linked`."""
    whole = board_placements_shown(user, [line.pk for line in rows])
    columns = [key for key, _heading in _columns(facts)]
    dressed = []
    for line in rows:
        placement = whole.get(line.pk)
        if placement is None:  # out of the user's scope since the rows were read
            continue
        row = row_for(user, facts, placement, linked=linked)
        row.shown = row.in_order(columns)
        dressed.append(row)
    return dressed


def filtered(board: Board, filters: Filters) -> Board:
    return replace(board, rows=[r for r in board.rows if filters.keep(r)])


NOT_STARTED_TAG = "Red: Not recorded as started"


def as_sheet(board: Board, shown: list[Row]) -> tuple[list[str], list[list[object]]]:
    """The board's rows (`shown`, built whole) as a spreadsheet: the child, who commissioned the placement,
    then for each duty shown its colour and tag, and what it means. A placement still
    planned after its start date (which the page warns of above the board) follows, one
    row each, every duty red as not watched: the file never loses that child."""
    header = ["UPN", "Pupil", "School", "Provider", "Commissioned"]
    for _key, heading in board.columns:
        header += [heading, f"{heading}: why"]
    rows: list[list[object]] = []
    for row in shown:
        cells: list[object] = [
            row.pupil.upn,
            row.pupil.display_name,
            row.pupil.school.name,
            row.placement.provider.name,
            row.commissioning.text,
        ]
        for cell in row.shown:
            if cell is None:
                cells += ["Shown to the school's DSL only", ""]
            else:
                cells += [f"{cell.colour.word.capitalize()}: {cell.label}", cell.detail]
        rows.append(cells)
    for placement in board.not_started:
        why = (
            f"Planned to start on {placement.start_date:%-d %B %Y} but not recorded as "
            "started, so no register is expected and no duty is watched. Record that the "
            "placement started, or that it did not."
        )
        rows.append(
            [
                placement.pupil.upn,
                placement.pupil.display_name,
                placement.pupil.school.name,
                placement.provider.name,
                commissioning_of(placement).text,
                *[part for _column in board.columns for part in (NOT_STARTED_TAG, why)],
            ]
        )
    return header, rows


def _cell_html(cell: Cell | None) -> str:
    if cell is None:
        return "Shown to the school's DSL only"
    text = govuk_link(cell.href, cell.detail or cell.label) if cell.href else cell.detail
    return format_html("{}<br>{}", govuk_tag(cell.label, cell.colour.tag), text)


def _header_html(row: Row) -> str:
    return format_html(
        '{}<span class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">{}, at {}'
        '</span>{}<span class="govuk-visually-hidden">{} red, {} amber</span>',
        govuk_link(record_url("placements:detail", row.placement.pk), row.pupil.display_name),
        row.pupil.school.name,
        row.placement.provider.name,
        govuk_tag("Unregistered provider", "orange") if row.unregistered else "",
        row.reds,
        row.ambers,
    )


def _commissioning_html(row: Row) -> str:
    commissioning = row.commissioning
    if not commissioning.tag:
        return commissioning.text
    return format_html(
        "{}<br>{}", govuk_tag(commissioning.tag, commissioning.tag_colour), commissioning.text
    )


def rows_html(rows: Sequence[Row]) -> str:
    """The page's rows (`shown`, built whole) through core's `govuk_table_rows`, every
    value escaped by format_html, rather than by a template loop with a tag in each of
    eleven cells, which with a `reverse()` for each cell's link cost the LA officer's
    page about 75 ms for its fifty rows, about 29 written in one pass
    (apcase/oversight/tests/test_board_rows.py holds them to the elements the loop
    wrote, and every name in them to being escaped)."""
    return govuk_table_rows(
        (
            [_header_html(row), _commissioning_html(row), *(_cell_html(c) for c in row.shown)]
            for row in rows
        ),
        row_header=True,
        cell_class="govuk-!-font-size-16",
    )
