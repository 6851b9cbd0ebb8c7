"""The outcome dashboard's figures, each tested against an independent recomputation:
a fixture of known placements, referrals, decisions, exclusions and marks is written to
the database, and each figure is worked out again here in plain Python from the
fixture's own description (never by calling the code under test), then compared with
what the page and its downloads show. Plus: who sees what, a fixed number of queries,
and hypothesis where the rule is arithmetic."""

import csv
import datetime
import io
import statistics
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory, SchoolFactory
from apcase.chronology.models import AccessLogEntry
from apcase.monitoring.models import AttendanceMark
from apcase.oversight import outcomes
from apcase.oversight.selectors import outcome_scope
from apcase.panel.models import PanelDecision
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Exclusion
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("oversight:outcomes")
D = Placement.Destination


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class Spec:
    """One placement of the fixture, as the recomputation reads it."""

    key: str
    pupil: str
    school: str
    provider: str
    status: str
    start: datetime.date
    ended_on: datetime.date | None = None
    destination: str = ""
    reason: str = ""  # the referral's reason, "" for none
    emergency: bool = False
    submitted: datetime.date | None = None  # the referral
    decided: datetime.date | None = None  # the panel's approval
    additional: bool = False


# pupil: (school, NC year, SEN status)
PUPILS = {
    "amy": ("ours", "7", "N"),
    "ben": ("ours", "8", "K"),
    "cal": ("ours", "8", "E"),
    "dot": ("ours", "9", "K"),
    "eve": ("ours", "9", "N"),
    "fay": ("ours", "10", "N"),
    "ivy": ("neighbour", "6", "E"),
    "zed": ("elsewhere", "7", "N"),
}


def specs() -> list[Spec]:
    A = Placement.Status.ACTIVE  # noqa: N806 - short names keep one placement a line
    E = Placement.Status.ENDED  # noqa: N806
    R = Referral.Reason  # noqa: N806
    return [
        # Older than the year: in every month; its decision is outside the timings' window.
        Spec(
            "a",
            "amy",
            "ours",
            "North",
            A,
            ago(400),
            reason=R.BEHAVIOUR,
            submitted=ago(430),
            decided=ago(420),
        ),
        Spec(
            "b",
            "ben",
            "ours",
            "North",
            E,
            ago(200),
            ago(100),
            D.RETURNED_FULL_TIME,
            R.RISK_OF_EXCLUSION,
            submitted=ago(240),
            decided=ago(230),
        ),
        Spec("c", "cal", "ours", "South", A, ago(50), emergency=True),
        Spec(
            "d",
            "dot",
            "ours",
            "South",
            E,
            ago(150),
            ago(120),
            "",
            R.SEMH,
            submitted=ago(190),
            decided=ago(170),
        ),
        Spec("e", "eve", "ours", "North", E, ago(60), ago(60), D.NOT_STARTED),
        Spec("f", "fay", "ours", "South", Placement.Status.PLANNED, ago(-10)),
        # Amy's second, part-time placement: she counts once a month, at both providers.
        Spec("g", "amy", "ours", "South", A, ago(30), additional=True),
        Spec(
            "h",
            "ben",
            "ours",
            "South",
            E,
            ago(90),
            ago(40),
            D.SPECIALIST,
            R.RISK_OF_EXCLUSION,
            submitted=ago(95),
            decided=ago(93),
        ),
        Spec(
            "i",
            "ivy",
            "neighbour",
            "North",
            A,
            ago(20),
            reason=R.MEDICAL,
            submitted=ago(35),
            decided=ago(28),
        ),
        Spec(
            "z",
            "zed",
            "elsewhere",
            "Far",
            A,
            ago(100),
            reason=R.BEHAVIOUR,
            submitted=ago(130),
            decided=ago(110),
        ),
    ]


