import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.notifications.models import OutboxMessage
from apcase.panel.models import PanelDecision
from apcase.referrals import services, workflow
from apcase.referrals.models import Referral

from .factories import complete_referral, make_meeting, make_panel, make_pupil, person

S = Referral.Status
ALL_STATUSES = list(S.values)


@pytest.fixture
def setting(world):
    class Setting:
        pass

    s = Setting()
    s.panel = make_panel(world.la)
    s.pupil = make_pupil(world.school)
    s.lead = person(Role.INCLUSION_LEAD, world.school)
    s.head = person(Role.HEADTEACHER, world.school)
    s.officer = person(Role.LA_OFFICER, world.la)
    s.chair = person(Role.PANEL_CHAIR, world.la)
    s.meeting = make_meeting(s.panel, chair=s.chair)
    s.later = make_meeting(s.panel, date=s.meeting.date + datetime.timedelta(days=28))
    return s


def _in_status(setting, status):
    referral = complete_referral(setting.pupil, signed_off_by=setting.head, created_by=setting.lead)
    meeting = (
        None
        if status in (S.DRAFT, S.SUBMITTED, S.MORE_INFORMATION, S.DEFERRED)
        else setting.meeting
    )
    submitted = None if status == S.DRAFT else timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        status=status, meeting=meeting, submitted_at=submitted
    )
    referral.refresh_from_db()
    return referral


def _attempt(setting, referral, to):
    if to == S.SUBMITTED and referral.status == S.SCHEDULED:
        # Its meeting was cancelled with no other scheduled: it waits again.
        return workflow.move_referral(
            referral, meeting=None, by=setting.officer, why="The meeting was cancelled."
        )
    if to == S.SUBMITTED:
        return workflow.submit_referral(referral, by=setting.lead)
    if to == S.SCHEDULED:
        return workflow.schedule_referral(referral, meeting=setting.meeting, by=setting.officer)
    if to in (S.APPROVED, S.DECLINED, S.DEFERRED, S.MORE_INFORMATION):
        decision = PanelDecision(meeting=setting.meeting, outcome=to, reasons="Because.")
        if referral.meeting_id is None:
            Referral.objects.filter(pk=referral.pk).update(meeting=setting.meeting)
            referral.refresh_from_db()
        return workflow.decide_referral(referral, by=setting.chair, decision=decision)
    if to == S.CLOSED:
        return workflow.close_referral(referral, by=setting.officer)
    if to == S.WITHDRAWN:
        return workflow.withdraw_referral(referral, by=setting.lead, reason="Family moved away.")
    raise AssertionError(to)


ALLOWED = [
    (a, b) for a in ALL_STATUSES for b in ALL_STATUSES if b in workflow.ALLOWED_TRANSITIONS[a]
]
REFUSED = [
    (a, b)
    for a in ALL_STATUSES
    for b in ALL_STATUSES
    if b != S.DRAFT and b not in workflow.ALLOWED_TRANSITIONS[a]
]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_each_allowed_transition_changes_status_and_leaves_one_chronology_entry(setting, start, to):
    referral = _in_status(setting, start)
    before = AuditEvent.objects.filter(pupil_id=setting.pupil.pk).count()
    _attempt(setting, referral, to)
    events = list(AuditEvent.objects.filter(pupil_id=setting.pupil.pk).order_by("id")[before:])
    assert events[0].changes["status"] == [start, to]
    referral.refresh_from_db()
    # Submission with a meeting open, and deferral with a later meeting, go straight on
    # to that meeting's agenda: a second move, with its own entry.
    if to == S.DEFERRED or (to == S.SUBMITTED and start != S.SCHEDULED):
        assert referral.status == S.SCHEDULED
        assert [e.changes["status"] for e in events] == [[start, to], [to, S.SCHEDULED]]
    else:
        assert referral.status == to
        assert len(events) == 1


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_each_refused_transition_is_refused_with_a_message_and_changes_nothing(setting, start, to):
    referral = _in_status(setting, start)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        _attempt(setting, referral, to)
    assert "cannot" in str(error.value)
    referral.refresh_from_db()
    assert referral.status == start
    assert AuditEvent.objects.count() == before


def test_a_referral_with_an_incomplete_section_cannot_be_submitted(setting):
    referral = complete_referral(
        setting.pupil, signed_off_by=setting.head, created_by=setting.lead, child_voice=""
    )
    with pytest.raises(ValidationFailed, match="The child's voice"):
        workflow.submit_referral(referral, by=setting.lead)
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_a_referral_without_headteacher_sign_off_cannot_be_submitted(setting):
    referral = complete_referral(setting.pupil, created_by=setting.lead)
    with pytest.raises(ValidationFailed, match="headteacher must sign"):
        workflow.submit_referral(referral, by=setting.lead)


