"""The all-or-nothing drill: a workflow that writes many records is run again and again,
failing at its 1st, 2nd, ... n-th write; after every failure the database is exactly as
it was before (no placement without its sessions, no emergency without its audit event,
no email queued for something that did not happen)."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.directory.tests.factories import assure_fully
from apcase.placements.tests.factories import site_of
from apcase.referrals import workflow
from apcase.referrals.tests.factories import make_meeting, make_panel, make_pupil, person

WRITES = ("INSERT", "UPDATE", "DELETE")


class Fault(Exception):
    """The injected failure."""


class FailAtWrite:
    """An execute wrapper that lets `n - 1` writes through and fails the n-th."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith(WRITES):
            self.writes += 1
            if self.writes == self.n:
                raise Fault(f"injected at write {self.n}: {sql[:60]}")
        return execute(sql, params, many, context)


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _arrange(world, pupil, head, staff):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return workflow.arrange_emergency_placement(
        by=head,
        pupil=pupil,
        provider=world.provider,
        sites=[site_of(world.provider)],
        sessions={(day, "am") for day in range(5)},
        named_staff_member=staff,
        case=workflow.EmergencyCase(
            parents_told_how="Phone call to the child's mother.",
            parents_told_at=timezone.now() - datetime.timedelta(hours=1),
            why_it_cannot_wait="A serious incident in class.",
            risks="Harm to peers.",
            likelihood="high",
            severity="medium",
            mitigations="Small group, adult at transitions.",
            assessed_by="Headteacher",
            assessed_on=today,
            risk_review_on=today + datetime.timedelta(days=14),
        ),
    )


@pytest.mark.django_db
def test_an_emergency_placement_is_written_whole_or_not_at_all(world):
    make_meeting(make_panel(world.la))
    assure_fully(world.provider, expires_on=timezone.localdate() + datetime.timedelta(days=365))
    pupil = make_pupil(world.school)
    head = person(Role.HEADTEACHER, world.school)
    staff = person(Role.SCHOOL_STAFF, world.school)
    site_of(world.provider)
    before = _counts()
    # Count the writes a successful run makes, inside a savepoint rolled back after.
    counter = FailAtWrite(n=10**6)
    from django.db import transaction

    sid = transaction.savepoint()
    with connection.execute_wrapper(counter):
        _arrange(world, pupil, head, staff)
    transaction.savepoint_rollback(sid)
    total = counter.writes
    assert total >= 6  # placement, sessions, sites, emergency, audit events, emails
    for n in range(1, total + 1):
        with pytest.raises(Fault), connection.execute_wrapper(FailAtWrite(n)):
            _arrange(world, pupil, head, staff)
        assert _counts() == before, f"a failure at write {n} of {total} left records behind"
    # And with no fault it is written in full.
    emergency = _arrange(world, pupil, head, staff)
    assert emergency.placement.sessions.count() == 5
