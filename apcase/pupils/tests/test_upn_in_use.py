"""Issue 9 (Low): a UPN already on another school's roll was revealed to any school
editor. Now the editor is told only that the UPN cannot be used and to contact the
local authority; the school's LA officers are emailed through the outbox and the
attempt is audited; nothing is saved."""

import pytest

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.notifications.models import OutboxMessage
from apcase.pupils.models import Pupil
from apcase.pupils.services import UPN_CANNOT_BE_USED
from apcase.pupils.tests.factories import PupilFactory
from apcase.pupils.tests.test_views import pupil_form
from apcase.referrals.tests.factories import person
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_elsewhere(world):
    """A pupil on the roll of another authority's school, and officers in both LAs."""
    person(Role.LA_OFFICER, world.la, email="officer@mk.example.org")
    person(Role.LA_OFFICER, world.other_la, email="officer@northshire.example.org")
    return PupilFactory(school=world.other_school, legal_first_name="Nell")


def assert_refused_without_a_hint(response, world) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "This UPN cannot be used" in page
    assert "contact the local authority" in page
    for hint in (world.other_school.name, world.other_la.name, "Nell", "another school"):
        assert hint not in page


def assert_la_alerted(world, held) -> None:
    alerts = OutboxMessage.objects.all()
    assert [m.to for m in alerts] == ["officer@mk.example.org"]
    # The email leaves the service: the UPN's last four characters only, and who to ask.
    assert held.upn not in alerts[0].body
    assert f"UPN ending {held.upn[-4:]}" in alerts[0].body
    assert f"ask {world.school.name} for the full number" in alerts[0].body
    assert world.school.name in alerts[0].subject
    event = AuditEvent.objects.get(action="pupil.upn_in_use_refused")
    assert event.organisation_id == world.school.pk
    assert event.target_id == str(held.pk)


def test_adding_a_pupil_with_a_upn_on_another_schools_roll_says_only_it_cannot_be_used(
    world, client_for, held_elsewhere
):
    client = client_for(Role.INCLUSION_LEAD)
    response = client.post("/pupils/add/", pupil_form(upn=held_elsewhere.upn))
    assert_refused_without_a_hint(response, world)
    assert list(Pupil.objects.values_list("pk", flat=True)) == [held_elsewhere.pk]
    assert_la_alerted(world, held_elsewhere)


def test_changing_a_pupils_upn_to_one_on_another_schools_roll_is_refused_and_reported(
    world, client_for, held_elsewhere
):
    own = PupilFactory(school=world.school)
    client = client_for(Role.SCHOOL_ADMIN)
    data = pupil_form(upn=held_elsewhere.upn, version=own.version)
    response = client.post(f"/pupils/{own.pk}/change/", data)
    assert_refused_without_a_hint(response, world)
    own.refresh_from_db()
    assert own.upn != held_elsewhere.upn
    assert own.version == 1
    assert_la_alerted(world, held_elsewhere)


def test_a_duplicate_on_the_schools_own_roll_is_named_as_such_and_alerts_nobody(
    world, client_for, held_elsewhere
):
    mine = PupilFactory(school=world.school)
    response = client_for(Role.INCLUSION_LEAD).post("/pupils/add/", pupil_form(upn=mine.upn))
    assert_page(response, contains="Another pupil on your school’s roll already has this UPN")
    assert UPN_CANNOT_BE_USED not in response.content.decode()
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(action="pupil.upn_in_use_refused").exists()


def test_staff_who_may_not_edit_pupils_cannot_probe_upns_or_raise_alerts(
    world, client_for, held_elsewhere
):
    response = client_for(Role.SCHOOL_STAFF).post(
        "/pupils/add/", pupil_form(upn=held_elsewhere.upn)
    )
    assert response.status_code == 403
    assert not OutboxMessage.objects.exists()


def test_an_mis_file_with_a_upn_on_another_schools_roll_says_only_it_cannot_be_used(
    world, user_with_role, held_elsewhere
):
    from apcase.pupils import mis_import
    from apcase.pupils.tests.test_mis_import import csv_bytes, row

    admin = user_with_role(Role.SCHOOL_ADMIN)
    with pytest.raises(mis_import.ImportFailed) as refused:
        mis_import.import_pupils(
            by=admin, school=world.school, content=csv_bytes([row(UPN=held_elsewhere.upn)])
        )
    messages = " ".join(problem.message for problem in refused.value.problems)
    assert "This UPN cannot be used" in messages
    for hint in (world.other_school.name, "Nell", "another school"):
        assert hint not in messages
    assert list(Pupil.objects.values_list("pk", flat=True)) == [held_elsewhere.pk]
    assert_la_alerted(world, held_elsewhere)
