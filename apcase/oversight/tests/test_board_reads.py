"""The board's reads for every child at once give what the rules give for each child
alone: today's register cell expects a child in exactly the sessions
`monitoring.selectors.expected_on` (the one rule of who is expected when) says, read
once for both sessions and every child, whatever the timetable, the day and whether
the timetable can be trusted."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.monitoring.selectors import expected_on
from apcase.oversight import board as compliance
from apcase.oversight import duties
from apcase.oversight.selectors import SESSIONS, board_facts
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from tests.helpers import assert_page, travel_to

pytestmark = pytest.mark.django_db

URL = reverse("oversight:board")

SLOTS = st.tuples(st.integers(min_value=0, max_value=4), st.sampled_from(SESSIONS))


def _alone(placement: Placement, day: datetime.date) -> list[str]:
    """The sessions of `day` the rule expects this one child at, asked one at a time."""
    return [
        session
        for session in SESSIONS
        if Placement.objects.filter(expected_on(day, session), pk=placement.pk).exists()
    ]


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    children=st.lists(
        st.fixed_dictionaries(
            {
                # No session at all: no timetable, so every weekday session.
                "sessions": st.frozensets(SLOTS, max_size=4),
                "emergency": st.booleans(),
                "plan_agreed": st.booleans(),
                "started_days_later": st.integers(min_value=0, max_value=10),
            }
        ),
        min_size=1,
        max_size=3,
    ),
    # START is a Monday: two weeks, weekends included.
    days_after_start=st.integers(min_value=0, max_value=13),
)
def test_todays_register_expects_a_child_when_the_rule_does(
    world, client_for, monkeypatch, children, days_after_start
):
    day = START + datetime.timedelta(days=days_after_start)
    travel_to(monkeypatch, day)
    client = client_for(Role.INCLUSION_LEAD)
    made = [
        make_placement(
            world.school,
            world.provider,
            sessions=set(child["sessions"]),
            is_emergency=child["emergency"],
            full_plan_agreed_on=START if child["plan_agreed"] else None,
            start_date=START + datetime.timedelta(days=child["started_days_later"]),
        )
        for child in children
    ]
    assert_page(client.get(URL))
    facts = board_facts(client.user)
    rows = {
        row.placement.pk: row
        for row in compliance.shown(client.user, facts, compliance.build(client.user, facts).rows)
    }
    for placement in made:
        expected = _alone(placement, day)
        assert facts.expected_today.get(placement.pk, []) == expected, placement.pk
        # A child who has not started yet has no row (the board lists them apart).
        if placement.pk in rows:
            cell = rows[placement.pk].cells["today"]
            assert cell is not None
            assert cell == duties.todays_register(
                expected=expected,
                marked=(),
                cutoffs_passed=facts.sessions_past_cutoff,
            )
            colour = cell.colour
            if not expected:
                assert colour is duties.Colour.GREEN
            else:
                assert colour in (duties.Colour.AMBER, duties.Colour.RED)
