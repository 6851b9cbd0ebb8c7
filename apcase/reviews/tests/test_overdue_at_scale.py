"""The home page's overdue reviews over a generated authority (the demo plus
generate_scale_data: a year of reviews for each child) are exactly those the review rules
(`reviews.schedule`) give when every active placement is read and worked out one by one,
whatever the day: the database may narrow the placements it reads, never change the
answer. A placement with no review ever held still shows once its first is overdue."""

import datetime

import pytest
from django.db.models import Q

from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.reviews import selectors
from tests.helpers import generate_authority, scale_user

pytestmark = pytest.mark.django_db

# A day in the autumn term of the generated year.
TODAY = datetime.date(2026, 11, 18)
# Every day of the half-year around it: each review date and its day after are crossed.
DAYS = [TODAY + datetime.timedelta(days=d) for d in range(-90, 91)]


def _user(role: str) -> User:
    user: User = scale_user(role)
    return user


@pytest.fixture
def authority(monkeypatch):  # type: ignore[no-untyped-def]
    generate_authority(monkeypatch, TODAY)
    # Placements with no review ever held: no first review date, one later than the
    # interval allows, and one within it (each fails safe to start + interval or its date).
    lead = _user(Role.INCLUSION_LEAD)
    school = lead.memberships.get(role=Role.INCLUSION_LEAD).organisation
    provider = Placement.objects.filter(pupil__school=school).first().provider
    for weeks_ago, first_in_weeks in ((10, None), (8, 20), (3, 2), (1, None)):
        start = TODAY - datetime.timedelta(weeks=weeks_ago)
        first = None if first_in_weeks is None else start + datetime.timedelta(weeks=first_in_weeks)
        make_placement(school, provider, start_date=start, first_review_date=first)


def _shown(states):  # type: ignore[no-untyped-def]
    return [
        (
            s.placement.pk,
            s.overdue,
            s.next.due if s.next else None,
            s.next.missing if s.next else None,
            [r.request.pk for r in s.requests_due],
        )
        for s in states
    ]


def _every_placement_worked_out(scope: Q, day: datetime.date):  # type: ignore[no-untyped-def]
    return [
        s
        for s in selectors.states_of(selectors.active_with_reviews(scope), today=day)
        if s.overdue or s.requests_due
    ]


def test_overdue_reviews_are_those_the_rules_give_for_every_placement(authority):  # type: ignore[no-untyped-def]
    officer = _user(Role.LA_OFFICER)
    lead = _user(Role.INCLUSION_LEAD)
    la_scope = Q(
        pupil__school__local_authority_id__in=[m.organisation_id for m in officer.memberships.all()]
    )
    lead_scope = Q(pupil__school_id__in=[m.organisation_id for m in lead.memberships.all()])
    seen_overdue = seen_missing = 0
    for day in DAYS:
        expected = _every_placement_worked_out(la_scope, day)
        assert _shown(selectors.needing_review_for(officer, today=day)) == _shown(expected)
        assert _shown(selectors.needing_review_for(lead, today=day)) == _shown(
            _every_placement_worked_out(lead_scope, day)
        )
        seen_overdue += len(expected)
        seen_missing += sum(1 for s in expected if s.next and s.next.missing)
    # the comparison is over real work: overdue placements, some with no review held
    assert seen_overdue > 0
    assert seen_missing > 0


def _every_report_worked_out(provider_ids: list[int], day: datetime.date):  # type: ignore[no-untyped-def]
    """Every active placement at the providers read and worked out by the rules: due
    within the days the provider is asked its report before, none written since the
    last review (or the start)."""
    from django.utils import timezone

    due = []
    for placement in selectors.active_with_reviews(Q(provider_id__in=provider_ids)):
        reviews = list(placement.reviews.all())
        nxt = selectors.schedule.next_review(placement, reviews)
        if nxt.due > day + datetime.timedelta(days=selectors.REPORT_ASKED_DAYS_BEFORE):
            continue
        last = selectors.schedule.latest(reviews)
        since = last.held_on if last is not None else placement.start_date
        if not any(
            timezone.localdate(r.created_at) >= since for r in placement.provider_reports.all()
        ):
            due.append((placement.pk, nxt.due))
    return sorted(due)


def test_reports_due_are_those_the_rules_give_for_every_placement(authority):  # type: ignore[no-untyped-def]
    staff = _user(Role.PROVIDER_STAFF)
    provider_ids = [m.organisation_id for m in staff.memberships.all()]
    seen = 0
    for day in DAYS:
        expected = _every_report_worked_out(provider_ids, day)
        found = selectors.reports_due_for(staff, today=day)
        assert sorted((p.pk, due) for p, due in found) == expected, day
        seen += len(expected)
    # the comparison is over real work: reports due on some of the days
    assert seen > 0
