import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.monitoring import selectors, services, workflow
from apcase.monitoring.models import AttendanceMark, CheckIn, FollowUpTask, Visit
from apcase.notifications.models import OutboxMessage
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import person
from apcase.schooldays.models import ClosureDay, Term

DAY = START + datetime.timedelta(days=7)  # a Monday, a week into the placement


def at(hour, minute=0, day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def provider_staff(world):
    return person(Role.PROVIDER_STAFF, world.provider)


@pytest.fixture
def dsl(world):
    return person(Role.SCHOOL_DSL, world.school, email="dsl@school.example")


@pytest.fixture
def today_only(settings):
    """The cut-off check looks back a few days to make up missed runs; these tests are
    about one day's sessions."""
    settings.APCASE_REGISTER_LOOKBACK_DAYS = 0


@pytest.fixture
def placements(world):
    return [make_placement(world.school, world.provider) for _ in range(3)]


def _submit(by, provider, marks, *, now=None, reason=""):
    return services.submit_register(
        by=by,
        provider=provider,
        day=DAY,
        session="am",
        marks=marks,
        reason=reason,
        now=now or at(9, 15),
    )


def test_an_absence_with_no_known_reason_makes_a_task_and_emails_the_named_staff_and_dsl(
    world, placements, provider_staff, dsl
):
    absent = placements[0]
    marks = {p.pk: "/" for p in placements} | {absent.pk: "N"}
    result = _submit(provider_staff, world.provider, marks)
    assert (result.marked, result.alerts) == (3, 1)
    task = FollowUpTask.objects.get()
    assert task.kind == "absence"
    assert task.assigned_to == absent.named_staff_member
    recipients = set(OutboxMessage.objects.values_list("to", flat=True))
    assert recipients == {absent.named_staff_member.email, "dsl@school.example"}
    assert AuditEvent.objects.filter(action="follow_up_absence", pupil_id=absent.pupil_id).exists()


def test_an_explained_absence_makes_no_task(world, placements, provider_staff):
    _submit(provider_staff, world.provider, {p.pk: "absent_illness" for p in placements})
    assert not FollowUpTask.objects.exists()


def test_every_expected_pupil_must_be_marked(world, placements, provider_staff):
    with pytest.raises(ValidationFailed) as error:
        _submit(provider_staff, world.provider, {placements[0].pk: "/"})
    assert f"mark_{placements[1].pk}" in error.value.errors
    assert not AttendanceMark.objects.exists()


def test_a_correction_needs_a_reason_and_keeps_the_old_mark(world, placements, provider_staff):
    marks = {p.pk: "/" for p in placements}
    _submit(provider_staff, world.provider, marks)
    changed = marks | {placements[0].pk: "absent_illness"}
    with pytest.raises(ValidationFailed, match="reason"):
        _submit(provider_staff, world.provider, changed, now=at(9, 30))
    result = _submit(
        provider_staff, world.provider, changed, now=at(9, 30), reason="Parent rang: ill"
    )
    assert result.corrected == 1
    history = list(AttendanceMark.objects.filter(placement=placements[0]).order_by("recorded_at"))
    assert [(m.observed, m.is_current) for m in history] == [
        ("present", False),
        ("absent_illness", True),
    ]
    assert history[1].supersedes == history[0]
    assert history[1].reason == "Parent rang: ill"
    assert AuditEvent.objects.filter(action="attendance_corrected").count() == 1


def test_marks_after_the_cut_off_are_late_and_need_a_reason(world, placements, provider_staff):
    marks = {p.pk: "/" for p in placements}
    with pytest.raises(ValidationFailed, match="reason"):
        _submit(provider_staff, world.provider, marks, now=at(10, 5))
    _submit(provider_staff, world.provider, marks, now=at(10, 5), reason="Network down")
    assert all(m.is_late for m in AttendanceMark.objects.all())


def test_a_provider_cannot_mark_a_pupil_placed_elsewhere_or_whose_placement_ended(
    world, placements, provider_staff
):
    elsewhere = make_placement(world.other_school, world.other_provider)
    ended = make_placement(world.school, world.provider, status=Placement.Status.ENDED)
    marks = {p.pk: "/" for p in placements}
    for intruder in (elsewhere, ended):
        with pytest.raises(NotPermitted):
            _submit(provider_staff, world.provider, marks | {intruder.pk: "/"})
    with pytest.raises(NotPermitted):
        _submit(provider_staff, world.other_provider, {elsewhere.pk: "/"})
    assert not AttendanceMark.objects.exists()


def test_a_pupil_not_timetabled_this_session_is_not_expected(world, provider_staff):
    make_placement(world.school, world.provider, sessions={(1, "am")})  # Tuesdays only
    assert list(selectors.expected_placements([world.provider.pk], DAY, "am")) == []


def test_a_register_not_submitted_by_the_cut_off_raises_one_task_per_pupil_once(
    world, placements, today_only, provider_staff
):
    assert services.check_registers(now=at(9, 59)) == 0
    assert services.check_registers(now=at(10, 1)) == 3
    assert services.check_registers(now=at(10, 6)) == 0  # idempotent
    assert FollowUpTask.objects.filter(kind="register_missing", session="am").count() == 3


def test_no_register_is_expected_on_the_home_schools_closure_day(world, placements, today_only):
    # The school's year has term dates, and DAY is an INSET day at the school.
    Term.objects.create(
        local_authority=world.la,
        name="Autumn",
        start_date=DAY - datetime.timedelta(days=60),
        end_date=DAY + datetime.timedelta(days=60),
    )
    ClosureDay.objects.create(date=DAY, reason="INSET day", school=world.school)
    assert services.check_registers(now=at(10, 30)) == 0
    assert services.check_registers(now=at(10, 30, day=DAY + datetime.timedelta(days=1))) == 3


def test_a_submitted_register_raises_nothing_at_the_cut_off(
    world, placements, today_only, provider_staff
):
    _submit(provider_staff, world.provider, {p.pk: "/" for p in placements})
    assert services.check_registers(now=at(10, 30)) == 0


def test_a_missed_run_of_the_cut_off_check_is_made_up_on_the_next_run(world, settings):
    # The server was down all of Friday; Monday's first run after the cut-off raises
    # Friday's missing registers too (and nothing for the weekend).
    settings.APCASE_REGISTER_LOOKBACK_DAYS = 3
    placement = make_placement(world.school, world.provider)
    assert services.check_registers(now=at(10, 30)) == 3  # Friday am and pm, Monday am
    days = set(FollowUpTask.objects.filter(placement=placement).values_list("date", "session"))
    friday = DAY - datetime.timedelta(days=3)
    assert days == {(friday, "am"), (friday, "pm"), (DAY, "am")}


def test_the_check_registers_command_runs(world, placements, capsys):
    call_command("check_registers")
    assert "follow-up tasks raised" in capsys.readouterr().out


def test_the_named_staff_member_closes_a_task_with_what_was_done(world, placements, provider_staff):
    _submit(provider_staff, world.provider, {p.pk: "N" for p in placements})
    task = FollowUpTask.objects.filter(placement=placements[0]).get()
    with pytest.raises(ValidationFailed):
        workflow.close_follow_up(
            task, by=task.assigned_to, who_was_contacted="", where_the_child_is="", action_taken=""
        )
    stranger = person(Role.SCHOOL_STAFF, world.school)
    with pytest.raises(NotPermitted):
        workflow.close_follow_up(
            task,
            by=stranger,
            who_was_contacted="Mum",
            where_the_child_is="Home, ill",
            action_taken="Called",
        )
    workflow.close_follow_up(
        task,
        by=task.assigned_to,
        who_was_contacted="Mum",
        where_the_child_is="At home, ill",
        action_taken="Phoned home",
    )
    task.refresh_from_db()
    assert task.status == "closed"
    assert task.where_the_child_is == "At home, ill"
    with pytest.raises(TransitionNotAllowed):
        workflow.close_follow_up(
            task,
            by=task.assigned_to,
            who_was_contacted="x",
            where_the_child_is="x",
            action_taken="x",
        )


# --- attendance % ----------------------------------------------------------------


def test_sessions_that_are_not_possible_count_neither_way():
    summary = selectors.summarise(["/", "/", "N", "D", "X", "Y1", "#", "B", "K"])
    assert (summary.possible, summary.present) == (5, 4)
    assert summary.percent == "80.0%"


def test_persistent_absence_starts_at_exactly_ten_percent():
    assert selectors.summarise(["/"] * 9 + ["O"]).persistent_absence
    assert not selectors.summarise(["/"] * 10 + ["O"]).persistent_absence


def test_severe_absence_starts_at_exactly_fifty_percent():
    assert selectors.summarise(["/"] * 5 + ["O"] * 5).severe_absence
    assert not selectors.summarise(["/"] * 6 + ["O"] * 5).severe_absence
    assert selectors.summarise(["I"] * 5 + ["/"] * 5).severe_absence  # authorised still missed


def test_no_possible_sessions_gives_no_percentage():
    summary = selectors.summarise(["#", "D"])
    assert summary.rate is None
    assert not summary.persistent_absence


# --- check-ins --------------------------------------------------------------------


def test_a_low_score_or_a_fall_of_two_alerts_the_named_staff_member(world, provider_staff):
    placement = make_placement(world.school, world.provider)
    services.record_check_in(
        placement, by=provider_staff, week_of=DAY, engagement=4, wellbeing=5, behaviour=4
    )
    assert not FollowUpTask.objects.exists()
    services.record_check_in(
        placement,
        by=provider_staff,
        week_of=DAY + datetime.timedelta(7),
        engagement=4,
        wellbeing=3,
        behaviour=4,
    )
    task = FollowUpTask.objects.get()
    assert "wellbeing fell from 5 to 3" in task.detail
    services.record_check_in(
        placement,
        by=provider_staff,
        week_of=DAY + datetime.timedelta(14),
        engagement=2,
        wellbeing=3,
        behaviour=4,
        child=services.ChildVoice(rating=2, words="Tired"),
    )
    assert FollowUpTask.objects.filter(kind="check_in").count() == 2
    assert OutboxMessage.objects.filter(to=placement.named_staff_member.email).count() == 2


def test_one_check_in_a_week_scored_1_to_5(world, provider_staff):
    placement = make_placement(world.school, world.provider)
    with pytest.raises(ValidationFailed):
        services.record_check_in(
            placement, by=provider_staff, week_of=DAY, engagement=6, wellbeing=3, behaviour=3
        )
    services.record_check_in(
        placement, by=provider_staff, week_of=DAY, engagement=3, wellbeing=3, behaviour=3
    )
    with pytest.raises(ValidationFailed):
        services.record_check_in(
            placement,
            by=provider_staff,
            week_of=DAY + datetime.timedelta(2),
            engagement=3,
            wellbeing=3,
            behaviour=3,
        )
    assert CheckIn.objects.count() == 1


def test_another_provider_cannot_record_a_check_in(world):
    placement = make_placement(world.school, world.provider)
    with pytest.raises(NotPermitted):
        services.record_check_in(
            placement,
            by=person(Role.PROVIDER_STAFF, world.other_provider),
            week_of=DAY,
            engagement=3,
            wellbeing=3,
            behaviour=3,
        )


# --- visits -----------------------------------------------------------------------


def test_the_next_visit_is_due_six_weeks_after_the_last_and_overdue_after_that(world):
    placement = make_placement(world.school, world.provider)
    staff = placement.named_staff_member
    assert selectors.next_visit_due(placement, []) == START + datetime.timedelta(weeks=6)
    late = START + datetime.timedelta(weeks=7)
    assert selectors.overdue_visits_for(staff, today=late) == [
        (placement, START + datetime.timedelta(weeks=6))
    ]
    visit = services.schedule_visit(placement, by=staff, scheduled_for=late)
    workflow.log_visit(
        visit,
        by=staff,
        record=workflow.VisitRecord(
            visited_on=START + datetime.timedelta(weeks=5),
            visitors="Tom Ellery",
            child_seen=True,
            learning_observations="Engaged in maths",
            environment_observations="",
            child_views="Likes it",
            registers_checked=True,
            supervision_suitable=True,
            safeguarding_notes="",
            actions="Send reading book – Tom",
        ),
    )
    assert selectors.overdue_visits_for(staff, today=late) == []
    assert Visit.objects.get().status == "done"
    assert AuditEvent.objects.filter(action="visit_logged", pupil_id=placement.pupil_id).exists()


def test_only_the_school_side_logs_visits(world):
    placement = make_placement(world.school, world.provider)
    with pytest.raises(NotPermitted):
        services.schedule_visit(
            placement, by=person(Role.PROVIDER_MANAGER, world.provider), scheduled_for=DAY
        )
