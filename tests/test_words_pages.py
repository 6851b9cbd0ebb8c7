"""Pages say "1 pupil" and "2 pupils", and show times as GOV.UK writes them ("9:30am",
"midday"): the words filters (apcase/core/templatetags/words.py) on real pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.pupils import services as pupil_services
from apcase.referrals.tests.factories import make_meeting, make_panel, make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def test_a_list_of_one_pupil_says_pupil_and_of_two_pupils(world):
    lead = sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))
    make_pupil(world.school, legal_first_name="Ada")
    page = assert_page(lead.get(reverse("pupils:list")), contains="1 pupil<")
    assert "1 pupils" not in page
    make_pupil(world.school, legal_first_name="Ben", date_of_birth=datetime.date(2016, 12, 1))
    page = assert_page(lead.get(reverse("pupils:list")), contains="2 pupils")
    assert "1 December 2016" in page  # dates in full, as GOV.UK writes them
    assert "1 Dec 2016" not in page


def test_a_chronology_of_one_entry_says_entry_and_of_two_entries(world):
    dsl = person(Role.SCHOOL_DSL, world.school)
    pupil = make_pupil(world.school, legal_first_name="Ada", nc_year="5")
    client = sign_in(Client(), dsl)
    pupil = pupil_services.update_pupil(
        by=dsl, pupil=pupil, version=pupil.version, values={"nc_year": "6"}
    )
    url = reverse("pupils:chronology", args=[pupil.pk])
    page = assert_page(client.get(url), contains="1 entry")
    assert "1 entries" not in page
    pupil_services.update_pupil(by=dsl, pupil=pupil, version=pupil.version, values={"nc_year": "5"})
    assert_page(client.get(url), contains="2 entries")


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        (datetime.time(9, 30), "9:30am"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(14, 0), "2pm"),
    ],
)
def test_a_meeting_page_shows_its_time_as_gov_uk_writes_it(world, start, shown):
    officer = person(Role.LA_OFFICER, world.la)
    meeting = make_meeting(make_panel(world.la), start_time=start, by=officer)
    page = assert_page(
        sign_in(Client(), officer).get(reverse("panel:meeting_detail", args=[meeting.pk])),
        contains=shown,
    )
    assert f"{start:%H:%M}" not in page
