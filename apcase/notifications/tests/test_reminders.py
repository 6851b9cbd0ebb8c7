"""The daily reminders (notifications.reminders, run by the `send_reminders` task): each
kind is sent when it falls due, not before, and once per subject and due date however
often the task runs; a run that stops between two reminders sends each exactly once
when it runs again. The clock is moved with `travel_to`, from dates computed from
today by the service's own rules."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.directory.models import AssuranceKind
from apcase.directory.tasks import check_assurance
from apcase.directory.tests.factories import assure_fully
from apcase.monitoring import selectors as monitoring_selectors
from apcase.monitoring.models import FollowUpTask
from apcase.notifications import reminders
from apcase.notifications.models import EmailChoice, OutboxMessage, Reminder
from apcase.notifications.tasks import send_reminders
from apcase.panel.models import cutoff_days
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import (
    make_emergency,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)
from apcase.reintegration.models import PlanStatus
from apcase.reintegration.tests.factories import make_plan
from apcase.reviews import schedule
from tests.helpers import travel_to

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def run_on(monkeypatch, day: datetime.date, *, subject: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    """Run the daily task on `day`; the emails it queued whose subject has `subject`."""
    travel_to(monkeypatch, day)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    send_reminders.enqueue()
    return list(
        OutboxMessage.objects.exclude(pk__in=before)
        .filter(subject__contains=subject)
        .order_by("to")
    )


def register_missed(placement, day: datetime.date, *sessions: str) -> None:  # type: ignore[no-untyped-def]
    """The follow-ups check_registers raises when the day's register was not taken by
    the cut-off (one per session)."""
    for session in sessions or ("am",):
        FollowUpTask.objects.create(
            placement=placement,
            kind=FollowUpTask.Kind.REGISTER_MISSING,
            date=day,
            session=session,
            detail="Not marked by the cut-off.",
        )


@pytest.fixture
def named(world):  # type: ignore[no-untyped-def]
    return person(Role.SCHOOL_STAFF, world.school, email="named@heronsgate.example")


@pytest.fixture
def placement(world, named):  # type: ignore[no-untyped-def]
    return make_placement(
        world.school,
        world.provider,
        named_staff_member=named,
        pupil=make_pupil(world.school, legal_first_name="Jordan", legal_last_name="Pike"),
        start_date=TODAY - datetime.timedelta(days=10),
    )


def test_a_review_is_reminded_seven_days_before_it_is_due_once(monkeypatch, placement):  # type: ignore[no-untyped-def]
    due = schedule.next_review(placement, []).due
    assert run_on(monkeypatch, due - 8 * DAY, subject="review") == []
    [mail] = run_on(monkeypatch, due - 7 * DAY, subject="review")
    assert mail.to == "named@heronsgate.example"
    assert mail.subject == f"Placement review due on {due:%-d %B %Y} – Jordan P."
    assert "Pike" not in mail.body
    assert reverse("reviews:placement", args=[placement.pk]) in mail.body
    assert run_on(monkeypatch, due - 6 * DAY, subject="review") == []
    assert run_on(monkeypatch, due, subject="review") == []


def test_a_review_still_not_held_after_its_due_date_is_told_once_more(monkeypatch, placement):  # type: ignore[no-untyped-def]
    # As an overdue visit is: the day after the due date passes with no review held,
    # whoever acts for the placement is told once (the home page's 'Overdue').
    due = schedule.next_review(placement, []).due
    assert len(run_on(monkeypatch, due - 7 * DAY, subject="review")) == 1
    assert run_on(monkeypatch, due, subject="review") == []
    [mail] = run_on(monkeypatch, due + DAY, subject="review")
    assert mail.to == "named@heronsgate.example"
    assert mail.subject == f"Placement review overdue since {due:%-d %B %Y} – Jordan P."
    assert reverse("reviews:placement", args=[placement.pk]) in mail.body
    assert run_on(monkeypatch, due + 2 * DAY, subject="review") == []


def test_an_overdue_visit_is_reminded_once_the_day_after_it_was_due(monkeypatch, placement):  # type: ignore[no-untyped-def]
    due = monitoring_selectors.next_visit_due(placement, [])
    assert run_on(monkeypatch, due, subject="Visit overdue") == []
    [mail] = run_on(monkeypatch, due + DAY, subject="Visit overdue")
    assert (mail.to, mail.subject) == ("named@heronsgate.example", "Visit overdue – Jordan P.")
    assert run_on(monkeypatch, due + 2 * DAY, subject="Visit overdue") == []


def test_a_visit_overdue_with_nobody_named_goes_to_the_inclusion_lead(monkeypatch, world):  # type: ignore[no-untyped-def]
    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@heronsgate.example")
    placement = make_placement(world.school, world.provider, start_date=TODAY)
    placement.named_staff_member.is_active = False
    placement.named_staff_member.save()
    due = monitoring_selectors.next_visit_due(placement, [])
    [mail] = run_on(monkeypatch, due + DAY, subject="Visit overdue")
    assert mail.to == lead.email


def test_assurance_expiring_is_told_from_thirty_days_before_once(monkeypatch, world):  # type: ignore[no-untyped-def]
    person(Role.INCLUSION_LEAD, world.school, email="lead@heronsgate.example")
    expires = TODAY + datetime.timedelta(days=60)
    assure_fully(world.provider, expires_on=expires + datetime.timedelta(days=365))
    world.provider.assurance_records.filter(kind=AssuranceKind.INSURANCE).update(expires_on=expires)
    make_placement(world.school, world.provider, start_date=TODAY)

    def run(day: datetime.date) -> list[str]:
        travel_to(monkeypatch, day)
        before = set(OutboxMessage.objects.values_list("pk", flat=True))
        check_assurance.enqueue()
        return list(OutboxMessage.objects.exclude(pk__in=before).values_list("subject", flat=True))

    assert run(expires - 31 * DAY) == []
    assert run(expires - 30 * DAY) == ["Assurance expiring: Milton Keynes Primary Referral Unit"]
    assert run(expires - 29 * DAY) == []


def test_a_register_not_submitted_is_reminded_to_the_provider_the_next_day_once(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    manager = person(Role.PROVIDER_MANAGER, world.provider, email="manager@pru.example")
    day = TODAY + 3 * DAY
    register_missed(placement, day, "am", "pm")
    assert run_on(monkeypatch, day, subject="Register not submitted") == []
    [mail] = run_on(monkeypatch, day + DAY, subject="Register not submitted")
    assert mail.to == manager.email
    assert "1 pupil was not marked" in mail.body
    assert "Jordan" not in mail.body
    assert run_on(monkeypatch, day + 2 * DAY, subject="Register not submitted") == []


def test_a_part_time_timetable_ending_is_reminded_a_week_before_once(monkeypatch, placement):  # type: ignore[no-untyped-def]
    ends = TODAY + datetime.timedelta(days=40)
    plan = make_plan(placement, status=PlanStatus.ACTIVE, part_time_ends_on=ends)
    assert run_on(monkeypatch, ends - 8 * DAY, subject="Part-time") == []
    mails = run_on(monkeypatch, ends - 7 * DAY, subject="Part-time")
    assert [m.to for m in mails] == sorted([plan.named_adult.email, "named@heronsgate.example"])
    assert mails[0].subject == f"Part-time timetable ending on {ends:%-d %B %Y} – Jordan P."
    assert run_on(monkeypatch, ends - 6 * DAY, subject="Part-time") == []


def test_a_part_time_timetable_that_ends_with_the_plan_still_under_way_is_told_once(  # type: ignore[no-untyped-def]
    monkeypatch, placement
):
    # Reminded a week before; the end date then passes with the plan still under way
    # (the child may still be on the part-time timetable): told once more, as 'ended'.
    ends = TODAY + datetime.timedelta(days=40)
    plan = make_plan(placement, status=PlanStatus.ACTIVE, part_time_ends_on=ends)
    [before, _] = run_on(monkeypatch, ends - 7 * DAY, subject="Part-time")
    assert "ending on" in before.subject
    assert run_on(monkeypatch, ends, subject="Part-time") == []
    mails = run_on(monkeypatch, ends + DAY, subject="Part-time")
    assert [m.to for m in mails] == sorted([plan.named_adult.email, "named@heronsgate.example"])
    assert mails[0].subject == f"Part-time timetable ended on {ends:%-d %B %Y} – Jordan P."
    assert run_on(monkeypatch, ends + 2 * DAY, subject="Part-time") == []


def test_an_emergency_awaiting_ratification_is_reminded_a_week_before_its_meeting_once(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    officer = person(Role.LA_OFFICER, world.la, email="officer@mk.example")
    meeting = make_meeting(make_panel(world.la), date=TODAY + datetime.timedelta(days=30))
    make_emergency(placement, meeting)
    subject = "awaiting ratification"
    assert run_on(monkeypatch, meeting.date - 8 * DAY, subject=subject) == []
    mails = run_on(monkeypatch, meeting.date - 7 * DAY, subject=subject)
    assert officer.email in [m.to for m in mails]
    assert mails[0].subject == "Emergency placement awaiting ratification – Jordan P."
    assert run_on(monkeypatch, meeting.date - 6 * DAY, subject=subject) == []


def test_a_meeting_that_passes_without_ratifying_an_emergency_is_told_once(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    # Reminded a week before the meeting; the meeting then passes with the emergency
    # placement still awaiting ratification: the officers are told that too (the
    # home page's 'Overdue'), once, not only if the first reminder was never sent.
    officer = person(Role.LA_OFFICER, world.la, email="officer@mk.example")
    meeting = make_meeting(make_panel(world.la), date=TODAY + datetime.timedelta(days=30))
    make_emergency(placement, meeting)
    subject = "awaiting ratification"
    before = run_on(monkeypatch, meeting.date - 7 * DAY, subject=subject)
    assert officer.email in [m.to for m in before]
    assert not any("has passed" in m.body for m in before)
    assert run_on(monkeypatch, meeting.date, subject=subject) == []
    after = run_on(monkeypatch, meeting.date + DAY, subject=subject)
    assert officer.email in [m.to for m in after]
    passed = f"The panel meeting on {meeting.date:%-d %B %Y} has passed"
    assert all(passed in m.body for m in after)
    assert run_on(monkeypatch, meeting.date + 2 * DAY, subject=subject) == []


def test_panel_papers_are_announced_to_the_members_at_the_cut_off_once(monkeypatch, world):  # type: ignore[no-untyped-def]
    la = world.la
    member = person(Role.PANEL_MEMBER, la, email="member@mk.example")
    gone = person(Role.PANEL_MEMBER, la, email="gone@mk.example")
    gone.memberships.update(is_active=False)
    meeting = make_meeting(
        make_panel(la), date=TODAY + datetime.timedelta(days=30), members=[member, gone]
    )
    cutoff = meeting.date - cutoff_days() * DAY
    assert run_on(monkeypatch, cutoff - DAY, subject="Panel papers") == []
    [mail] = run_on(monkeypatch, cutoff, subject="Panel papers")
    assert mail.to == member.email
    assert mail.subject == f"Panel papers ready for the meeting on {meeting.date:%-d %B %Y}"
    assert run_on(monkeypatch, cutoff + DAY, subject="Panel papers") == []


class Crash(BaseException):
    """The worker killed mid-run (not an error the run could catch and go on from)."""


def test_a_run_stopped_between_two_reminders_sends_each_exactly_once_after_restart(  # type: ignore[no-untyped-def]
    monkeypatch, world
):
    people = [person(Role.SCHOOL_STAFF, world.school, email=f"s{n}@h.example") for n in range(3)]
    placements = [
        make_placement(world.school, world.provider, named_staff_member=p, start_date=TODAY)
        for p in people
    ]
    due = schedule.next_review(placements[0], []).due
    travel_to(monkeypatch, due - 7 * DAY)
    real_send = reminders.messages.send
    calls = []

    def crash_on_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["to"])
        if len(calls) == 2:
            raise Crash
        return real_send(*args, **kwargs)

    monkeypatch.setattr(reminders.messages, "send", crash_on_the_second)
    with pytest.raises(Crash):
        reminders.send_due(timezone.localdate())
    assert Reminder.objects.filter(kind="review_due").count() == 1
    assert OutboxMessage.objects.filter(subject__startswith="Placement review").count() == 1

    monkeypatch.setattr(reminders.messages, "send", real_send)
    reminders.send_due(timezone.localdate())
    reminders.send_due(timezone.localdate())
    review_mails = OutboxMessage.objects.filter(subject__startswith="Placement review")
    assert sorted(review_mails.values_list("to", flat=True)) == sorted(p.email for p in people)
    assert Reminder.objects.filter(kind="review_due").count() == 3


def test_a_reminder_that_fails_is_left_for_the_next_run_and_the_others_still_go(  # type: ignore[no-untyped-def]
    monkeypatch, world
):
    people = [person(Role.SCHOOL_STAFF, world.school, email=f"t{n}@h.example") for n in range(3)]
    for p in people:
        make_placement(world.school, world.provider, named_staff_member=p, start_date=TODAY)
    due = TODAY + datetime.timedelta(weeks=6)
    travel_to(monkeypatch, due - 7 * DAY)
    real_send = reminders.messages.send

    def refuse_the_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs["to"][0].email == "t0@h.example":
            raise RuntimeError("mail template broke")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(reminders.messages, "send", refuse_the_first)
    reminders.send_due(timezone.localdate())
    sent = OutboxMessage.objects.filter(subject__startswith="Placement review")
    assert sorted(sent.values_list("to", flat=True)) == ["t1@h.example", "t2@h.example"]
    monkeypatch.setattr(reminders.messages, "send", real_send)
    reminders.send_due(timezone.localdate())
    assert sorted(sent.values_list("to", flat=True)) == [p.email for p in people]


def test_a_kind_that_cannot_be_computed_is_logged_and_the_other_kinds_still_go(  # type: ignore[no-untyped-def]
    monkeypatch, placement, caplog
):
    def broken(today: datetime.date) -> list[reminders.Due]:
        raise RuntimeError("a record the rules did not expect")

    monkeypatch.setattr(reminders, "_sources", [broken, *reminders._sources])
    due = schedule.next_review(placement, []).due
    [mail] = run_on(monkeypatch, due - 7 * DAY, subject="review")
    assert mail.to == "named@heronsgate.example"
    assert "not computed; tried again on the next run" in caplog.text


def test_a_register_missing_at_a_provider_with_nobody_is_told_to_the_childs_school(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    # The provider has no account yet (or everyone left): the school must still hear
    # that the register is incomplete, not nobody.
    day = TODAY + 3 * DAY
    register_missed(placement, day)
    [mail] = run_on(monkeypatch, day + DAY, subject="Register not submitted")
    assert mail.to == "named@heronsgate.example"
    # The school cannot mark a provider's register: it is asked to find out instead,
    # and linked to its follow-ups, not to the provider's register page.
    assert "nobody who can mark it" in mail.body
    assert reverse("monitoring:tasks") in mail.body
    assert reverse("monitoring:register") not in mail.body


def test_a_reminder_with_nobody_to_tell_is_logged_and_tried_again(  # type: ignore[no-untyped-def]
    monkeypatch, caplog
):
    def nobody(today: datetime.date) -> list[reminders.Due]:
        return [
            reminders.Due(
                key=reminders.key("test_nobody", "thing:1", today),
                template="reviews/messages/review_due.txt",
                to=[],
                link="/",
            )
        ]

    monkeypatch.setattr(reminders, "_sources", [nobody])
    assert reminders.send_due(TODAY) == 0
    assert "test_nobody:thing:1" in caplog.text
    assert "nobody to tell" in caplog.text
    assert not Reminder.objects.filter(kind="test_nobody").exists()  # tried again next run


def test_a_meeting_chair_who_has_left_is_not_reminded_of_a_ratification(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    officer = person(Role.LA_OFFICER, world.la, email="officer@mk.example")
    chair = person(Role.PANEL_CHAIR, world.la, email="chair@mk.example")
    chair.memberships.update(is_active=False)
    meeting = make_meeting(make_panel(world.la), date=TODAY + datetime.timedelta(days=30))
    meeting.chair = chair
    meeting.save(update_fields=["chair"])
    make_emergency(placement, meeting)
    told = [m.to for m in run_on(monkeypatch, meeting.date - 7 * DAY, subject="ratification")]
    assert officer.email in told
    assert chair.email not in told


def test_a_register_missing_reminder_is_never_held_for_a_digest(  # type: ignore[no-untyped-def]
    monkeypatch, world, placement
):
    manager = person(Role.PROVIDER_MANAGER, world.provider, email="manager@pru.example")
    EmailChoice.objects.create(user=manager, daily_digest=True)
    day = TODAY + 3 * DAY
    register_missed(placement, day)
    [mail] = run_on(monkeypatch, day + DAY, subject="Register not submitted")
    assert mail.to == manager.email