# Referrals for risk of exclusion with no placement: (pupil, submitted)
RISK_ONLY = [("dot", 500), ("eve", 400), ("fay", 100), ("ivy", 380), ("zed", 390)]
# Permanent exclusions: (pupil, days ago)
EXCLUSIONS = [("dot", 300), ("ben", 10), ("eve", 2), ("zed", 200)]
# Marks: (placement, days ago, session, observed, school code, current)
MARKS = [
    ("a", 3, "am", "present", "", True),
    ("a", 3, "pm", "absent_no_reason", "O", True),
    ("a", 4, "am", "absent_illness", "I", True),
    ("a", 4, "pm", "late", "", True),
    ("a", 5, "am", "absent_no_reason", "", False),  # superseded: not counted
    ("a", 500, "am", "present", "", True),  # before the year: not counted
    ("c", 3, "am", "present", "", True),
    ("c", 3, "pm", "absent_no_reason", "", True),
    ("g", 2, "am", "present", "", True),
    ("i", 2, "am", "absent_no_reason", "O", True),
    ("z", 2, "am", "present", "", True),
]
# Panel decisions with no placement: (pupil, meeting key, outcome)
OTHER_DECISIONS = [
    ("dot", "m2", PanelDecision.Outcome.DECLINED),
    ("eve", "m2", PanelDecision.Outcome.DEFERRED),
    ("fay", "m3", PanelDecision.Outcome.MORE_INFORMATION),
    ("ivy", "m3", PanelDecision.Outcome.DECLINED),
    ("zed", "mz", PanelDecision.Outcome.DECLINED),
]
# The meetings of those decisions: days ago (the fixture and every recount read this).
MEETING_DAYS_AGO = {"m2": 60, "m3": 20, "mz": 15}
# Who reads the figures in the recounts: the LA's officer, and a school's inclusion lead.
VIEWERS = ((Role.LA_OFFICER, "la"), (Role.INCLUSION_LEAD, "school"))


@dataclass
class Built:
    schools: dict
    meetings: dict  # key: (day, panel name)
    placements: dict


def build(world) -> Built:  # type: ignore[no-untyped-def]
    schools = {
        "ours": world.school,
        "neighbour": SchoolFactory(name="Neighbour Primary", local_authority=world.la),
        "elsewhere": world.other_school,
    }
    providers = {
        "North": ProviderFactory(name="North Centre", local_authority=world.la),
        "South": ProviderFactory(name="South Centre", local_authority=world.la),
        "Far": world.other_provider,
    }
    pupils = {
        key: make_pupil(schools[school], legal_first_name=key.title(), nc_year=year, sen_status=sen)
        for key, (school, year, sen) in PUPILS.items()
    }
    panel, far_panel = make_panel(world.la), make_panel(world.other_la)
    officer = person(Role.LA_OFFICER, world.la)
    meetings: dict = {}

    def meeting(day: datetime.date, on_panel) -> object:  # type: ignore[no-untyped-def]
        key = (day, on_panel.pk)
        if key not in meetings:
            meetings[key] = make_meeting(on_panel, date=day, by=officer)
        return meetings[key]

    def refer(pupil_key: str, reason: str, submitted: datetime.date):  # type: ignore[no-untyped-def]
        pupil = pupils[pupil_key]
        on_panel = far_panel if PUPILS[pupil_key][0] == "elsewhere" else panel
        referral = complete_referral(pupil, reason=reason, panel=on_panel)
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.SUBMITTED, submitted_at=noon(submitted)
        )
        referral.refresh_from_db()
        return referral, on_panel

    def decide(referral, on_panel, outcome, day, provider=None):  # type: ignore[no-untyped-def]
        decision = PanelDecision.objects.create(
            meeting=meeting(day, on_panel),
            referral=referral,
            outcome=outcome,
            reasons="The panel's reasons.",
            provider=provider,
            proposed_start_date=day if provider else None,
            sessions_per_week=10 if provider else None,
            first_review_date=day + datetime.timedelta(weeks=6) if provider else None,
            recorded_by=officer,
        )
        PanelDecision.objects.filter(pk=decision.pk).update(created_at=noon(day))
        return decision

    placements = {}
    for spec in specs():
        decision = None
        if spec.decided is not None:
            referral, on_panel = refer(spec.pupil, spec.reason, spec.submitted)
            decision = decide(
                referral,
                on_panel,
                PanelDecision.Outcome.APPROVED,
                spec.decided,
                providers[spec.provider],
            )
        placements[spec.key] = make_placement(
            schools[spec.school],
            providers[spec.provider],
            pupil=pupils[spec.pupil],
            status=spec.status,
            start_date=spec.start,
            planned_end_date=None,
            ended_on=spec.ended_on,
            end_destination=spec.destination,
            is_emergency=spec.emergency,
            is_additional_part_time=spec.additional,
            created_from_decision=decision,
            sessions={(0, "am")} if spec.additional else None,
        )
    for pupil_key, days in RISK_ONLY:
        refer(pupil_key, Referral.Reason.RISK_OF_EXCLUSION, ago(days))
    for pupil_key, meeting_key, outcome in OTHER_DECISIONS:
        referral, on_panel = refer(pupil_key, Referral.Reason.OTHER, ago(80))
        decide(referral, on_panel, outcome, ago(MEETING_DAYS_AGO[meeting_key]))
    for pupil_key, days in EXCLUSIONS:
        Exclusion.objects.create(
            pupil=pupils[pupil_key], kind="permanent", start_date=ago(days), reason_1="PP"
        )
    for key, days, session, observed, code, current in MARKS:
        placement = placements[key]
        AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=ago(days),
            session=session,
            observed=observed,
            code=code,
            is_current=current,
            recorded_by=officer,
            recorded_at=timezone.now(),
        )
    return Built(schools, meetings, placements)


