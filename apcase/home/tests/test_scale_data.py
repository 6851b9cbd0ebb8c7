"""generate_scale_data at a tiny scale: it fills an empty or demo database with a whole
authority's worth of records, the same ones for the same seed, refuses any other
database, and every page the benchmark measures answers for the account it uses."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings

from apcase.accounts.models import Organisation, User
from apcase.accounts.tests.factories import SchoolFactory
from apcase.chronology.models import AuditEvent
from apcase.home import scale
from apcase.monitoring.models import AttendanceMark, CheckIn, FollowUpTask
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil
from apcase.referrals.models import Referral
from bench.pages import key_pages
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

TINY = "0.002"


def _generate() -> None:
    call_command("generate_scale_data", "--scale", TINY, "--no-progress", stdout=None)


def test_a_tiny_authority_has_pupils_referrals_placements_and_a_year_of_registers():
    _generate()
    assert Organisation.objects.filter(name=scale.LA_NAME).count() == 1
    assert Pupil.objects.count() == 60
    assert Referral.objects.count() == 6
    placements = Placement.objects.all()
    assert placements.count() == 4
    for placement in placements:
        marks = AttendanceMark.objects.filter(placement=placement, is_current=True)
        # A school year of AM and PM marks: about 190 term days, two sessions each.
        assert 300 <= marks.count() <= 420, marks.count()
        assert CheckIn.objects.filter(placement=placement).exists()
    # Absences older than a week are coded by the school, superseding the provider's row.
    assert AttendanceMark.objects.filter(is_current=False, superseded_by__isnull=False).exists()
    assert FollowUpTask.objects.exists()
    assert AuditEvent.objects.filter(action="pupil.created").count() == 60


def test_the_same_seed_gives_the_same_data():
    def names() -> list[tuple[str, str, str]]:
        return list(
            Pupil.objects.order_by("upn").values_list("upn", "legal_first_name", "legal_last_name")
        )

    class Undo(Exception):
        pass

    first: list[tuple[str, str, str]] = []

    def generate_then_undo() -> None:
        with transaction.atomic():
            _generate()
            first.extend(names())
            raise Undo

    with pytest.raises(Undo):
        generate_then_undo()
    assert len(first) == 60
    _generate()
    assert names() == first


def test_it_refuses_a_database_holding_anything_but_the_demo():
    SchoolFactory(name="Elmhurst Primary School")
    with pytest.raises(CommandError, match="Elmhurst Primary School"):
        _generate()
    assert not Pupil.objects.exists()


def test_it_refuses_to_run_twice():
    _generate()
    with pytest.raises(CommandError, match="other than the demo"):
        _generate()
    assert Pupil.objects.count() == 60


@override_settings(APCASE_ENV="development")
def test_it_adds_to_the_demo():
    call_command("seed_demo", stdout=None)
    demo_pupils = Pupil.objects.count()
    _generate()
    assert Pupil.objects.count() == demo_pupils + 60


def test_every_page_the_benchmark_measures_answers_for_its_account():
    _generate()
    users = {account.role: User.objects.get(email=account.email) for account in scale.accounts()}
    for page in key_pages():
        client = Client()
        if page.role:
            sign_in(client, users[page.role])
        response = client.get(page.url)
        assert response.status_code == 200, (page.name, response.status_code)
        if page.url.endswith(".pdf"):
            assert response["Content-Type"] == "application/pdf"
        else:
            assert_page(response)


def test_it_refuses_a_database_with_a_real_persons_account():
    from apcase.accounts.tests.factories import UserFactory

    UserFactory(email="someone@school.org.uk")
    with pytest.raises(CommandError, match="accounts other than the demo"):
        _generate()
    assert not Pupil.objects.exists()
