"""Fixtures shared by the panel's tests."""

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
    sitting_panel,
)
from tests.helpers import travel_to


@pytest.fixture
def scene(world, monkeypatch):
    """A meeting three weeks ahead with a referral on its agenda; then the clock moves
    to the meeting's day, when the panel sits and its decisions can be recorded."""

    class Scene:
        pass

    s = Scene()
    s.panel = make_panel(world.la)
    s.chair, s.members = sitting_panel(world.la)
    s.meeting = make_meeting(s.panel, chair=s.chair, members=s.members)
    s.head = person(Role.HEADTEACHER, world.school)
    s.pupil = make_pupil(world.school, legal_first_name="Riley", legal_last_name="Stone")
    s.referral = complete_referral(s.pupil, signed_off_by=s.head)
    referral_workflow.submit_referral(s.referral, by=s.referral.created_by)
    s.referral.refresh_from_db()
    s.submitted_on = timezone.localdate()
    travel_to(monkeypatch, s.meeting.date)
    return s