# --- the recomputation, in plain Python from the fixture's description ------------------

# The other LA's provider is never counted by these viewers: its name is never asked for.
PROVIDER_NAMES = {"North": "North Centre", "South": "South Centre", "Far": "(the other LA's)"}


def seen(spec_school: str, viewer: str) -> bool:
    """A school sees its own pupils; the LA (world.la) the schools of its area."""
    return spec_school == "ours" if viewer == "school" else spec_school in ("ours", "neighbour")


def month_starts(today: datetime.date) -> list[datetime.date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(12):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def month_end(start: datetime.date) -> datetime.date:
    following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def really_ran(spec: Spec) -> bool:
    return spec.status == "active" or (spec.status == "ended" and spec.destination != "not_started")


def expected_months(viewer: str) -> list[int]:
    counts = []
    for start in month_starts(timezone.localdate()):
        end = month_end(start)
        pupils = {
            s.pupil
            for s in specs()
            if seen(s.school, viewer)
            and really_ran(s)
            and s.start <= end
            and (s.ended_on is None or s.ended_on >= start)
        }
        counts.append(len(pupils))
    return counts


def expected_now(viewer: str, what) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found: dict[str, set[str]] = {}
    for s in specs():
        if seen(s.school, viewer) and s.status == "active":
            found.setdefault(what(s), set()).add(s.pupil)
    return {k: len(v) for k, v in found.items()}


def days_between(a: datetime.date, b: datetime.date) -> int:
    return (b - a).days


def expected_median_and_range(values: list[int]) -> tuple[float, int, int]:
    ordered = sorted(values)
    n = len(ordered)
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return float(middle), ordered[0], ordered[-1]


# --- tests ---------------------------------------------------------------------------


def csv_of(client, slug):  # type: ignore[no-untyped-def]
    response = client.get(reverse("oversight:outcomes_export", args=[slug]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")))


@pytest.fixture
def built(world):  # type: ignore[no-untyped-def]
    return build(world)


@pytest.mark.parametrize(
    ("role", "viewer"), [(Role.LA_OFFICER, "la"), (Role.INCLUSION_LEAD, "school")]
)
def test_children_in_ap_each_month_match_a_recount(world, built, client_for, role, viewer):
    client = client_for(role)
    rows = csv_of(client, "in-ap-by-month")
    assert rows[0] == ["Month", "Children in AP"]
    assert [int(r[1]) for r in rows[1:]] == expected_months(viewer)
    assert [r[0] for r in rows[1:]][-1] == f"{timezone.localdate():%B %Y}"


@pytest.mark.parametrize(
    ("role", "viewer"), [(Role.LA_OFFICER, "la"), (Role.HEADTEACHER, "school")]
)
def test_children_in_ap_now_by_reason_provider_year_and_sen_match_a_recount(
    world, built, client_for, role, viewer
):
    client = client_for(role)
    reasons = {
        "behaviour": "Behaviour",
        "medical": "Medical needs",
        "risk_of_exclusion": "Risk of exclusion",
        "semh": "Social, emotional and mental health",
    }

    def reason(s: Spec) -> str:
        if s.reason:
            return reasons[s.reason]
        return outcomes.EMERGENCY if s.emergency else outcomes.NO_REFERRAL

    years = {"6": "Year 6", "7": "Year 7", "8": "Year 8", "9": "Year 9", "10": "Year 10"}
    sen = {
        "N": "No special educational needs",
        "K": "SEN support",
        "E": "Education, health and care plan",
    }
    checks = {
        "by-reason": reason,
        "by-provider": lambda s: PROVIDER_NAMES[s.provider],
        "by-year-group": lambda s: years[PUPILS[s.pupil][1]],
        "by-sen": lambda s: sen[PUPILS[s.pupil][2]],
    }
    for slug, what in checks.items():
        rows = csv_of(client, slug)
        shown = {r[0]: int(r[1]) for r in rows[1:] if int(r[1])}
        assert shown == expected_now(viewer, what), slug
    # Every SEN status has a row, none left out for being nought.
    assert len(csv_of(client, "by-sen")) == 4


def test_timings_match_a_recount(world, built, client_for):
    since = month_starts(timezone.localdate())[0]
    for role, viewer in VIEWERS:
        rows = csv_of(client_for(role), "timings")
        decided = [
            days_between(s.submitted, s.decided)
            for s in specs()
            if s.decided and s.decided >= since and seen(s.school, viewer)
        ]
        # Declined decisions at meetings in the window count too (they were submitted 80 days ago).
        for pupil_key, meeting_key, outcome in OTHER_DECISIONS:
            day = ago(MEETING_DAYS_AGO[meeting_key])
            if outcome == PanelDecision.Outcome.DECLINED and seen(PUPILS[pupil_key][0], viewer):
                decided.append(days_between(ago(80), day))
        started = [
            days_between(s.decided, s.start)
            for s in specs()
            if s.decided and really_ran(s) and s.start >= since and seen(s.school, viewer)
        ]
        for row, values in zip(rows[1:], (decided, started), strict=True):
            median, shortest, longest = expected_median_and_range(values)
            assert int(row[1]) == len(values)
            assert float(row[2]) == median
            assert (int(row[5]), int(row[6])) == (shortest, longest)


def test_attendance_during_ap_matches_a_recount_and_before_and_after_say_not_imported(
    world, built, client_for
):
    present_observations = {"present", "late"}
    since = month_starts(timezone.localdate())[0]
    by_key = {s.key: s for s in specs()}
    for role, viewer in VIEWERS:
        totals: dict[str, list[int]] = {}
        for key, days, _session, observed, _code, current in MARKS:
            s = by_key[key]
            if not current or ago(days) < since or not seen(s.school, viewer):
                continue
            name = PROVIDER_NAMES[s.provider]
            # Every fixture mark is a possible session (present, O, I, or no code: N).
            totals.setdefault(name, [0, 0])
            totals[name][0] += observed in present_observations
            totals[name][1] += 1
        rows = csv_of(client_for(role), "attendance")
        assert rows[1][1] == rows[-1][1] == "No school attendance imported"
        shown = {r[0].removeprefix("During AP: "): (int(r[1]), int(r[2])) for r in rows[2:-1]}
        every = (sum(t[0] for t in totals.values()), sum(t[1] for t in totals.values()))
        assert shown.pop("every provider") == every
        assert shown == {name: tuple(t) for name, t in totals.items()}


def test_outcomes_by_provider_match_a_recount(world, built, client_for):
    labels = {d.value: d.label for d in D}
    for role, viewer in VIEWERS:
        expected: dict[tuple[str, str], int] = {}
        for s in specs():
            if s.status == "ended" and seen(s.school, viewer):
                key = (
                    PROVIDER_NAMES[s.provider],
                    labels[s.destination] if s.destination else "Not recorded",
                )
                expected[key] = expected.get(key, 0) + 1
        rows = csv_of(client_for(role), "outcomes")
        header = rows[0]
        shown = {
            (row[0], header[i]): int(row[i])
            for row in rows[1:]
            for i in range(1, len(header) - 1)
            if int(row[i])
        }
        assert shown == expected
        assert "Not recorded" in header  # Dot's placement ended with no outcome: said, not dropped


def test_exclusions_avoided_match_a_recount(world, built, client_for):
    today = timezone.localdate()
    referrals = [(s.pupil, s.submitted) for s in specs() if s.reason == "risk_of_exclusion"]
    referrals += [(p, ago(days)) for p, days in RISK_ONLY]
    for role, viewer in VIEWERS:
        avoided = excluded = early = 0
        for pupil_key, submitted in referrals:
            if not seen(PUPILS[pupil_key][0], viewer):
                continue
            # 12 months on, by the calendar (29 February falls back to the 28th).
            try:
                anniversary = submitted.replace(year=submitted.year + 1)
            except ValueError:
                anniversary = submitted.replace(year=submitted.year + 1, day=28)
            if anniversary >= today:
                early += 1
            elif any(p == pupil_key and submitted <= ago(d) <= anniversary for p, d in EXCLUSIONS):
                excluded += 1
            else:
                avoided += 1
        rows = csv_of(client_for(role), "exclusions-avoided")
        assert {r[0]: int(r[1]) for r in rows[1:]} == {
            outcomes.AVOIDED: avoided,
            outcomes.EXCLUDED: excluded,
            outcomes.TOO_EARLY: early,
        }
    # The fixture holds each case for the LA: so the test cannot pass on noughts.
    assert (avoided, excluded, early) != (0, 0, 0)


def test_panel_throughput_matches_a_recount(world, built, client_for):
    since = month_starts(timezone.localdate())[0]
    per_meeting: dict[datetime.date, dict[str, int]] = {}
    for s in specs():
        if s.decided and s.decided >= since and seen(s.school, "la"):
            per_meeting.setdefault(s.decided, {}).setdefault("Approved", 0)
            per_meeting[s.decided]["Approved"] += 1
    for pupil_key, meeting_key, outcome in OTHER_DECISIONS:
        if seen(PUPILS[pupil_key][0], "la"):
            label = PanelDecision.Outcome(outcome).label
            day = ago(MEETING_DAYS_AGO[meeting_key])
            per_meeting.setdefault(day, {}).setdefault(label, 0)
            per_meeting[day][label] += 1
    rows = csv_of(client_for(Role.LA_OFFICER), "panel-throughput")
    header = rows[0]
    shown = {
        row[0]: {header[i]: int(row[i]) for i in range(1, len(header) - 1) if int(row[i])}
        for row in rows[1:]
    }
    assert shown == {
        f"{day:%-d %B %Y}, Primary Inclusion Panel": c for day, c in sorted(per_meeting.items())
    }
    assert [int(r[-1]) for r in rows[1:]] == [
        sum(c.values()) for _d, c in sorted(per_meeting.items())
    ]


def test_the_page_shows_each_figure_with_a_chart_a_table_and_a_download(world, built, client_for):
    client = client_for(Role.LA_OFFICER)
    response = client.get(URL)
    text = assert_page(
        response,
        contains=["Outcome dashboard", "No school attendance imported", "Too early to tell"],
        lacks=[world.other_provider.name],  # another LA's placements count nowhere
    )
    html = response.content.decode()
    for slug in outcomes.FIGURES:
        assert f'id="{slug}"' in html
        assert reverse("oversight:outcomes_export", args=[slug]) in html
        assert f'id="chart-{slug}-title"' in html
    assert html.count('class="apcase-chart"') == len(outcomes.FIGURES)
    assert html.count("<table") == len(outcomes.FIGURES)
    assert "12 months" in text


def test_an_empty_dashboard_says_so(world, client_for):
    text = assert_page(client_for(Role.INCLUSION_LEAD).get(URL), contains="Nothing to count yet")
    assert text


def test_providers_panel_members_and_staff_are_refused(world, built, client_for):
    for role in (
        Role.PROVIDER_MANAGER,
        Role.PROVIDER_STAFF,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.SCHOOL_STAFF,
        Role.SCHOOL_DSL,
    ):
        client = client_for(role)
        assert_page(client.get(URL), status=403)
        assert_page(
            client.get(reverse("oversight:outcomes_export", args=["by-provider"])), status=403
        )


def test_a_download_is_logged_and_an_unknown_figure_is_not_found(world, built, client_for):
    client = client_for(Role.LA_OFFICER)
    csv_of(client, "by-provider")
    entry = AccessLogEntry.objects.get(action="oversight.outcomes_exported")
    assert (entry.actor_id, entry.target_id) == (client.user.pk, "by-provider")
    assert (
        client.get(reverse("oversight:outcomes_export", args=["no-such-figure"])).status_code == 404
    )


def test_a_provider_name_a_spreadsheet_would_run_is_written_as_text(world, client_for):
    provider = ProviderFactory(name="=HYPERLINK(1)", local_authority=world.la)
    make_placement(world.school, provider)
    rows = csv_of(client_for(Role.LA_OFFICER), "by-provider")
    assert rows[1][0] == "'=HYPERLINK(1)"


def _add_children(world, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        placement = make_placement(world.school, world.provider, start_date=ago(30 + n))
        referral = complete_referral(placement.pupil, reason=Referral.Reason.RISK_OF_EXCLUSION)
        Referral.objects.filter(pk=referral.pk).update(submitted_at=noon(ago(400)))
        AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=ago(1),
            session="am",
            observed="present",
            recorded_by=placement.named_staff_member,
            recorded_at=timezone.now(),
        )


# Session, user, memberships, the LA's panels, the placements' ids, then one query a
# figure (two for the timings, four for attendance: the kept counts, less the marks
# before the period and those after it, and any marks of other placements in it) and one
# for the placements not recorded as started, whatever the number of children.
MAX_QUERIES = 24


@pytest.mark.parametrize("children", [1, 12])
def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries, children
):
    _add_children(world, children)
    client = client_for(Role.LA_OFFICER)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert_page(client.get(URL))


# --- hypothesis ----------------------------------------------------------------------


@given(st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=40))
def test_the_spread_brackets_its_median_and_the_median_is_the_middle(days):
    spread = outcomes.spread_of(days)
    median, shortest, longest = expected_median_and_range(days)
    assert spread.median == median
    assert (spread.shortest, spread.longest) == (shortest, longest)
    assert (
        spread.shortest
        <= spread.lower_quartile
        <= spread.median
        <= spread.upper_quartile
        <= spread.longest
    )
    assert spread.count == len(days)
    assert statistics.median(days) == median


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 420), st.one_of(st.none(), st.integers(0, 420)), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_children_each_month_is_a_count_of_the_placements_open_in_it(
    world, user_with_role, placements
):
    """Any placements (start, optional last day, whether it started): each month counts
    the children with one open on any day of it."""
    Placement.objects.all().delete()
    intervals = []
    for start_days, end_days, started in placements:
        start = ago(start_days)
        ended = ago(min(end_days, start_days)) if end_days is not None else None
        status = Placement.Status.ENDED if ended or not started else Placement.Status.ACTIVE
        destination = D.RETURNED_FULL_TIME if started else D.NOT_STARTED
        make_placement(
            world.school,
            world.provider,
            status=status,
            start_date=start,
            planned_end_date=None,
            ended_on=ended,
            end_destination=destination if status == "ended" else "",
        )
        if started:
            intervals.append((start, ended))
    scope = outcome_scope(user_with_role(Role.LA_OFFICER))
    figure = outcomes.in_ap_by_month(scope, timezone.localdate())
    expected = [
        sum(
            1
            for start, ended in intervals
            if start <= month_end(m) and (ended is None or ended >= m)
        )
        for m in month_starts(timezone.localdate())
    ]
    assert [n for _label, n in figure.rows] == expected


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.INCLUSION_LEAD, Role.HEADTEACHER])
def test_the_home_page_links_to_the_dashboard(world, client_for, role):
    response = client_for(role).get(reverse("home"))
    assert_page(response, contains="Outcome dashboard")
    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.SCHOOL_DSL, Role.PANEL_MEMBER, Role.PROVIDER_MANAGER])
