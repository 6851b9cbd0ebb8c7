"""Panel meetings keep their own time: a meeting is held only when its day has come and
the chair closes it; decisions are recorded on its day or after; an LA officer changes,
postpones or cancels a scheduled meeting with a reason, and its agenda moves on with
the schools told. "Today" is frozen (tests.helpers.travel_to), never the real date."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.panel import services, workflow
from apcase.panel.models import PanelDecision, PanelMeeting
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import EmergencyPlacement, Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
    sitting_panel,
)
from conftest import sign_in
from tests.helpers import assert_page, travel_to

M = PanelMeeting.Status
DAY = datetime.timedelta(days=1)


class Setting:
    pass


@pytest.fixture
def s(world):
    """A meeting three weeks ahead with a referral on its agenda, seen from today
    (the clock is not moved until a test moves it)."""
    s = Setting()
    s.today = timezone.localdate()
    s.panel = make_panel(world.la)
    s.chair, s.members = sitting_panel(world.la)
    s.officer = person(Role.LA_OFFICER, world.la, full_name="Priya Officer")
    s.meeting = make_meeting(
        s.panel, date=s.today + 21 * DAY, chair=s.chair, members=s.members, by=s.officer
    )
    s.head = person(Role.HEADTEACHER, world.school)
    s.pupil = make_pupil(world.school, legal_first_name="Riley", legal_last_name="Stone")
    s.referral = complete_referral(s.pupil, signed_off_by=s.head)
    referral_workflow.submit_referral(s.referral, by=s.referral.created_by)
    s.referral.refresh_from_db()
    assert s.referral.meeting == s.meeting
    return s


def _decline(s, **overrides):
    values = {
        "by": s.chair,
        "meeting": s.meeting,
        "item": s.referral,
        "members_present": [s.chair, *s.members],
        "outcome": "declined",
        "reasons": "Needs can be met in school with the outreach offer.",
    }
    values.update(overrides)
    return services.record_decision(**values)


# --- decisions keep to the meeting's day --------------------------------------------


def test_a_decision_on_a_meeting_still_to_come_is_refused_and_changes_nothing(s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date - DAY)
    with pytest.raises(TransitionNotAllowed, match="on that day or after, not before"):
        _decline(s)
    s.referral.refresh_from_db()
    assert s.referral.status == Referral.Status.SCHEDULED
    assert not PanelDecision.objects.exists()


def test_the_decision_page_shows_the_refusal_on_the_form_before_the_day(s):
    client = sign_in(Client(), s.chair)
    url = reverse("panel:decide_referral", args=[s.meeting.pk, s.referral.pk])
    assert_page(client.get(url), contains="Its decisions can be recorded from that day")
    data = {
        "members_present": [s.chair.pk, *[m.pk for m in s.members]],
        "outcome": "declined",
        "reasons": "Needs can be met in school.",
    }
    assert_page(client.post(url, data), contains="not before")
    assert not PanelDecision.objects.exists()


@pytest.mark.parametrize("days_after", [0, 3])
def test_a_decision_on_the_day_or_after_is_recorded_and_the_meeting_stays_scheduled(
    s, monkeypatch, days_after
):
    travel_to(monkeypatch, s.meeting.date + days_after * DAY)
    _decline(s)
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.SCHEDULED
    assert not AuditEvent.objects.filter(action="panel_meeting_held").exists()


def test_a_second_referral_submitted_after_a_decision_still_joins_a_meeting_to_come(
    world, s, monkeypatch
):
    """The bug: the first decision marked a future meeting held, so the next referral
    went to "the one after"."""
    later = make_meeting(s.panel, date=s.meeting.date + 28 * DAY, by=s.officer)
    travel_to(monkeypatch, s.meeting.date)
    _decline(s)
    # Back to a day before the next meeting's cut-off, a new referral is submitted.
    travel_to(monkeypatch, s.today)
    other = complete_referral(make_pupil(world.school), signed_off_by=s.head)
    referral_workflow.submit_referral(other, by=other.created_by)
    other.refresh_from_db()
    assert other.meeting == s.meeting != later


def test_no_decision_is_recorded_at_a_closed_meeting(s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date)
    workflow.close_meeting(s.meeting, by=s.chair)
    with pytest.raises(TransitionNotAllowed):
        _decline(s, item=s.referral)


# --- closing ------------------------------------------------------------------------


def test_closing_before_the_meetings_date_is_refused(s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date - DAY)
    with pytest.raises(TransitionNotAllowed, match="not before"):
        workflow.close_meeting(s.meeting, by=s.chair)
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.SCHEDULED


@pytest.mark.parametrize("days_after", [0, 10])
def test_closing_on_or_after_the_date_holds_the_meeting(s, monkeypatch, days_after):
    travel_to(monkeypatch, s.meeting.date + days_after * DAY)
    _decline(s)
    workflow.close_meeting(s.meeting, by=s.officer)
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.HELD
    event = AuditEvent.objects.get(action="panel_meeting_held")
    assert event.changes["status"] == [M.SCHEDULED, M.HELD]


def test_only_the_chair_or_an_la_officer_closes_a_meeting(world, s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date)
    for outsider in (s.members[0], person(Role.LA_OFFICER, world.other_la)):
        with pytest.raises(NotPermitted):
            workflow.close_meeting(s.meeting, by=outsider)


def test_closing_moves_what_was_not_reached_to_the_next_meeting(s, monkeypatch):
    later = make_meeting(s.panel, date=s.meeting.date + 28 * DAY, by=s.officer)
    travel_to(monkeypatch, s.meeting.date)
    workflow.close_meeting(s.meeting, by=s.chair)
    s.referral.refresh_from_db()
    assert (s.referral.status, s.referral.meeting) == (Referral.Status.SCHEDULED, later)
    assert OutboxMessage.objects.filter(
        to=s.head.email, subject__icontains=f"moved to {later.date:%-d %B %Y}"
    ).exists()


def test_the_chair_closes_the_meeting_through_its_page(s, monkeypatch):
    client = sign_in(Client(), s.chair)
    detail = reverse("panel:meeting_detail", args=[s.meeting.pk])
    close = reverse("panel:meeting_close", args=[s.meeting.pk])
    assert_page(client.get(detail), lacks=["Close this meeting", "Record decision"])
    assert_page(client.post(close), contains="not before")  # refused before the day
    travel_to(monkeypatch, s.meeting.date)
    client = sign_in(Client(), s.chair)  # three weeks on: a new session
    page = assert_page(client.get(detail), contains=["Awaiting closure", "Record decision"])
    assert close in page
    assert_page(client.get(close), contains=["Close this meeting", "Riley Stone"])
    assert_page(client.post(close), status=302, redirects_to=detail)
    page = assert_page(client.get(detail), contains="Held", lacks="Close this meeting")
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.HELD


# --- postponing, cancelling, editing ------------------------------------------------


def test_postponing_moves_the_agenda_to_the_new_date_and_tells_the_school(world, s):
    emergency = _emergency_on(s, make_pupil(world.school), world.provider)
    OutboxMessage.objects.all().delete()
    new_date = s.meeting.date + 7 * DAY
    later = workflow.postpone_meeting(
        s.meeting, by=s.officer, to=new_date, reason="The venue is flooded."
    )
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.POSTPONED
    assert s.meeting.postponed_to == later
    assert (later.date, later.status, later.chair) == (new_date, M.SCHEDULED, s.chair)
    s.referral.refresh_from_db()
    emergency.refresh_from_db()
    assert s.referral.meeting == later
    assert s.referral.status == Referral.Status.SCHEDULED
    assert emergency.meeting == later
    event = AuditEvent.objects.get(action="panel_meeting_postponed")
    assert event.changes["reason"] == [None, "The venue is flooded."]
    message = OutboxMessage.objects.filter(to=s.head.email).first()
    assert message is not None
    assert f"moved to {new_date:%-d %B %Y}" in message.subject
    assert "The venue is flooded." in message.body


def _emergency_on(s, pupil, provider):
    from apcase.placements.models import Placement

    placement = Placement.objects.create(
        pupil=pupil,
        provider=provider,
        status=Placement.Status.ACTIVE,
        start_date=s.today,
        sessions_per_week=5,
        arranged_by=Placement.ArrangedBy.SCHOOL,
        is_emergency=True,
    )
    return EmergencyPlacement.objects.create(
        pupil=pupil,
        school=pupil.school,
        panel=s.panel,
        meeting=s.meeting,
        placement=placement,
        arranged_by=s.head,
        why_it_cannot_wait="Serious incident.",
        risks="Harm to peers.",
        likelihood="high",
        severity="medium",
        mitigations="Small group.",
        assessed_by="Headteacher",
        assessed_on=s.today,
        risk_review_on=s.today + 14 * DAY,
        parents_told_how="Phone call.",
        parents_told_at=timezone.now(),
    )


def test_cancelling_moves_the_agenda_to_the_next_scheduled_meeting(s):
    later = make_meeting(s.panel, date=s.meeting.date + 28 * DAY, by=s.officer)
    workflow.cancel_meeting(s.meeting, by=s.officer, reason="Not quorate: three members ill.")
    s.meeting.refresh_from_db()
    assert (s.meeting.status, s.meeting.status_reason) == (
        M.CANCELLED,
        "Not quorate: three members ill.",
    )
    s.referral.refresh_from_db()
    assert (s.referral.status, s.referral.meeting) == (Referral.Status.SCHEDULED, later)
    event = AuditEvent.objects.get(action="panel_meeting_cancelled")
    assert event.changes["reason"] == [None, "Not quorate: three members ill."]
    assert OutboxMessage.objects.filter(to=s.head.email, body__icontains="ill").exists()


def test_with_no_other_meeting_the_agenda_waits_and_joins_the_next_one_scheduled(s):
    workflow.cancel_meeting(s.meeting, by=s.officer, reason="The panel is being re-formed.")
    s.referral.refresh_from_db()
    assert (s.referral.status, s.referral.meeting) == (Referral.Status.SUBMITTED, None)
    assert OutboxMessage.objects.filter(
        to=s.head.email, body__icontains="No other meeting is scheduled yet"
    ).exists()
    # A scheduled referral is not re-submitted; it waits for the next meeting.
    next_one = services.schedule_meeting(
        by=s.officer,
        panel=s.panel,
        date=s.today + 30 * DAY,
        place=services.MeetingPlace(venue="Civic"),
    )
    s.referral.refresh_from_db()
    assert s.referral.meeting == next_one


def test_a_reason_is_required_to_postpone_or_cancel(s):
    with pytest.raises(ValidationFailed) as error:
        workflow.cancel_meeting(s.meeting, by=s.officer, reason="  ")
    assert "reason" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        workflow.postpone_meeting(s.meeting, by=s.officer, to=s.meeting.date + DAY, reason="")
    assert "reason" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        workflow.postpone_meeting(s.meeting, by=s.officer, to=s.meeting.date, reason="Why")
    assert "date" in error.value.errors
    s.meeting.refresh_from_db()
    assert s.meeting.status == M.SCHEDULED
    assert PanelMeeting.objects.count() == 1


def test_a_meeting_that_has_sat_is_closed_not_postponed_or_cancelled(s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date)
    _decline(s)
    with pytest.raises(TransitionNotAllowed):
        workflow.cancel_meeting(s.meeting, by=s.officer, reason="Oops")
    with pytest.raises(TransitionNotAllowed):
        workflow.postpone_meeting(s.meeting, by=s.officer, to=s.meeting.date + DAY, reason="x")


def test_editing_the_details_records_the_reason_and_tells_the_school(s):
    change = services.MeetingChange(
        date=s.meeting.date + DAY,
        start_time=datetime.time(13, 0),
        venue="Council Chamber",
        online_link="",
        reason="The chair is in court in the morning.",
    )
    services.edit_meeting(by=s.officer, meeting=s.meeting, change=change)
    s.meeting.refresh_from_db()
    assert (s.meeting.date, s.meeting.start_time, s.meeting.venue) == (
        change.date,
        datetime.time(13, 0),
        "Council Chamber",
    )
    s.referral.refresh_from_db()
    assert s.referral.meeting == s.meeting  # the agenda stays with it
    event = AuditEvent.objects.get(action="panel_meeting_edited")
    assert event.changes["reason"] == [None, "The chair is in court in the morning."]
    assert event.changes["venue"] == ["Civic Offices, Milton Keynes", "Council Chamber"]
    message = OutboxMessage.objects.get(to=s.head.email, subject__icontains="details changed")
    assert "Council Chamber" in message.body
    assert "at 1pm" in message.body


def test_editing_needs_a_reason_and_an_officer(s):
    change = services.MeetingChange(
        date=s.meeting.date,
        start_time=s.meeting.start_time,
        venue="Hall",
        online_link="",
        reason="",
    )
    with pytest.raises(ValidationFailed) as error:
        services.edit_meeting(by=s.officer, meeting=s.meeting, change=change)
    assert "reason" in error.value.errors
    with pytest.raises(NotPermitted):
        services.edit_meeting(by=s.chair, meeting=s.meeting, change=change)


def test_an_officer_postpones_and_cancels_through_the_pages(s):
    client = sign_in(Client(), s.officer)
    detail = reverse("panel:meeting_detail", args=[s.meeting.pk])
    assert_page(client.get(detail), contains=["Postpone this meeting", "Cancel this meeting"])
    postpone = reverse("panel:meeting_postpone", args=[s.meeting.pk])
    new_date = s.meeting.date + 7 * DAY
    assert_page(client.post(postpone, {"reason": ""}), contains="Enter the reason")
    data = {"date_0": new_date.day, "date_1": new_date.month, "date_2": new_date.year}
    response = client.post(postpone, {**data, "reason": "The venue is flooded."})
    later = PanelMeeting.objects.get(date=new_date)
    assert_page(response, status=302, redirects_to=reverse("panel:meeting_detail", args=[later.pk]))
    assert_page(client.get(detail), contains=["Postponed", "The venue is flooded."])
    cancel = reverse("panel:meeting_cancel", args=[later.pk])
    assert_page(client.get(cancel), contains="Riley Stone")
    assert_page(client.post(cancel, {"reason": "No longer needed."}), status=302)
    later.refresh_from_db()
    assert later.status == M.CANCELLED
    # A panel member neither changes nor sees the actions.
    member = sign_in(Client(), s.members[0])
    assert_page(member.get(detail), lacks="Postpone this meeting")
    assert member.get(reverse("panel:meeting_edit", args=[s.meeting.pk])).status_code == 403


# --- every move of a meeting's status -----------------------------------------------

ALL = list(M.values)
ALLOWED = [(a, b) for a in ALL for b in ALL if b in workflow.ALLOWED_TRANSITIONS[a]]
REFUSED = [(a, b) for a in ALL for b in ALL if b != M.SCHEDULED and (a, b) not in ALLOWED]


def _attempt(s, to):
    if to == M.HELD:
        return workflow.close_meeting(s.meeting, by=s.chair)
    if to == M.POSTPONED:
        return workflow.postpone_meeting(
            s.meeting, by=s.officer, to=s.meeting.date + 7 * DAY, reason="Venue closed."
        )
    return workflow.cancel_meeting(s.meeting, by=s.officer, reason="Not needed.")


def test_the_transition_table_covers_every_status():
    assert set(workflow.ALLOWED_TRANSITIONS) == set(M.values)
    assert ALLOWED == [
        (M.SCHEDULED, M.HELD),
        (M.SCHEDULED, M.POSTPONED),
        (M.SCHEDULED, M.CANCELLED),
    ]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_each_allowed_move_changes_the_status_with_one_audit_event(s, monkeypatch, start, to):
    travel_to(monkeypatch, s.meeting.date)
    events = AuditEvent.objects.filter(action__startswith="panel_meeting_")
    before = events.count()
    _attempt(s, to)
    s.meeting.refresh_from_db()
    assert s.meeting.status == to
    # One event for the move (postponing also schedules the meeting that replaces it).
    assert events.count() == before + (2 if to == M.POSTPONED else 1)
    assert events.order_by("id").last().changes["status"] == [start, to]


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_each_refused_move_is_refused_and_changes_nothing(s, monkeypatch, start, to):
    PanelMeeting.objects.filter(pk=s.meeting.pk).update(status=start)
    s.meeting.refresh_from_db()
    travel_to(monkeypatch, s.meeting.date)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed, match="cannot be"):
        _attempt(s, to)
    s.meeting.refresh_from_db()
    assert s.meeting.status == start
    assert AuditEvent.objects.count() == before


# --- letters and messages carry the real dates --------------------------------------


def test_the_letters_and_message_give_the_meetings_date_and_the_decisions_date(
    world, s, monkeypatch
):
    recorded_on = s.meeting.date + 2 * DAY
    travel_to(monkeypatch, recorded_on)
    decision = _decline(s)
    context = {
        "decision": decision,
        "pupil": s.pupil,
        "school": world.school,
        "item": s.referral,
        "today": recorded_on,
    }
    met = f"{s.meeting.date:%-d %B %Y}"
    decided = f"{recorded_on:%-d %B %Y}"
    parents = render_to_string("panel/pdf/letter_parents.html", context)
    assert f"The panel met on {met}." in parents
    assert f"Its decision was written down on {decided}." in parents
    school = render_to_string("panel/pdf/letter_school.html", context)
    assert f"Date of the meeting: {met}. Date of the decision: {decided}." in school
    message = OutboxMessage.objects.get(to=s.head.email, subject__icontains="Panel decision")
    assert f"met on {met}" in message.body
    assert f"recorded on {decided}" in message.body


def test_a_referral_on_an_agenda_is_not_submitted_again(s):
    """Scheduled → submitted is only the way back to waiting when its meeting goes."""
    with pytest.raises(TransitionNotAllowed, match="cannot be submitted"):
        referral_workflow.submit_referral(s.referral, by=s.referral.created_by)
    s.referral.refresh_from_db()
    assert (s.referral.status, s.referral.meeting) == (Referral.Status.SCHEDULED, s.meeting)


def test_the_meeting_list_shows_a_meeting_awaiting_closure(s, monkeypatch):
    travel_to(monkeypatch, s.meeting.date + DAY)
    client = sign_in(Client(), s.officer)
    assert_page(client.get(reverse("panel:meeting_list")), contains="Awaiting closure")


# --- nothing waiting for a meeting drops off the LA officer's home page -------------


def test_a_referral_deferred_with_no_later_meeting_is_on_the_officers_home_page(s, monkeypatch):
    """A deferral keeps the meeting it was deferred at: with no later meeting scheduled,
    the officer must still see that the referral waits for one."""
    travel_to(monkeypatch, s.meeting.date)
    _decline(s, outcome="deferred", reasons="Await the educational psychologist's report.")
    s.referral.refresh_from_db()
    assert s.referral.status == Referral.Status.DEFERRED
    assert_page(
        sign_in(Client(), s.officer).get(reverse("home")),
        contains=[
            "Referral for Riley Stone awaits a panel meeting",
            f"deferred at the panel meeting on {s.meeting.date:%-d %B %Y}",
        ],
    )


def test_a_referral_waiting_after_a_cancelled_meeting_is_on_the_officers_home_page(s):
    workflow.cancel_meeting(s.meeting, by=s.officer, reason="The panel is being re-formed.")
    assert_page(
        sign_in(Client(), s.officer).get(reverse("home")),
        contains="Referral for Riley Stone awaits a panel meeting",
    )


def test_the_meeting_details_page_saved_unchanged_does_nothing_and_tells_nobody(s):
    """It refused the officer who opened it to check the details ('Enter the reason',
    then 'Change at least one detail'). A change still needs its reason."""
    client = sign_in(Client(), s.officer)
    url = reverse("panel:meeting_edit", args=[s.meeting.pk])
    m = s.meeting
    unchanged = {
        "date_0": m.date.day,
        "date_1": m.date.month,
        "date_2": m.date.year,
        "start_time": m.start_time.strftime("%H:%M"),
        "venue": m.venue,
        "online_link": m.online_link,
        "reason": "",
    }
    response = client.post(url, unchanged, follow=True)
    assert_page(response, contains="Nothing was changed.", lacks="There is a problem")
    assert response.redirect_chain[0][1] == 302
    assert not AuditEvent.objects.filter(action="panel_meeting_edited").exists()
    assert not OutboxMessage.objects.filter(subject__icontains="details changed").exists()
    moved = client.post(url, unchanged | {"venue": "Council Chamber"})
    assert_page(moved, contains="Enter the reason.")
    m.refresh_from_db()
    assert m.venue != "Council Chamber"
