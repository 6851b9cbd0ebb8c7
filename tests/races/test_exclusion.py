"""A suspension sent three times is recorded once (issue 9, races: no constraint could
stop it). The same form replays the first result; the same suspension from another
form (a second tab) is refused with a message."""

import datetime

import pytest
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.pupils.models import Exclusion
from apcase.referrals.tests.factories import make_pupil, person
from tests.helpers import assert_page

from .conftest import TODAY, client_of, dates, messages_of, run_together

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = "apcase.pupils.services.exclusions.record_pupil_event"  # after the exclusion row is written
START = TODAY - datetime.timedelta(days=7)


@pytest.fixture
def pupil(world):
    return make_pupil(world.school)


@pytest.fixture
def lead(world):
    return client_of(person(Role.INCLUSION_LEAD, world.school))


def _url(pupil):
    return reverse("pupils:exclusion_add", args=[pupil.pk])


def _form(**fields):
    return {
        "kind": "suspension",
        **dates("start_date", START),
        "length_days": "2",
        "reason_1": "DB",
        **fields,
    }


def test_a_suspension_submitted_three_times_is_recorded_once(pupil, lead, key_of_page):
    data = _form(idempotency_key=key_of_page(lead.get(_url(pupil))))
    first, second = run_together(
        lambda: lead.post(_url(pupil), data), lambda: lead.post(_url(pupil), data), hold=HOLD
    )
    third = lead.post(_url(pupil), data)
    recorded = reverse("pupils:detail", args=[pupil.pk]) + "#exclusions"
    assert [r.status_code for r in (first, second, third)] == [302, 302, 302]
    assert {r["Location"] for r in (first, second, third)} == {recorded}
    assert "This exclusion was already recorded." in messages_of(third)
    assert Exclusion.objects.filter(pupil=pupil).count() == 1


def test_the_same_suspension_from_a_second_tab_is_refused_with_a_message(pupil, lead, key_of_page):
    tabs = [key_of_page(lead.get(_url(pupil))) for _ in range(2)]
    first, second = run_together(
        lambda: lead.post(_url(pupil), _form(idempotency_key=tabs[0])),
        lambda: lead.post(_url(pupil), _form(idempotency_key=tabs[1])),
        hold=HOLD,
    )
    assert first.status_code == 302
    assert_page(second, contains="is already recorded for")
    assert Exclusion.objects.filter(pupil=pupil).count() == 1


def test_a_different_suspension_the_same_week_is_still_recorded(pupil, lead, key_of_page):
    """The duplicate check is about the same start day, not any suspension."""
    for offset in (0, 1):
        day = START + datetime.timedelta(days=offset)
        data = _form(idempotency_key=key_of_page(lead.get(_url(pupil))), **dates("start_date", day))
        assert lead.post(_url(pupil), data).status_code == 302
    assert Exclusion.objects.filter(pupil=pupil).count() == 2