def test_the_home_page_of_those_refused_has_no_link(world, client_for, role):
    assert_page(client_for(role).get(reverse("home")), lacks="Outcome dashboard")


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.integers(-24, 24),
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months):
    later = outcomes.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    following = later + datetime.timedelta(days=1)
    assert later.day == day.day or (later.day < day.day and following.month != later.month)


def test_a_child_with_no_year_group_or_sen_status_recorded_is_counted_not_dropped(
    world, client_for
):
    """A pupil row may hold no year group or SEN status (a record written before the
    field was required, or a value the census has since retired): the child is still in
    AP, so the figures count them as "Not recorded" rather than leave them out."""
    placement = make_placement(world.school, world.provider, start_date=ago(10))
    type(placement.pupil).objects.filter(pk=placement.pupil_id).update(nc_year="", sen_status="")
    client = client_for(Role.INCLUSION_LEAD)
    for slug in ("by-year-group", "by-sen"):
        rows = csv_of(client, slug)
        assert {r[0]: int(r[1]) for r in rows[1:] if int(r[1])} == {"Not recorded": 1}, slug


def test_a_placement_past_its_start_yet_not_recorded_as_started_is_said_on_the_page(
    world, client_for
):
    """A planned placement whose start date has passed may have a child at the provider,
    yet it counts in no figure until someone records that it started: the page says so,
    and sends the reader to the board that lists it."""
    make_placement(world.school, world.provider, status=Placement.Status.PLANNED, start_date=ago(3))
    make_placement(  # planned for next week: nothing is overdue about it
        world.school, world.provider, status=Placement.Status.PLANNED, start_date=ago(-7)
    )
    response = client_for(Role.INCLUSION_LEAD).get(URL)
    assert_page(
        response,
        contains=[
            "1 placement should have started but is not recorded as started",
            "not counted in these figures",
        ],
    )
    assert f'href="{reverse("oversight:board")}#not-started"' in response.content.decode()


