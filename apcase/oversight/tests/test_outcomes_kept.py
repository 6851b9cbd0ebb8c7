"""What the outcome dashboard keeps rather than works out again on every view, shown to
give what working it out again gives:

- its attendance figure counts the marks of its period from the counts the database
  keeps (MarkCount) less the marks outside the period, and reads other placements'
  marks only by placement and date: whatever the placements' dates, the marks' dates
  (before a placement started, after it ended, beyond today), statuses and codes, that
  is exactly what counting every current mark in the period says;
- each chart is drawn once for what it draws and kept: the kept chart is the one the
  figure itself draws, and a figure that changes is drawn anew."""

import datetime
from collections import Counter
from dataclasses import replace

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.monitoring.models import AttendanceMark
from apcase.oversight import charts, outcomes
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.reference import attendance as codes
from apcase.referrals.tests.factories import person
from tests.helpers import assert_page

from .test_outcomes import _add_children

URL = reverse("oversight:outcomes")

pytestmark = pytest.mark.django_db

OBSERVED = [o.value for o in codes.Observation]
PLACEMENT = st.tuples(
    st.integers(min_value=-5, max_value=700),  # started this many days ago
    st.one_of(st.none(), st.integers(min_value=-5, max_value=700)),  # ended days ago
    st.booleans(),  # dual registered
    st.booleans(),  # arranged by the LA
)
MARK = st.tuples(
    st.integers(min_value=0, max_value=2),  # which placement
    st.integers(min_value=-10, max_value=720),  # days ago (below nought: days ahead)
    st.sampled_from(OBSERVED),
    st.sampled_from(["", "I", "M", "C"]),  # the home school's code, if it gave one
    st.booleans(),  # still current (or superseded)
)


def _counted_live(placements, since, today) -> Counter:  # type: ignore[no-untyped-def]
    """Every current mark of the placements in the period, counted by kind."""
    rows = (
        AttendanceMark.objects.filter(
            placement__in=placements.values("pk"),
            is_current=True,
            date__gte=since,
            date__lte=today,
        )
        .values_list(*outcomes.MARK_KINDS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({tuple(kind): n for *kind, n in rows})


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@example(  # a long placement begun before the period, a mark before it began, one ahead
    placements=[(500, None, False, False), (20, 10, True, True), (650, 400, False, True)],
    marks=[(0, 480, "present", "", True), (0, 30, "late", "", True), (1, 25, "present", "", True),
           (1, -3, "present", "", True), (2, 200, "absent_illness", "I", True),
           (2, 600, "present", "", False)],
)  # fmt: skip
@given(placements=st.lists(PLACEMENT, min_size=3, max_size=3), marks=st.lists(MARK, max_size=25))
def test_the_period_counted_from_the_kept_counts_is_every_mark_in_it_counted(
    world, placements, marks
):
    today = timezone.localdate()
    since = outcomes.months_back(today)[0]
    staff = person(Role.PROVIDER_STAFF, world.provider)
    made = []
    for started, ended, dual, by_la in placements:
        start = today - datetime.timedelta(days=started)
        end = None if ended is None else max(start, today - datetime.timedelta(days=ended))
        made.append(
            make_placement(
                world.school,
                world.provider,
                status=Placement.Status.ACTIVE if end is None else Placement.Status.ENDED,
                start_date=start,
                ended_on=end,
                dual_registered=dual,
                arranged_by=Placement.ArrangedBy.LA if by_la else Placement.ArrangedBy.SCHOOL,
            )
        )
    taken = set()
    for which, days_ago, observed, code, current in marks:
        placement = made[which]
        day = today - datetime.timedelta(days=days_ago)
        if current:
            if (placement.pk, day) in taken:
                continue  # one current mark a session
            taken.add((placement.pk, day))
        AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=day,
            session="am",
            observed=observed,
            code=code,
            is_current=current,
            recorded_by=staff,
            recorded_at=timezone.now(),
        )
    chosen = Placement.objects.filter(pk__in=[p.pk for p in made])
    assert outcomes.marks_in_period(chosen, since, today) == _counted_live(chosen, since, today)


def _dashboard_figures(world):  # type: ignore[no-untyped-def]
    """The LA's figures over a few children, each with a referral and a mark
    (test_outcomes' own fixture)."""
    from apcase.oversight.selectors import outcome_scope

    _add_children(world, 3)
    officer = person(Role.LA_OFFICER, world.la)
    return outcomes.every_figure(outcome_scope(officer), timezone.localdate())


def test_each_kept_chart_is_the_chart_its_figure_draws(world):
    charts._drawn.cache_clear()
    figures = [f for f in _dashboard_figures(world) if f.rows]
    assert {f.chart for f in figures} == {"bars", "spread"}
    for figure in figures:
        kept = charts.chart_of(figure)
        assert kept.startswith("<svg"), figure.slug
        assert kept == charts._draw(figure), figure.slug
        assert charts.chart_of(figure) == kept


def test_a_second_view_draws_no_chart_and_a_changed_figure_is_drawn_anew(world, client_for):
    charts._drawn.cache_clear()
    client = client_for(Role.LA_OFFICER)
    assert_page(client.get(URL), contains="Attendance before, during and after AP")
    drawn = charts._drawn.cache_info().misses
    assert drawn >= 5
    assert_page(client.get(URL))
    assert charts._drawn.cache_info().misses == drawn  # every chart kept
    figure = next(f for f in _dashboard_figures(world) if f.slug == "attendance")
    changed = replace(
        figure, series=[(name, [v + 1 for v in values]) for name, values in figure.series]
    )
    assert charts.chart_of(changed) != charts.chart_of(figure)
