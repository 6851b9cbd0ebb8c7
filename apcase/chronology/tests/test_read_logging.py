"""Issue 9 (Low): reads of the photo, edit forms showing child-protection flags, risk
assessments, decisions, placement pages, agreement PDFs, the monitoring page and the
attendance CSV were not access-logged, and denied (404) attempts on pupil records were
never logged. Each read now writes exactly one access-log entry naming who read what,
for which pupil and organisation, from where; each refused attempt writes one "denied"
entry (apcase/chronology/middleware.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.placements.tests.access_expectations import walk_placement
from apcase.pupils.tests.access_expectations import photo_kwargs
from apcase.referrals.tests import walk_objects
from apcase.referrals.tests.factories import make_pupil
from conftest import sign_in

pytestmark = pytest.mark.django_db

OWN = True


def read_once(client: Client, url: str, status: int = 200) -> AccessLogEntry:
    before = set(AccessLogEntry.objects.values_list("pk", flat=True))
    response = client.get(url, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == status, url
    new = AccessLogEntry.objects.exclude(pk__in=before)
    assert new.count() == 1, (url, list(new.values_list("action", flat=True)))
    return new.get()


def assert_read_by(entry: AccessLogEntry, user, *, pupil_id: int, action: str) -> None:
    assert entry.action == action
    assert entry.outcome == AccessLogEntry.Outcome.READ
    assert entry.actor_id == user.pk
    assert user.email in entry.actor_label
    assert entry.pupil_id == pupil_id
    assert entry.ip_address == "192.0.2.44"


@pytest.fixture
def lead(world, user_with_role):
    user = user_with_role(Role.INCLUSION_LEAD)
    client = sign_in(Client(), user)
    client.user = user
    return client


def test_reading_the_pupils_photo_is_logged(world, lead):
    kwargs = photo_kwargs(world, OWN)
    entry = read_once(lead, reverse("pupils:photo", kwargs=kwargs))
    assert_read_by(entry, lead.user, pupil_id=kwargs["pupil_id"], action="pupil.photo_viewed")
    assert entry.organisation_id == world.school.pk


def test_opening_the_edit_form_with_child_protection_flags_is_logged(world, user_with_role):
    dsl = user_with_role(Role.SCHOOL_DSL)
    client = sign_in(Client(), dsl)
    pupil = make_pupil(world.school)
    url = reverse("pupils:edit", args=[pupil.pk])
    entry = read_once(client, url)
    assert_read_by(entry, dsl, pupil_id=pupil.pk, action="pupil.edit_form_viewed")
    assert "child_protection_plan" in client.get(url).content.decode()


def test_reading_an_emergency_placements_risk_assessment_is_logged(world, lead):
    emergency = walk_objects.emergency(world, OWN)
    entry = read_once(lead, reverse("referrals:emergency_detail", args=[emergency.pk]))
    assert_read_by(entry, lead.user, pupil_id=emergency.pupil_id, action="emergency.viewed")
    assert (entry.target_type, entry.target_id) == (
        "referrals.emergencyplacement",
        str(emergency.pk),
    )


def test_reading_a_panel_decision_is_logged(world, lead):
    decision = walk_objects.decision(world, OWN)
    item = decision.referral or decision.emergency
    entry = read_once(lead, reverse("panel:decision_detail", args=[decision.pk]))
    assert_read_by(entry, lead.user, pupil_id=item.pupil_id, action="decision.viewed")


def test_placement_page_agreement_pdf_monitoring_page_and_attendance_csv_are_logged(world, lead):
    placement = walk_placement(world, OWN)
    for name, action in (
        ("placements:detail", "placement.viewed"),
        ("placements:agreement_pdf", "placement.agreement_pdf_read"),
        ("monitoring:placement", "monitoring.placement_viewed"),
        ("monitoring:attendance_csv", "monitoring.attendance_csv_exported"),
    ):
        entry = read_once(lead, reverse(name, args=[placement.pk]))
        assert_read_by(entry, lead.user, pupil_id=placement.pupil_id, action=action)
        assert entry.target_id == str(placement.pk)


def test_a_denied_attempt_on_another_schools_pupil_is_logged_as_denied(world, lead):
    other = make_pupil(world.other_school)
    url = reverse("pupils:detail", args=[other.pk])
    entry = read_once(lead, url, status=404)
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.action == "access_denied"
    assert entry.actor_id == lead.user.pk
    assert entry.pupil_id == other.pk
    assert (entry.target_type, entry.target_id) == ("pupils:detail", f"pupil_id={other.pk}")
    assert entry.ip_address == "192.0.2.44"


def test_a_denied_attempt_on_another_schools_placement_and_a_missing_id_are_logged(world, lead):
    other_placement = walk_placement(world, not OWN)
    entry = read_once(lead, reverse("placements:detail", args=[other_placement.pk]), status=404)
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.target_id == f"placement_id={other_placement.pk}"
    # A made-up id looks the same as a forbidden one, to the user and in the log.
    entry = read_once(lead, reverse("pupils:chronology", args=[987654]), status=404)
    assert entry.outcome == AccessLogEntry.Outcome.DENIED
    assert entry.pupil_id == 987654


def test_a_404_on_a_page_without_a_record_is_not_logged(lead):
    response = lead.get("/pupils/not-a-page/")
    assert response.status_code == 404
    assert not AccessLogEntry.objects.exists()
