import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.panel import selectors, services
from apcase.panel.models import PanelDecision, PanelMeeting
from apcase.panel.schedule import monthly_dates, nth_weekday
from apcase.placements.models import Placement
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
    sitting_panel,
)
from tests.helpers import travel_to

TODAY = timezone.localdate()
CIVIC = services.MeetingPlace(venue="Civic")


@pytest.fixture
def panel(world):
    return make_panel(world.la)


@pytest.fixture
def officer(world):
    return person(Role.LA_OFFICER, world.la)


# --- cut-off arithmetic ------------------------------------------------------------


def test_second_tuesday_of_each_month():
    assert nth_weekday(2026, 12, weekday=1, nth=2) == datetime.date(2026, 12, 8)
    assert nth_weekday(2027, 2, weekday=1, nth=2) == datetime.date(2027, 2, 9)
    assert nth_weekday(2026, 12, weekday=1, nth=-1) == datetime.date(2026, 12, 29)
    assert monthly_dates(first_month=datetime.date(2026, 11, 1), count=3, weekday=1, nth=2) == [
        datetime.date(2026, 11, 10),
        datetime.date(2026, 12, 8),
        datetime.date(2027, 1, 12),
    ]


def test_a_referral_submitted_on_the_cut_off_day_joins_that_meeting(panel):
    meeting = make_meeting(panel, date=TODAY + datetime.timedelta(days=7))
    assert meeting.cutoff_date == TODAY
    assert selectors.meeting_for_submission(panel, on=TODAY) == meeting


def test_a_referral_submitted_the_day_after_the_cut_off_waits_for_the_next_meeting(panel):
    make_meeting(panel, date=TODAY + datetime.timedelta(days=6))
    later = make_meeting(panel, date=TODAY + datetime.timedelta(days=34))
    assert selectors.meeting_for_submission(panel, on=TODAY) == later


@override_settings(APCASE_PANEL_CUTOFF_DAYS=14)
def test_the_cut_off_follows_the_setting(panel):
    meeting = make_meeting(panel, date=TODAY + datetime.timedelta(days=10))
    assert meeting.cutoff_date == TODAY - datetime.timedelta(days=4)
    assert selectors.meeting_for_submission(panel, on=TODAY) is None


def test_held_and_cancelled_meetings_take_no_new_referrals(panel):
    make_meeting(
        panel, date=TODAY + datetime.timedelta(days=20), status=PanelMeeting.Status.CANCELLED
    )
    assert selectors.meeting_for_submission(panel, on=TODAY) is None


