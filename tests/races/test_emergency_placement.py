"""Two emergency placements for one pupil at once (issue 9, races): the second is told
the pupil already has an open placement; the same form sent twice shows the first's
placement. Never an error page, never two placements."""

import datetime

import pytest
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.placements.tests.factories import site_of
from apcase.referrals.models import EmergencyPlacement
from apcase.referrals.tests.factories import make_meeting, make_panel, make_pupil, person
from tests.helpers import assert_page

from .conftest import client_of, dates, messages_of, run_together

pytestmark = pytest.mark.django_db(transaction=True)
HOLD = "apcase.placements.workflow.record_change"  # after the placement row is written
URL = reverse("referrals:emergency_new")


@pytest.fixture
def scene(world):
    class Scene:
        pass

    s = Scene()
    make_meeting(make_panel(world.la))
    s.pupil = make_pupil(world.school)
    s.head = client_of(person(Role.HEADTEACHER, world.school))
    s.officer = client_of(person(Role.LA_OFFICER, world.la))
    today = datetime.date.today()
    s.form = {
        "pupil": s.pupil.pk,
        "provider": world.provider.pk,
        "provider_acceptance_reason": "The only provider with a place this week.",
        "sites": [site_of(world.provider).pk],
        "sessions": ["0-am", "0-pm", "2-am"],
        "named_staff_member": person(Role.SCHOOL_STAFF, world.school).pk,
        "parents_told_how": "Phone call to the child's mother.",
        # Told yesterday morning: a time that has passed whenever the test runs.
        **dates("parents_told_on", today - datetime.timedelta(days=1)),
        "parents_told_time": "08:15",
        "why_it_cannot_wait": "Serious incident.",
        "risks": "Risk to others.",
        "likelihood": "high",
        "severity": "high",
        "mitigations": "1:1 support.",
        "assessed_by": "Head",
        **dates("assessed_on", today),
        **dates("risk_review_on", today + datetime.timedelta(days=14)),
    }
    return s


def test_two_people_arranging_one_at_once_start_one_and_the_second_is_told_why(scene, key_of_page):
    head_key = key_of_page(scene.head.get(URL))
    officer_key = key_of_page(scene.officer.get(URL))
    assert head_key != officer_key
    first, second = run_together(
        lambda: scene.head.post(URL, scene.form | {"idempotency_key": head_key}),
        lambda: scene.officer.post(URL, scene.form | {"idempotency_key": officer_key}),
        hold=HOLD,
    )
    assert first.status_code == 302, first.content.decode()[:2000]
    assert_page(second, contains="already has an open placement")
    assert Placement.objects.filter(pupil=scene.pupil).count() == 1
    assert EmergencyPlacement.objects.filter(pupil=scene.pupil).count() == 1


def test_the_same_form_sent_twice_shows_the_first_placement(scene, key_of_page):
    key = key_of_page(scene.head.get(URL))
    data = scene.form | {"idempotency_key": key}
    first, second = run_together(
        lambda: scene.head.post(URL, data), lambda: scene.head.post(URL, data), hold=HOLD
    )
    emergency = EmergencyPlacement.objects.get(pupil=scene.pupil)
    detail = reverse("referrals:emergency_detail", kwargs={"emergency_id": emergency.pk})
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    assert "This emergency placement was already started." in messages_of(second)
    assert Placement.objects.filter(pupil=scene.pupil).count() == 1
