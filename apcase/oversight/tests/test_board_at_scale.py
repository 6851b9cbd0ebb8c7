"""The compliance board over a generated authority (generate_scale_data: a year of
registers, visits, reviews and alerts for each child) says, child by child, exactly what
each app's own page says when it reads that one placement alone: the board reads its
figures for every child at once (counted by the database), and that must never change a
figure. Its number of queries is the same for the demo as for the authority."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.monitoring.models import FollowUpTask
from apcase.monitoring.selectors import attendance_of_placement, current_marks, next_visit_due
from apcase.oversight import board as compliance
from apcase.oversight import duties
from apcase.oversight.selectors import ALERT_KINDS, board_facts, board_placements, cutoffs_passed
from apcase.placements.models import Placement
from apcase.reviews.selectors import review_state
from conftest import sign_in
from tests.helpers import assert_page, generate_authority, scale_user, travel_to

pytestmark = pytest.mark.django_db

# A day in the autumn term, when the generated registers run up to the day before.
TODAY = datetime.date(2026, 11, 18)


def _officer() -> User:
    user: User = scale_user(Role.LA_OFFICER)
    return user


@pytest.fixture
def authority(monkeypatch):  # type: ignore[no-untyped-def]
    generate_authority(monkeypatch, TODAY)
    return _officer()


def _expected(placement: Placement, facts, cell: str):  # type: ignore[no-untyped-def]
    """The cell as the placement's own pages would work it out, reading it alone."""
    if cell == "attendance":
        summary, _weeks, _marks = attendance_of_placement(placement)
        return duties.attendance(present=summary.present, possible=summary.possible)
    if cell == "today":
        marked = {m.session for m in current_marks(placement=placement, date=TODAY)}
        return duties.todays_register(
            expected=facts.expected_today.get(placement.pk, []),
            marked=marked,
            cutoffs_passed=cutoffs_passed(TODAY, facts.now),
        )
    if cell == "visit":
        visits = list(placement.visits.order_by("scheduled_for", "pk"))
        scheduled = [
            v.scheduled_for
            for v in visits
            if v.status == v.Status.SCHEDULED and v.scheduled_for >= TODAY
        ]
        return duties.visit(
            due=next_visit_due(placement, visits),
            scheduled=min(scheduled, default=None),
            today=TODAY,
        )
    if cell == "review":
        state = review_state(placement, today=TODAY)
        assert state.next is not None
        return duties.review(
            due=state.next.due,
            missing=state.next.missing,
            requested=bool(state.requests_due),
            today=TODAY,
        )
    open_dates = FollowUpTask.objects.filter(
        placement=placement, status=FollowUpTask.Status.OPEN, kind__in=ALERT_KINDS
    ).values_list("date", flat=True)
    return duties.alert_tasks(open_dates=list(open_dates), today=TODAY)


def test_every_childs_figures_are_those_of_its_own_pages(authority):
    facts = board_facts(authority)
    board = compliance.build(authority, facts)
    rows = compliance.shown(authority, facts, board.rows)
    on_board = {row.placement.pk for row in rows}
    assert on_board == set(board_placements(authority).values_list("pk", flat=True))
    assert len(rows) >= 10
    # The order and counts come from each duty's colour alone (keys.py): over the
    # generated authority's every child, the red, amber and flags of the rows built whole.
    assert [(x.pk, x.reds, x.ambers, x.flags) for x in board.rows] == [
        (r.placement.pk, r.reds, r.ambers, frozenset(r.flags))
        for r in compliance.most_red_first(rows)
    ]
    with_marks = 0
    for row in rows:
        placement = Placement.objects.get(pk=row.placement.pk)
        for cell in ("attendance", "today", "visit", "review", "tasks"):
            expected = _expected(placement, facts, cell)
            found = row.cells[cell]
            assert found is not None
            assert (found.colour, found.label, found.detail) == (
                expected.colour,
                expected.label,
                expected.detail,
            ), (placement.pk, cell)
        with_marks += row.cells["attendance"].label != "No marks"
    # The generated registers give most children a year of marks: the figures compared
    # above are real percentages, not only "No marks".
    assert with_marks >= len(rows) // 2


def test_the_board_asks_as_many_queries_for_the_authority_as_for_the_demo(monkeypatch):
    travel_to(monkeypatch, TODAY)
    with override_settings(APCASE_ENV="development"):
        call_command("seed_demo", stdout=None)
    demo_officer = User.objects.get(email="la.officer@mk-council.example")

    def queries(user: User) -> int:
        client = sign_in(Client(), user)
        with CaptureQueriesContext(connection) as captured:
            assert_page(client.get(reverse("oversight:board")))
        return len(captured.captured_queries)

    on_demo = queries(demo_officer)
    call_command("generate_scale_data", "--scale", "0.01", "--no-progress", stdout=None)
    officer = _officer()
    assert board_placements(officer).count() > board_placements(demo_officer).count()
    assert queries(officer) == on_demo