def test_a_referral_submitted_with_no_meeting_waits_and_joins_the_next_one_scheduled(
    world, panel, officer
):
    head = person(Role.HEADTEACHER, world.school)
    referral = complete_referral(make_pupil(world.school), signed_off_by=head)
    referral_workflow.submit_referral(referral, by=referral.created_by)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    too_soon = services.schedule_meeting(
        by=officer, panel=panel, date=TODAY + datetime.timedelta(days=3), place=CIVIC
    )
    referral.refresh_from_db()
    assert referral.meeting is None
    meeting = services.schedule_meeting(
        by=officer, panel=panel, date=TODAY + datetime.timedelta(days=30), place=CIVIC
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SCHEDULED
    assert referral.meeting == meeting != too_soon


# --- scheduling --------------------------------------------------------------------


def test_only_an_officer_of_the_panels_la_schedules_meetings(world, panel):
    for outsider in (person(Role.LA_OFFICER, world.other_la), person(Role.PANEL_CHAIR, world.la)):
        with pytest.raises(NotPermitted):
            services.schedule_meeting(
                by=outsider,
                panel=panel,
                date=TODAY + datetime.timedelta(days=9),
                place=services.MeetingPlace(venue="x"),
            )


def test_a_meeting_needs_a_venue_or_link_and_members_from_the_la(world, panel, officer):
    with pytest.raises(ValidationFailed) as error:
        services.schedule_meeting(
            by=officer,
            panel=panel,
            date=TODAY + datetime.timedelta(days=9),
            place=services.MeetingPlace(),
        )
    assert "venue" in error.value.errors
    stranger = person(Role.PANEL_MEMBER, world.other_la)
    with pytest.raises(ValidationFailed) as error:
        services.schedule_meeting(
            by=officer,
            panel=panel,
            date=TODAY + datetime.timedelta(days=9),
            place=services.MeetingPlace(venue="Civic", members=(stranger,)),
        )
    assert "members" in error.value.errors


def test_a_monthly_series_schedules_one_meeting_a_month(panel, officer):
    first = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    meetings = services.schedule_monthly_series(
        by=officer, panel=panel, first_month=first, count=3, weekday=1, nth=2, place=CIVIC
    )
    assert len(meetings) == 3
    assert all(m.date.weekday() == 1 and 8 <= m.date.day <= 14 for m in meetings)
    assert AuditEvent.objects.filter(action="panel_meeting_scheduled").count() == 3


# --- joint decisions ---------------------------------------------------------------


@pytest.fixture
def agenda(world, panel, monkeypatch):
    """A referral on a meeting three weeks ahead; then the clock moves to the meeting's
    day, when the panel sits."""
    chair, members = sitting_panel(world.la)
    meeting = make_meeting(panel, chair=chair, members=members)
    head = person(Role.HEADTEACHER, world.school)
    referral = complete_referral(make_pupil(world.school), signed_off_by=head)
    referral_workflow.submit_referral(referral, by=referral.created_by)
    referral.refresh_from_db()
    assert referral.meeting == meeting

    class Agenda:
        pass

    a = Agenda()
    a.meeting, a.chair, a.members, a.referral, a.head = meeting, chair, members, referral, head
    a.present = [chair, *members]
    travel_to(monkeypatch, meeting.date)
    return a


def _approve(world, a, **overrides):
    values = {
        "by": a.chair,
        "meeting": a.meeting,
        "item": a.referral,
        "members_present": a.present,
        "outcome": "approved",
        "reasons": "Evidence shows a short placement will help.",
        "provider": world.provider,
        "provider_acceptance_reason": "Local PRU known to the panel.",
        "site": "Romans Field Site",
        "proposed_start_date": TODAY + datetime.timedelta(days=30),
        "sessions_per_week": 5,
        "first_review_date": TODAY + datetime.timedelta(days=72),
    }
    values.update(overrides)
    terms = services.ApprovalTerms.take_from(values)
    return services.record_decision(**values, terms=terms)


def test_an_approval_records_who_sat_creates_a_planned_placement_and_tells_everyone(world, agenda):
    manager = person(Role.PROVIDER_MANAGER, world.provider)
    decision = _approve(world, agenda)
    agenda.referral.refresh_from_db()
    assert agenda.referral.status == Referral.Status.APPROVED
    assert set(decision.members_present.all()) == set(agenda.present)
    assert decision.recorded_by == agenda.chair
    placement = Placement.objects.get(pupil=agenda.referral.pupil)
    assert placement.status == Placement.Status.PLANNED
    assert placement.created_from_decision == decision
    assert placement.named_staff_member == agenda.referral.created_by
    recipients = set(OutboxMessage.objects.values_list("to", flat=True))
    assert {manager.email, agenda.head.email, agenda.referral.created_by.email} <= recipients
    agenda.meeting.refresh_from_db()
    assert agenda.meeting.status == PanelMeeting.Status.SCHEDULED  # until it is closed
    actions = set(
        AuditEvent.objects.filter(pupil_id=agenda.referral.pupil_id).values_list(
            "action", flat=True
        )
    )
    assert {"panel_decision_recorded", "referral_approved", "placement_planned"} <= actions


def test_a_decision_without_a_quorum_is_refused_and_changes_nothing(world, agenda):
    with pytest.raises(ValidationFailed) as error:
        _approve(world, agenda, members_present=agenda.present[:2])
    assert "not quorate" in error.value.errors["members_present"][0]
    agenda.referral.refresh_from_db()
    assert agenda.referral.status == Referral.Status.SCHEDULED
    assert not PanelDecision.objects.exists()
    assert not Placement.objects.exists()


@override_settings(APCASE_PANEL_QUORUM=2)
def test_the_quorum_follows_the_setting(world, agenda):
    _approve(world, agenda, members_present=agenda.present[:2])
    assert PanelDecision.objects.filter(outcome="approved").count() == 1


def test_people_who_are_not_members_of_the_meeting_do_not_count(world, agenda):
    visitor = person(Role.PANEL_MEMBER, world.la)
    other_la = person(Role.PANEL_MEMBER, world.other_la)
    with pytest.raises(ValidationFailed):
        _approve(world, agenda, members_present=[agenda.chair, visitor, other_la])


def test_a_member_who_declared_an_interest_does_not_count_towards_the_quorum(world, agenda):
    services.declare_interest(
        by=agenda.members[0],
        meeting=agenda.meeting,
        referral=agenda.referral,
        interest="I taught the pupil's sibling.",
    )
    with pytest.raises(ValidationFailed):
        _approve(world, agenda)


def test_reasons_are_required(world, agenda):
    with pytest.raises(ValidationFailed) as error:
        _approve(world, agenda, reasons="  ")
    assert "reasons" in error.value.errors


def test_an_approval_needs_provider_start_sessions_and_review(world, agenda):
    with pytest.raises(ValidationFailed) as error:
        _approve(
            world,
            agenda,
            provider=None,
            proposed_start_date=None,
            sessions_per_week=None,
            first_review_date=None,
        )
    assert {"provider", "proposed_start_date", "sessions_per_week", "first_review_date"} <= set(
        error.value.errors
    )


def test_a_provider_that_is_not_assured_needs_a_recorded_reason(world, agenda):
    with pytest.raises(ValidationFailed) as error:
        _approve(world, agenda, provider_acceptance_reason="")
    assert "provider_acceptance_reason" in error.value.errors


def test_only_the_chair_or_an_la_officer_of_that_la_records_decisions(world, agenda):
    for outsider in (
        agenda.members[0],
        person(Role.PANEL_CHAIR, world.other_la),
        person(Role.HEADTEACHER, world.school),
    ):
        with pytest.raises(NotPermitted):
            _approve(world, agenda, by=outsider)
    _approve(world, agenda, by=person(Role.LA_OFFICER, world.la))


def test_a_decline_creates_no_placement_and_tells_the_school(world, agenda):
    _approve(world, agenda, outcome="declined", reasons="Needs can be met in school.")
    agenda.referral.refresh_from_db()
    assert agenda.referral.status == Referral.Status.DECLINED
    assert not Placement.objects.exists()
    assert OutboxMessage.objects.filter(to=agenda.head.email).exists()


def test_a_ratification_outcome_is_refused_for_a_referral(world, agenda):
    with pytest.raises(ValidationFailed):
        _approve(world, agenda, outcome="ratified")


def test_a_series_past_december_9999_or_on_no_real_weekday_is_refused(panel, officer):
    series = {"by": officer, "panel": panel, "weekday": 1, "nth": 2, "place": CIVIC}
    with pytest.raises(ValidationFailed) as error:
        services.schedule_monthly_series(first_month=datetime.date(9999, 2, 1), count=12, **series)
    assert "first_month" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.schedule_monthly_series(first_month=TODAY, count=1, **{**series, "weekday": 6})
    assert not PanelMeeting.objects.filter(panel=panel).exists()
    meetings = services.schedule_monthly_series(
        first_month=datetime.date(9999, 1, 1), count=12, **series
    )
    assert meetings[-1].date == datetime.date(9999, 12, 14)
