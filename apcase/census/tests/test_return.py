"""The school census return of AP placements: which placements it holds, its items, the
census's checks (each with a failing and a passing case), the CSV and its columns."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.census import returns
from apcase.census.dates import Census, census_day, census_of
from apcase.census.models import PlacementReason, RollLeaving
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.directory.models import ProviderProfile, Registration
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.reference.census import APPlacementReason, CensusTerm
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

AUTUMN = Census(
    CensusTerm.AUTUMN,
    census_day=datetime.date(2026, 10, 1),
    period_start=datetime.date(2026, 5, 22),
    period_end=datetime.date(2026, 10, 1),
)


def query(census: Census) -> str:
    parts = {"term": census.term}
    for name in ("census_day", "period_start", "period_end"):
        day = getattr(census, name)
        parts |= {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}
    return "?" + "&".join(f"{k}={v}" for k, v in parts.items())


def placed(world, *, reason=APPlacementReason.BEHAVIOUR, **fields):
    placement = make_placement(world.school, world.provider, **fields)
    if reason:
        PlacementReason.objects.create(placement=placement, reason=reason)
    return Placement.objects.get(pk=placement.pk)


def problems(placement, census=AUTUMN):
    fresh = Placement.objects.select_related(
        "pupil__census_roll_leaving", "provider__provider_profile", "census_reason"
    ).get(pk=placement.pk)
    return [p.message for p in returns.problems_of([fresh], census)]


# --- census dates --------------------------------------------------------------------


def test_census_days_follow_the_dfe_rule():
    assert census_day(CensusTerm.AUTUMN, 2026) == datetime.date(2026, 10, 1)  # 1st Thursday
    assert census_day(CensusTerm.SPRING, 2027) == datetime.date(2027, 1, 21)  # 3rd Thursday
    assert census_day(CensusTerm.SUMMER, 2027) == datetime.date(2027, 5, 20)  # 3rd Thursday


def test_the_collection_period_runs_from_the_day_after_the_previous_census():
    spring = census_of(CensusTerm.SPRING, 2027)
    assert spring.period_start == datetime.date(2026, 10, 2)
    assert spring.period_end == spring.census_day


# --- each check: failing and passing -----------------------------------------------


def test_an_unregistered_provider_without_a_setting_type_fails(world):
    world.provider.urn = None
    world.provider.ukprn = None
    world.provider.save()
    ProviderProfile.objects.create(
        organisation=world.provider, registration=Registration.UNREGISTERED
    )
    placement = placed(world, start_date=datetime.date(2026, 9, 7))
    assert any("no AP setting type" in m for m in problems(placement))


def test_an_unregistered_provider_with_its_setting_type_passes_and_is_returned_by_type(world):
    world.provider.urn = None
    world.provider.ukprn = None
    world.provider.save()
    ProviderProfile.objects.create(
        organisation=world.provider, registration=Registration.UNREGISTERED, ap_setting_type="OOT"
    )
    placement = placed(world, start_date=datetime.date(2026, 9, 7))
    assert problems(placement) == []
    row = returns.row_of(placement, AUTUMN)
    assert row[4:7] == (None, None, "OOT")


def test_a_provider_with_a_urn_is_returned_by_urn_alone(world):
    world.provider.ukprn = 10012345
    world.provider.save()
    ProviderProfile.objects.create(organisation=world.provider, ap_setting_type="OTH")
    placement = placed(world, start_date=datetime.date(2026, 9, 7))
    assert returns.row_of(placement, AUTUMN)[4:7] == (world.provider.urn, None, "")


def test_a_leaving_date_after_the_pupil_left_the_roll_fails(world):
    placement = placed(
        world,
        start_date=datetime.date(2026, 6, 1),
        status=Placement.Status.ENDED,
        ended_on=datetime.date(2026, 7, 10),
    )
    RollLeaving.objects.create(pupil=placement.pupil, left_on=datetime.date(2026, 7, 1))
    assert any("after the day the pupil left" in m for m in problems(placement))


def test_a_placement_still_running_after_the_pupil_left_the_roll_fails(world):
    placement = placed(world, start_date=datetime.date(2026, 6, 1))
    RollLeaving.objects.create(pupil=placement.pupil, left_on=datetime.date(2026, 7, 1))
    assert any("none (still attending)" in m for m in problems(placement))


def test_a_leaving_date_on_or_before_leaving_the_roll_passes(world):
    placement = placed(
        world,
        start_date=datetime.date(2026, 6, 1),
        status=Placement.Status.ENDED,
        ended_on=datetime.date(2026, 7, 1),
    )
    RollLeaving.objects.create(pupil=placement.pupil, left_on=datetime.date(2026, 7, 1))
    assert problems(placement) == []


def test_an_entry_after_census_day_fails(world):
    longer = Census(
        AUTUMN.term, AUTUMN.census_day, AUTUMN.period_start, datetime.date(2026, 10, 20)
    )
    placement = placed(world, start_date=datetime.date(2026, 10, 5))
    assert any("after census day" in m for m in problems(placement, longer))


def test_an_entry_on_census_day_passes(world):
    placement = placed(world, start_date=AUTUMN.census_day)
    assert problems(placement) == []


def test_a_missing_primary_reason_fails(world):
    placement = placed(world, reason=None, start_date=datetime.date(2026, 9, 7))
    assert problems(placement) == ["There is no primary reason for placement."]


def test_a_recorded_primary_reason_passes(world):
    placement = placed(world, start_date=datetime.date(2026, 9, 7))
    assert problems(placement) == []


# --- the page, the fix and the download ---------------------------------------------


@pytest.fixture
def lead(user_with_role):
    return user_with_role(Role.INCLUSION_LEAD)


def test_the_page_lists_each_pupils_problems_with_a_link_to_fix_and_offers_no_download(world, lead):
    placement = placed(world, reason=None, start_date=datetime.date(2026, 9, 7))
    client = sign_in(Client(), lead)
    page = assert_page(
        client.get(reverse("census:return") + query(AUTUMN)),
        contains=[placement.pupil.display_name, "There is no primary reason for placement."],
        lacks="Download CSV",
    )
    assert page
    html = client.get(reverse("census:return") + query(AUTUMN)).content.decode()
    assert reverse("census:placement", args=[placement.pk]) in html
    refused = client.get(reverse("census:export") + query(AUTUMN))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("census:return"))


def test_recording_the_reason_fixes_the_record_and_is_audited(world, lead):
    placement = placed(world, reason=None, start_date=datetime.date(2026, 9, 7))
    client = sign_in(Client(), lead)
    response = client.post(
        reverse("census:placement", args=[placement.pk]),
        {
            "reason": APPlacementReason.HEALTH,
            "left_roll_on_0": "",
            "left_roll_on_1": "",
            "left_roll_on_2": "",
        },
    )
    assert response.status_code == 302
    assert PlacementReason.objects.get(placement=placement).reason == "HEA"
    assert AuditEvent.objects.filter(
        action="census.details_recorded", pupil_id=placement.pupil_id
    ).exists()
    assert problems(placement) == []


def test_a_bad_reason_is_refused_with_a_message_and_changes_nothing(world, lead):
    placement = placed(world, reason=None, start_date=datetime.date(2026, 9, 7))
    client = sign_in(Client(), lead)
    response = client.post(reverse("census:placement", args=[placement.pk]), {"reason": "XXX"})
    assert_page(response, contains="Select a valid choice")
    assert not PlacementReason.objects.filter(placement=placement).exists()
    # Left blank, the GOV.UK message naming the question, not Django's.
    response = client.post(reverse("census:placement", args=[placement.pk]), {"reason": ""})
    assert_page(response, contains="Select the primary reason for placement")
    assert "This field is required" not in response.content.decode()
    assert not PlacementReason.objects.filter(placement=placement).exists()


def test_staff_outside_the_census_team_cannot_record_census_details(world, user_with_role):
    placement = placed(world, reason=None, start_date=datetime.date(2026, 9, 7))
    client = sign_in(Client(), user_with_role(Role.SCHOOL_STAFF))
    response = client.post(
        reverse("census:placement", args=[placement.pk]), {"reason": APPlacementReason.HEALTH}
    )
    assert response.status_code == 403
    assert not PlacementReason.objects.filter(placement=placement).exists()


def test_the_csv_has_the_census_columns_and_only_this_schools_placements(world, lead):
    ours = placed(
        world,
        start_date=datetime.date(2026, 9, 7),
        status=Placement.Status.ENDED,
        ended_on=datetime.date(2026, 9, 25),
    )
    theirs = make_placement(
        world.other_school, world.other_provider, start_date=datetime.date(2026, 9, 7)
    )
    PlacementReason.objects.create(placement=theirs, reason="PEX")
    before = make_placement(
        world.school,
        world.provider,
        start_date=datetime.date(2026, 1, 5),
        status=Placement.Status.ENDED,
        ended_on=datetime.date(2026, 3, 1),
    )
    client = sign_in(Client(), lead)
    page = client.get(reverse("census:return") + query(AUTUMN)).content.decode()
    assert "Download CSV" in page
    response = client.get(reverse("census:export") + query(AUTUMN))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "UPN",
        "Surname",
        "Forename",
        "Date of birth",
        "URN",
        "UKPRN",
        "AP setting type",
        "Entry date",
        "Leaving date",
        "Primary reason for placement",
        "Attendance pattern",
        "Sessions per week",
    ]
    assert rows[1:] == [
        [
            ours.pupil.upn,
            ours.pupil.legal_last_name,
            ours.pupil.legal_first_name,
            ours.pupil.date_of_birth.isoformat(),
            str(world.provider.urn),
            "",
            "",
            "2026-09-07",
            "2026-09-25",
            "BEH",
            "FT",
            "10",
        ]
    ]
    assert theirs.pupil.upn not in response.getvalue().decode()
    assert before.pupil.upn not in response.getvalue().decode()
    assert AccessLogEntry.objects.filter(action="census.return_exported", actor_id=lead.pk).exists()


def test_a_placement_never_recorded_as_started_blocks_the_return_and_says_so(world, lead):
    """A placement still planned after its start date in the period: the pupil may be in
    AP, so the return is not offered until someone records whether it started."""
    placed(world, start_date=datetime.date(2026, 9, 7))
    unstarted = placed(world, start_date=datetime.date(2026, 9, 14), status="planned")
    client = sign_in(Client(), lead)
    assert_page(
        client.get(reverse("census:return") + query(AUTUMN)),
        contains=[
            unstarted.pupil.display_name,
            "The placement was planned to start on 14 September 2026, but it is not "
            "recorded as started",
            reverse("placements:detail", args=[unstarted.pk]),
        ],
        lacks="Download CSV",
    )
    refused = client.get(reverse("census:export") + query(AUTUMN))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("census:return"))
    assert not AccessLogEntry.objects.filter(action="census.return_exported").exists()
