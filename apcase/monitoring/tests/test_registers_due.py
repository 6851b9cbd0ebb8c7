"""The home page's "Registers not yet taken today" counts in the database the pupils a
register still waits for. The count must be the register page's own rule: each pupil
expected this session (register_rows) with no current mark, less one who started after
the cut-off. Each row of the table is one pupil; the count and the rows must agree."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from apcase.monitoring import rules, selectors
from apcase.monitoring.models import AttendanceMark
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement

DAY = START + datetime.timedelta(days=7)  # a Monday
NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(11, 0)))  # past 10:00
CUTOFF = rules.cutoff_at(DAY, "am")


def _mark(placement, recorded_by, *, session="am", is_current=True):  # type: ignore[no-untyped-def]
    return AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=DAY,
        session=session,
        observed="present",
        recorded_by=recorded_by,
        recorded_at=NOW,
        is_current=is_current,
    )


# (case, what to do to the pupil's placement, whether the morning register waits for them)
CASES = [
    ("no mark yet", lambda p, staff: None, True),
    ("marked this morning", lambda p, staff: _mark(p, staff), False),
    (
        "only a mark that is no longer current",
        lambda p, staff: _mark(p, staff, is_current=False),
        True,
    ),
    (
        "marked this afternoon, not this morning",
        lambda p, staff: _mark(p, staff, session="pm"),
        True,
    ),
    ("started after the cut-off", "after", False),
    ("started before the cut-off", "before", True),
    ("not timetabled on Mondays", "no monday", False),
]


@pytest.mark.parametrize(("case", "change", "waits"), CASES, ids=[c[0] for c in CASES])
def test_the_count_of_a_register_is_the_register_pages_rule(
    case, change, waits, world, user_with_role
):
    staff = user_with_role(Role.PROVIDER_STAFF)
    fields = {}
    if change == "after":
        fields["started_at"] = CUTOFF + datetime.timedelta(minutes=30)
    elif change == "before":
        fields["started_at"] = CUTOFF - datetime.timedelta(days=1)
    sessions = (
        {(day, s) for day in range(1, 5) for s in ("am", "pm")} if change == "no monday" else None
    )
    placement = make_placement(world.school, world.provider, sessions=sessions, **fields)
    if callable(change):
        change(placement, staff)
    # Another pupil no register waits for, so a count of every row would be caught.
    _mark(make_placement(world.school, world.provider), staff)

    found = selectors.registers_not_taken_for(staff, now=NOW)

    started = dict(Placement.objects.values_list("pk", "started_at"))
    by_rows = [
        row
        for row in selectors.register_rows(world.provider, DAY, "am")
        if row.current is None and not ((at := started[row.placement_id]) and at > CUTOFF)
    ]
    assert [due.unmarked for due in found] == ([len(by_rows)] if by_rows else [])
    assert [(due.session, due.unmarked, due.missed) for due in found] == (
        [("am", 1, True)] if waits else []
    )


# The rule as it was before every provider's registers were counted in one query: one
# count a provider and session, in the order of the user's providers, morning first.
def _one_count_a_register(user, now):  # type: ignore[no-untyped-def]
    day = timezone.localdate(now)
    sessions = ["am"] + (["pm"] if rules.current_session(now) == "pm" else [])
    found = []
    for provider in selectors.providers_of(user):
        for session in sessions:
            cutoff = rules.cutoff_at(day, session)
            unmarked = (
                Placement.objects.filter(
                    selectors.expected_on(day, session), provider_id=provider.pk
                )
                .exclude(
                    Exists(
                        AttendanceMark.objects.filter(
                            placement=OuterRef("pk"), date=day, session=session, is_current=True
                        )
                    )
                )
                .exclude(started_at__gt=cutoff)
                .count()
            )
            if unmarked:
                found.append((provider.pk, session, unmarked, cutoff, now > cutoff))
    return found


HALF_DAYS = [(day, half) for day in range(5) for half in ("am", "pm")]
register_shapes = st.fixed_dictionaries(
    {
        "provider": st.sampled_from(["mine", "also mine", "not mine"]),
        "status": st.sampled_from(["active", "ended", "planned"]),
        "start_offset": st.integers(-3, 1),
        "ended_offset": st.one_of(st.none(), st.integers(-1, 1)),
        # When it was started: never, before the morning's cut-off, between the two
        # cut-offs, after the afternoon's.
        "started": st.sampled_from([None, 9, 12, 15]),
        "sessions": st.one_of(st.none(), st.sets(st.sampled_from(HALF_DAYS), max_size=4)),
        "emergency": st.booleans(),
        "plan_agreed": st.booleans(),
        "marks": st.sets(st.sampled_from(["am", "pm", "am old", "pm old", "yesterday"])),
    }
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # started between the two cut-offs: on the afternoon's register, not the morning's
    shapes=[
        {
            "provider": "mine",
            "status": "active",
            "start_offset": 0,
            "ended_offset": None,
            "started": 12,
            "sessions": None,
            "emergency": False,
            "plan_agreed": True,
            "marks": set(),
        }
    ],
    day_offset=0,
    hour=15,
    managed_too=False,
)
@given(
    shapes=st.lists(register_shapes, max_size=4),
    day_offset=st.integers(0, 6),
    hour=st.sampled_from([8, 11, 13, 15]),
    managed_too=st.booleans(),
)
def test_every_register_counted_in_one_query_is_the_count_of_each_register(
    world, user_with_role, shapes, day_offset, hour, managed_too
):
    """Whatever the placements, marks, day (weekends too) and hour, the registers due
    are those one count a provider and session gave, in the same order; a person who
    is staff at one provider and manager at two (one of them the same) sees each
    membership's registers as before."""
    savepoint = transaction.savepoint()
    try:
        day = DAY + datetime.timedelta(days=day_offset)
        now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))
        staff = user_with_role(Role.PROVIDER_STAFF)
        also = ProviderFactory(local_authority=world.la)
        providers = {"mine": world.provider, "also mine": also, "not mine": world.other_provider}
        if managed_too:
            for provider in (world.provider, also):
                Membership.objects.create(
                    user=staff, organisation=provider, role=Role.PROVIDER_MANAGER
                )
        for shape in shapes:
            _place(world, providers, staff, day, shape)
        expected = _one_count_a_register(staff, now)
        found = selectors.registers_not_taken_for(staff, now=now)
        assert [
            (due.provider.pk, due.session, due.unmarked, due.cutoff, due.missed) for due in found
        ] == expected
    finally:
        transaction.savepoint_rollback(savepoint)


def _place(world, providers, staff, day, shape):  # type: ignore[no-untyped-def]
    started = shape["started"]
    placement = make_placement(
        world.school,
        providers[shape["provider"]],
        status=shape["status"],
        start_date=day + datetime.timedelta(days=shape["start_offset"]),
        sessions=shape["sessions"],
        is_emergency=shape["emergency"],
        full_plan_agreed_on=day if shape["plan_agreed"] else None,
        ended_on=None
        if shape["ended_offset"] is None
        else day + datetime.timedelta(days=shape["ended_offset"]),
        started_at=None
        if started is None
        else timezone.make_aware(datetime.datetime.combine(day, datetime.time(started))),
    )
    for mark in shape["marks"]:
        session, _, old = mark.partition(" ")
        AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=day - datetime.timedelta(days=1) if mark == "yesterday" else day,
            session="am" if mark == "yesterday" else session,
            observed="present",
            recorded_by=staff,
            recorded_at=timezone.now(),
            is_current=not old,
        )
