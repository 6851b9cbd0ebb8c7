"""The overdue reviews and parents' requests that `needing_review_for` finds (from each
placement's latest review, read by its index) are exactly those the review rules give
when every active placement's reviews and requests are read whole and worked out one by
one (`states_of`), around every edge: no review held, the first review date missing or
too late, a review naming no next date, two held the same day, a request before, inside
and after the window, and a placement no longer active. The generated authority the
at-scale test compares over has no parents' requests; these placements have them."""

import datetime

from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import LocalAuthorityFactory, ProviderFactory, SchoolFactory
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from apcase.reviews import selectors
from apcase.reviews.models import Decision, ReviewRequest
from apcase.reviews.tests.factories import make_review
from apcase.reviews.tests.test_overdue_at_scale import _shown

TODAY = datetime.date(2026, 11, 18)
START = TODAY - datetime.timedelta(weeks=20)

reviews = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=19),  # held this many weeks after the start
        st.sampled_from([None, 1, 6, 9]),  # the next named this many weeks later (None: ends)
    ),
    max_size=3,
)
placements = st.lists(
    st.fixed_dictionaries(
        {
            "first": st.sampled_from([None, 2, 6, 30]),  # weeks after the start
            "reviews": reviews,
            # requests received this many weeks after the start
            "requests": st.lists(st.integers(min_value=0, max_value=20), max_size=2),
            "active": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
)


class TestRulesOverEveryPlacement(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(placements=placements, offset=st.integers(min_value=-7, max_value=60))
    def test_needing_review_is_what_the_rules_give_every_placement(self, placements, offset):
        la = LocalAuthorityFactory()
        school = SchoolFactory(local_authority=la)
        provider = ProviderFactory(local_authority=la)
        lead = person(Role.INCLUSION_LEAD, school)
        week = datetime.timedelta(weeks=1)
        for spec in placements:
            first = None if spec["first"] is None else START + spec["first"] * week
            placement = make_placement(
                school,
                provider,
                start_date=START,
                first_review_date=first,
                status=Placement.Status.ACTIVE if spec["active"] else Placement.Status.ENDED,
            )
            for held, nxt in spec["reviews"]:
                held_on = START + held * week
                make_review(
                    placement,
                    held_on=held_on,
                    next_review_date=None if nxt is None else held_on + nxt * week,
                    decision=Decision.END if nxt is None else Decision.CONTINUE,
                )
            for received in spec["requests"]:
                ReviewRequest.objects.create(
                    placement=placement,
                    received_on=START + received * week,
                    from_name="Jo Example",
                    how=ReviewRequest.How.LETTER,
                    recorded_by=lead,
                )
        day = TODAY + datetime.timedelta(days=offset)
        worked_out = [
            s
            for s in selectors.states_of(
                selectors.active_with_reviews(Q(pupil__school=school)), today=day
            )
            if s.overdue or s.requests_due
        ]
        assert _shown(selectors.needing_review_for(lead, today=day)) == _shown(worked_out)
