"""The monitoring invariant, proved over generated placements, plans and calendars.

For every session (AM/PM) that the home school's calendar says is open, every pupil in
an active placement whose plan expects them at the provider that session has, once the
cut-off check has run after the register's cut-off, either a provider mark or a
follow-up task; and a task with nobody named to do it reaches the inclusion lead.

"Expected" fails safe: a placement with no timetable, or an emergency placement whose
full plan is not agreed, is expected every weekday session; a planned end date in the
past ends nothing; a school year whose term dates are not all entered counts every
weekday that is not an entered closure day as open; a placement ended today is still
expected today (its last day). And no false alarms: nothing is raised for a session the
school is closed, before a placement starts, after its last day, for a placement that
never started, or for a session the agreed timetable leaves at school."""

import datetime

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from apcase.monitoring import services
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.notifications.models import OutboxMessage
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.schooldays.models import ClosureDay, Term

# The 2026/27 year of the test authority, as six half-terms; the generated day falls
# in the autumn, around the October half-term holiday (26–30 October).
TERMS = [
    (datetime.date(2026, 9, 2), datetime.date(2026, 10, 23)),
    (datetime.date(2026, 11, 2), datetime.date(2026, 12, 18)),
    (datetime.date(2027, 1, 5), datetime.date(2027, 2, 12)),
    (datetime.date(2027, 2, 22), datetime.date(2027, 3, 26)),
    (datetime.date(2027, 4, 12), datetime.date(2027, 5, 28)),
    (datetime.date(2027, 6, 7), datetime.date(2027, 7, 21)),
]
FIRST_DAY = datetime.date(2026, 10, 12)
HALF_DAYS = [(day, half) for day in range(5) for half in ("am", "pm")]

placement_shapes = st.fixed_dictionaries(
    {
        "start_offset": st.integers(-40, 3),
        "end_offset": st.one_of(st.none(), st.integers(-20, 20)),
        "status": st.sampled_from(["active", "active", "active", "ended", "planned"]),
        "sessions": st.sets(st.sampled_from(HALF_DAYS), max_size=10),
        "emergency": st.booleans(),
        "plan_agreed": st.booleans(),
        "staff": st.sampled_from(["named", "none", "left"]),
        "provider": st.sampled_from(["a", "b"]),
        # For an ended placement: its last day, relative to the day under test.
        "last_day_offset": st.integers(-3, 0),
    }
)


def _is_open(day, *, terms_entered, closed):
    if day.weekday() >= 5 or closed:
        return False
    if len(terms_entered) < len(TERMS):  # the year is not known: every weekday counts
        return True
    return any(start <= day <= end for start, end in TERMS)


def _expected(shape, day, half):
    if shape["start_offset"] > 0 or day.weekday() >= 5:
        return False
    if shape["status"] == "planned":
        return False
    if shape["status"] == "ended" and shape["last_day_offset"] < 0:
        return False  # its last day has passed; ended today, it is still expected today
    trusted = bool(shape["sessions"]) and (not shape["emergency"] or shape["plan_agreed"])
    return (day.weekday(), half) in shape["sessions"] if trusted else True


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shapes=st.lists(placement_shapes, min_size=1, max_size=4),
    day_offset=st.integers(0, 27),
    terms_entered=st.sets(st.integers(0, 5)),
    closed=st.booleans(),
    register_submitted=st.booleans(),
)
def test_every_expected_child_has_a_mark_or_a_follow_up(
    world, shapes, day_offset, terms_entered, closed, register_submitted
):
    day = FIRST_DAY + datetime.timedelta(days=day_offset)
    savepoint = transaction.savepoint()
    try:
        _check(world, shapes, day, terms_entered, closed, register_submitted)
    finally:
        transaction.savepoint_rollback(savepoint)


def _check(world, shapes, day, terms_entered, closed, register_submitted):
    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@school.example")
    providers = {"a": world.provider, "b": ProviderFactory(local_authority=world.la)}
    for n in sorted(terms_entered):
        Term.objects.create(
            local_authority=world.la,
            name=f"Half-term {n + 1}",
            start_date=TERMS[n][0],
            end_date=TERMS[n][1],
        )
    if closed:
        ClosureDay.objects.create(date=day, reason="INSET day", school=world.school)
    placements = [_place(world, providers, day, n, shape) for n, shape in enumerate(shapes)]
    provider_user = person(Role.PROVIDER_STAFF, world.provider)
    if register_submitted:
        _submit_provider_a_registers(world, provider_user, day, placements)
    after_cutoff = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    with override_settings(APCASE_REGISTER_LOOKBACK_DAYS=0):  # only the generated day
        services.check_registers(now=after_cutoff)

    open_today = _is_open(day, terms_entered=terms_entered, closed=closed)
    for placement, shape in placements:
        for half in ("am", "pm"):
            _check_session(lead, placement, shape, day, half, open_today=open_today)


def _place(world, providers, day, n, shape):
    """The placement `shape` describes, and the shape as it came to be."""
    staff = None
    if shape["staff"] != "none":
        staff = person(Role.SCHOOL_STAFF, world.school)
        if shape["staff"] == "left":
            Membership.objects.filter(user=staff).update(is_active=False)
    start = day + datetime.timedelta(days=shape["start_offset"])
    end = (
        None if shape["end_offset"] is None else day + datetime.timedelta(days=shape["end_offset"])
    )
    placement = make_placement(
        world.school,
        providers[shape["provider"]],
        pupil=make_pupil(world.school, legal_first_name=f"Child{n}"),
        status=shape["status"],
        start_date=start,
        planned_end_date=max(end, start) if end else None,
        sessions=shape["sessions"],
        named_staff_member=staff,
        is_emergency=shape["emergency"],
        full_plan_agreed_on=start if shape["plan_agreed"] else None,
    )
    if not staff:
        Placement.objects.filter(pk=placement.pk).update(named_staff_member=None)
    if shape["status"] != "planned":
        Placement.objects.filter(pk=placement.pk).update(
            started_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(7)))
        )
    if shape["status"] == "ended":
        last_day = max(start, day + datetime.timedelta(days=shape["last_day_offset"]))
        Placement.objects.filter(pk=placement.pk).update(ended_on=last_day)
        shape = {**shape, "last_day_offset": (last_day - day).days}
    return placement, shape


def _submit_provider_a_registers(world, provider_user, day, placements):
    """Provider A marks everyone it expects as present, before the cut-off."""
    for half in ("am", "pm"):
        expected_at_a = [
            p for p, shape in placements if shape["provider"] == "a" and _expected(shape, day, half)
        ]
        cutoff_minus = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 if half == "am" else 13, 30))
        )
        if expected_at_a:
            services.submit_register(
                by=provider_user,
                provider=world.provider,
                day=day,
                session=half,
                marks={p.pk: "present" for p in expected_at_a},
                now=cutoff_minus,
            )


def _check_session(lead, placement, shape, day, half, *, open_today):
    """An expected session is marked or followed up; nothing else raises an alarm."""
    marked = AttendanceMark.objects.filter(
        placement=placement, date=day, session=half, is_current=True
    ).exists()
    tasks = list(FollowUpTask.objects.filter(placement=placement, date=day, session=half))
    if open_today and _expected(shape, day, half):
        assert marked or tasks, (shape, day, half)
    else:
        assert not tasks, ("false alarm", shape, day, half)
    for task in tasks:
        if shape["staff"] != "named":
            assert task.assigned_to is None
            assert OutboxMessage.objects.filter(
                to=lead.email, subject__contains=placement.pupil.initialled_name
            ).exists()
        else:
            assert task.assigned_to == placement.named_staff_member
