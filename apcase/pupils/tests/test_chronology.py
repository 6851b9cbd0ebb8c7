"""The pupil's chronology: every recorded event, newest first, for the home school's
DSL, inclusion lead and headteacher; child protection entries for the DSL only."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.pupils import services
from apcase.pupils.tests.factories import PupilFactory
from conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_with_history(world, user_with_role):
    dsl = user_with_role(Role.SCHOOL_DSL, full_name="Priya Raman")
    pupil = PupilFactory(school=world.school, preferred_name="Millie")
    pupil = services.update_pupil(
        by=dsl, pupil=pupil, version=pupil.version, values={"preferred_name": "Mills"}
    )
    services.update_pupil(
        by=dsl, pupil=pupil, version=pupil.version, values={"child_protection_plan": True}
    )
    return pupil


def _chronology(client: Client, pupil) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("pupils:chronology", args=[pupil.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dsl_sees_every_entry_newest_first_with_who_made_it(pupil_with_history, user_with_role):
    html = _chronology(sign_in(Client(), user_with_role(Role.SCHOOL_DSL)), pupil_with_history)
    assert "Priya Raman" in html
    assert "2 entries" in html
    changed_name = html.index("Preferred name changed from Millie to Mills")
    changed_cp = html.index("Child protection plan changed from no to yes")
    assert changed_cp < changed_name  # the later change is listed first


def test_the_inclusion_lead_does_not_see_child_protection_entries(
    pupil_with_history, user_with_role
):
    html = _chronology(sign_in(Client(), user_with_role(Role.INCLUSION_LEAD)), pupil_with_history)
    assert "Preferred name changed from Millie to Mills" in html
    assert "child protection plan" not in html.lower()
    assert "shown only to the designated safeguarding lead" in html


def test_reading_the_chronology_is_logged(pupil_with_history, user_with_role):
    reader = user_with_role(Role.HEADTEACHER)
    _chronology(sign_in(Client(), reader), pupil_with_history)
    entry = AccessLogEntry.objects.get(action="pupil.chronology_viewed")
    assert (entry.actor_id, entry.pupil_id) == (reader.pk, pupil_with_history.pk)


def test_school_staff_not_named_for_the_pupil_and_another_schools_dsl_cannot_read_it(
    world, pupil_with_history, user_with_role
):
    url = reverse("pupils:chronology", args=[pupil_with_history.pk])
    staff = sign_in(Client(), user_with_role(Role.SCHOOL_STAFF))
    # Not found: school staff read only the pupils they are named for.
    assert staff.get(url).status_code == 404
    other_dsl = sign_in(Client(), user_with_role(Role.SCHOOL_DSL, world.other_school))
    assert other_dsl.get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(action="pupil.chronology_viewed").exists()


def test_the_filter_form_offers_child_protection_to_the_dsl_alone_whoever_asked_before(
    pupil_with_history, user_with_role
):
    """The form before any filter is rendered once per process for each list of kinds:
    the DSL's (with safeguarding) and everyone else's are kept apart, and a filtered
    page shows the filter it was given."""
    dsl = sign_in(Client(), user_with_role(Role.SCHOOL_DSL))
    lead = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    offered = 'value="safeguarding"'
    for _ in range(2):
        assert offered in _chronology(dsl, pupil_with_history)
        assert offered not in _chronology(lead, pupil_with_history)
    filtered = lead.get(
        reverse("pupils:chronology", args=[pupil_with_history.pk]), {"kind": "pupils"}
    )
    assert filtered.status_code == 200
    assert '<option value="pupils" selected>' in filtered.content.decode()
    assert '<option value="pupils" selected>' not in _chronology(lead, pupil_with_history)
