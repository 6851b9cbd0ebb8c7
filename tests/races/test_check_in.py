"""Two check-ins for the same week sent at once (issue 9, races): one is saved, the
other is told there already is one; the same form sent twice says it was saved."""

import datetime

import pytest
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring.models import CheckIn
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from tests.helpers import assert_page

from .conftest import TODAY, client_of, messages_of, run_together

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = "apcase.monitoring.services.check_ins.record_event"  # after the check-in row is written


@pytest.fixture
def placement(world):
    return make_placement(
        world.school, world.provider, start_date=TODAY - datetime.timedelta(days=14)
    )


def _url(placement):
    return reverse("monitoring:check_in", kwargs={"placement_id": placement.pk})


def _form(**fields):
    return {
        "week_of": TODAY.isoformat(),
        "engagement": "4",
        "wellbeing": "4",
        "behaviour": "3",
        "safeguarding": "no",
        **fields,
    }


def test_two_check_ins_for_one_week_at_once_save_one_and_tell_the_other(
    world, placement, key_of_page
):
    staff = [client_of(person(Role.PROVIDER_STAFF, world.provider)) for _ in range(2)]
    keys = [key_of_page(client.get(_url(placement))) for client in staff]
    first, second = run_together(
        lambda: staff[0].post(_url(placement), _form(idempotency_key=keys[0])),
        lambda: staff[1].post(_url(placement), _form(idempotency_key=keys[1], wellbeing="2")),
        hold=HOLD,
    )
    assert first.status_code == 302
    assert_page(second, contains="There is already a check-in for the week of")
    assert CheckIn.objects.get(placement=placement).wellbeing == 4


def test_the_same_check_in_sent_twice_says_it_was_already_saved(world, placement, key_of_page):
    client = client_of(person(Role.PROVIDER_STAFF, world.provider))
    data = _form(idempotency_key=key_of_page(client.get(_url(placement))))
    first, second = run_together(
        lambda: client.post(_url(placement), data),
        lambda: client.post(_url(placement), data),
        hold=HOLD,
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert "This check-in was already saved." in messages_of(second)
    assert CheckIn.objects.filter(placement=placement).count() == 1