def test_a_panel_placement_whose_referral_gives_no_reason_is_not_recorded_not_no_referral(
    world, client_for
):
    """A placement the panel approved came from a referral: when that referral holds no
    reason the child counts as "Not recorded", never as placed without the panel."""
    pupil = make_pupil(world.school, legal_first_name="Rae")
    referral = complete_referral(pupil, reason="")
    officer = person(Role.LA_OFFICER, world.la)
    decision = PanelDecision.objects.create(
        meeting=make_meeting(make_panel(world.la), date=ago(20), by=officer),
        referral=referral,
        outcome=PanelDecision.Outcome.APPROVED,
        reasons="The panel's reasons.",
        provider=world.provider,
        proposed_start_date=ago(10),
        sessions_per_week=10,
        first_review_date=ago(-30),
        recorded_by=officer,
    )
    make_placement(
        world.school,
        world.provider,
        pupil=pupil,
        start_date=ago(10),
        created_from_decision=decision,
    )
    rows = csv_of(client_for(Role.INCLUSION_LEAD), "by-reason")
    assert {r[0]: int(r[1]) for r in rows[1:]} == {outcomes.NOT_RECORDED: 1}


def test_an_ended_placement_with_a_destination_no_longer_offered_is_not_recorded(world, client_for):
    """A destination the service no longer offers (a retired choice) still leaves the
    page working and the placement counted, as "Not recorded"."""
    placement = make_placement(
        world.school,
        world.provider,
        status=Placement.Status.ENDED,
        start_date=ago(60),
        planned_end_date=None,
        ended_on=ago(10),
        end_destination=D.RETURNED_FULL_TIME,
    )
    Placement.objects.filter(pk=placement.pk).update(end_destination="retired_code")
    client = client_for(Role.INCLUSION_LEAD)
    assert_page(client.get(URL), contains="Outcomes of ended placements")
    rows = csv_of(client, "outcomes")
    assert rows[0] == ["Provider", outcomes.NOT_RECORDED, "Ended placements"]
    assert rows[1][1:] == ["1", "1"]


def test_a_panel_decision_no_longer_offered_still_counts_in_the_throughput(
    world, built, client_for
):
    """A decision recorded under an outcome the service no longer offers (a retired
    choice) leaves the page working and is counted at its meeting, under its own column."""
    decision = PanelDecision.objects.filter(
        outcome=PanelDecision.Outcome.DECLINED, meeting__panel__local_authority=world.la
    ).first()
    assert decision is not None
    PanelDecision.objects.filter(pk=decision.pk).update(outcome="retired_code")
    client = client_for(Role.LA_OFFICER)
    assert_page(client.get(URL), contains="Referrals decided at each panel meeting")
    rows = csv_of(client, "panel-throughput")
    header = rows[0]
    assert outcomes.OTHER_DECISION in header
    column = header.index(outcomes.OTHER_DECISION)
    assert sum(int(row[column]) for row in rows[1:]) == 1
    assert all(
        sum(int(cell) for cell in row[1:-1]) == int(row[-1]) for row in rows[1:]
    )  # each meeting's total is still the sum of its columns
