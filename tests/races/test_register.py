"""A register submitted twice at once (issue 9, races): the marks are written once and
both submitters see the register saved; the same form sent twice says so."""

import datetime

import pytest
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring.models import AttendanceMark, RegisterSubmission
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person

from .conftest import TODAY, client_of, messages_of, run_together

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = "apcase.monitoring.services.registers.record_event"  # after the marks are written
URL = f"{reverse('monitoring:register')}?date={TODAY}&session=am"


@pytest.fixture
def placements(world):
    return [
        make_placement(
            world.school,
            world.provider,
            start_date=TODAY - datetime.timedelta(days=14),
            pupil=make_pupil(world.school, legal_last_name=f"Pupil{i}"),
        )
        for i in range(3)
    ]


def _marks(placements):
    # A reason, in case the test runs after the morning register's cut-off.
    return {f"mark_{p.pk}": "/" for p in placements} | {"reason": "Taken late"}


def test_two_staff_saving_the_register_at_once_write_each_mark_once(world, placements, key_of_page):
    staff = [client_of(person(Role.PROVIDER_STAFF, world.provider)) for _ in range(2)]
    keys = [key_of_page(client.get(URL)) for client in staff]
    first, second = run_together(
        lambda: staff[0].post(URL, _marks(placements) | {"idempotency_key": keys[0]}),
        lambda: staff[1].post(URL, _marks(placements) | {"idempotency_key": keys[1]}),
        hold=HOLD,
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert messages_of(first) == ["Register saved: 3 marks recorded."]
    assert messages_of(second) == ["Register saved: 0 marks recorded."]
    assert AttendanceMark.objects.filter(date=TODAY, session="am").count() == 3
    assert RegisterSubmission.objects.count() == 1


def test_the_same_register_sent_twice_says_it_was_already_saved(world, placements, key_of_page):
    client = client_of(person(Role.PROVIDER_STAFF, world.provider))
    data = _marks(placements) | {"idempotency_key": key_of_page(client.get(URL))}
    first, second = run_together(
        lambda: client.post(URL, data), lambda: client.post(URL, data), hold=HOLD
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert "This register was already saved." in messages_of(second)
    assert AttendanceMark.objects.filter(date=TODAY, session="am").count() == 3
