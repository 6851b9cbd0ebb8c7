"""The home page's "Registers not yet taken today" counts in the database the pupils a
register still waits for. The count must be the register page's own rule: each pupil
expected this session (register_rows) with no current mark, less one who started after
the cut-off. Each row of the table is one pupil; the count and the rows must agree."""

import datetime

import pytest
from django.utils import timezone

from apcase.accounts.roles import Role
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