def test_changing_a_section_after_sign_off_clears_the_sign_off(setting):
    referral = complete_referral(setting.pupil, signed_off_by=setting.head, created_by=setting.lead)
    services.update_section(
        referral,
        by=setting.lead,
        section="child-voice",
        values={"child_voice": "New words.", "child_voice_gathered_how": "Chat"},
        version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.signed_off_by is None


def test_an_edit_made_on_a_stale_version_is_refused(setting):
    referral = complete_referral(setting.pupil, created_by=setting.lead)
    stale = referral.version
    services.update_section(
        referral, by=setting.lead, section="reason", values={"reason": "medical"}, version=stale
    )
    with pytest.raises(ValidationFailed, match="Someone else changed"):
        services.update_section(
            referral, by=setting.lead, section="reason", values={"reason": "other"}, version=stale
        )
    referral.refresh_from_db()
    assert referral.reason == "medical"


def test_only_the_headteacher_signs_off(setting):
    referral = complete_referral(setting.pupil, created_by=setting.lead)
    with pytest.raises(NotPermitted):
        services.sign_off_referral(referral, by=setting.lead)
    services.sign_off_referral(referral, by=setting.head)
    referral.refresh_from_db()
    assert referral.signed_off_by == setting.head


def test_a_school_that_did_not_refer_cannot_submit_or_withdraw(setting, world):
    referral = complete_referral(setting.pupil, signed_off_by=setting.head, created_by=setting.lead)
    outsider = person(Role.HEADTEACHER, world.other_school)
    with pytest.raises(NotPermitted):
        workflow.submit_referral(referral, by=outsider)
    with pytest.raises(NotPermitted):
        workflow.withdraw_referral(referral, by=outsider, reason="x")


def test_withdrawal_needs_a_reason(setting):
    referral = complete_referral(setting.pupil, created_by=setting.lead)
    with pytest.raises(ValidationFailed):
        workflow.withdraw_referral(referral, by=setting.lead, reason="  ")


def test_submission_tells_the_la_officers(setting):
    referral = complete_referral(setting.pupil, signed_off_by=setting.head, created_by=setting.lead)
    workflow.submit_referral(referral, by=setting.lead)
    assert OutboxMessage.objects.filter(to=setting.officer.email).exists()


def test_deferral_puts_the_referral_on_the_next_meeting(setting):
    referral = _in_status(setting, S.SCHEDULED)
    decision = PanelDecision(meeting=setting.meeting, outcome="deferred", reasons="Need EP report")
    workflow.decide_referral(referral, by=setting.chair, decision=decision)
    referral.refresh_from_db()
    assert referral.status == S.SCHEDULED
    assert referral.meeting == setting.later


def test_a_referral_returned_for_more_information_is_editable_and_can_be_resubmitted(setting):
    referral = _in_status(setting, S.MORE_INFORMATION)
    assert referral.is_editable
    services.update_section(
        referral,
        by=setting.lead,
        section="reason",
        values={"reason_description": "More detail as asked."},
        version=referral.version,
    )
    referral.refresh_from_db()
    services.sign_off_referral(referral, by=setting.head)
    workflow.submit_referral(referral, by=setting.lead)
    referral.refresh_from_db()
    assert referral.status in (S.SUBMITTED, S.SCHEDULED)


def test_a_submitted_referral_cannot_be_edited(setting):
    referral = _in_status(setting, S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        services.update_section(
            referral, by=setting.lead, section="reason", values={"reason": "other"}, version=None
        )


def test_starting_a_second_open_referral_for_a_pupil_is_refused(setting):
    services.start_referral(by=setting.lead, pupil=setting.pupil)
    with pytest.raises(ValidationFailed, match="already has an open referral"):
        services.start_referral(by=setting.lead, pupil=setting.pupil)


def test_staff_who_are_not_inclusion_lead_or_head_cannot_start_a_referral(setting, world):
    staff = person(Role.SCHOOL_STAFF, world.school)
    with pytest.raises(NotPermitted):
        services.start_referral(by=staff, pupil=setting.pupil)


def test_a_new_referral_is_filled_in_with_the_pupils_exclusions(setting):
    from apcase.pupils.models import Exclusion

    Exclusion.objects.create(
        pupil=setting.pupil,
        kind="suspension",
        start_date=datetime.date(2026, 10, 5),
        length_days=2,
        reason_1="PA",
    )
    referral = services.start_referral(by=setting.lead, pupil=setting.pupil)
    assert "Suspension of" in referral.exclusions_summary
    assert "5 October 2026" in referral.exclusions_summary


def test_a_pupil_with_no_exclusions_says_so(setting):
    referral = services.start_referral(by=setting.lead, pupil=setting.pupil)
    assert referral.exclusions_summary == "No suspensions or exclusions recorded."
