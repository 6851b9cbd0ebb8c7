"""Subject access: everything held about one pupil, exported and access-logged; and the
retention review, which lists and never deletes."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.home.records import due_for_review, everything_about
from apcase.monitoring.models import AttendanceMark
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Pupil
from apcase.referrals.tests.factories import make_pupil, person

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_pupil_their_placement_and_its_marks_and_nobody_elses(world):
    placement = make_placement(world.school, world.provider)
    other = make_placement(world.school, world.provider)
    provider_staff = person(Role.PROVIDER_STAFF, world.provider)
    for p in (placement, other):
        AttendanceMark.objects.create(
            placement=p,
            pupil=p.pupil,
            date=datetime.date(2026, 9, 14),
            session="am",
            observed="present",
            recorded_by=provider_staff,
            recorded_at=timezone.now(),
        )
    found = everything_about(placement.pupil)
    assert [row["pk"] for row in found["pupils.Pupil"]] == [placement.pupil.pk]
    assert [row["pk"] for row in found["placements.Placement"]] == [placement.pk]
    marks = found["monitoring.AttendanceMark"]
    assert len(marks) == 1
    assert marks[0]["pupil"] == placement.pupil.pk


def test_the_export_command_writes_json_and_is_access_logged(world, tmp_path):
    pupil = make_pupil(world.school, legal_first_name="Ava")
    officer = person(Role.HEADTEACHER, world.school, email="dpo@school.example")
    out = tmp_path / "ava.json"
    call_command("export_pupil", "--upn", pupil.upn, "--by", officer.email, "--output", str(out))
    data = json.loads(out.read_text())
    assert data["records"]["pupils.Pupil"][0]["legal_first_name"] == "Ava"
    entry = AccessLogEntry.objects.get(action="subject_access_export")
    assert (entry.pupil_id, entry.actor_id) == (pupil.pk, officer.pk)


def test_the_retention_review_lists_what_is_due_and_deletes_nothing(world, capsys):
    today = timezone.localdate()
    make_pupil(world.school, date_of_birth=datetime.date(today.year - 26, 1, 1))
    make_pupil(world.school, date_of_birth=datetime.date(today.year - 10, 1, 1))
    due = {item.what: item.count for item in due_for_review(today)}
    assert due["Pupils whose records have reached their review date"] == 1
    call_command("retention_review")
    assert "date of birth + 25 years" in capsys.readouterr().out
    assert Pupil.objects.count() == 2
