"""The board's CSV and XLSX downloads: the rows the page shows, with its filters and in
its order, every cell a spreadsheet could run as a formula neutralised, the export
access-logged. (tests/test_list_exports.py checks that the code is asked for again.)"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil
from tests.helpers import assert_page
from tests.test_list_exports import csv_rows, xlsx_rows

URL = reverse("oversight:board")


@pytest.fixture
def placements(world):  # type: ignore[no-untyped-def]
    tidy = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Ava", legal_last_name="Tidy"),
    )
    messy = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="=HYPERLINK(1)", legal_last_name="Messy"),
        sessions=set(),
    )
    Placement.objects.filter(pk=messy.pk).update(named_staff_member=None)
    theirs = make_placement(
        world.other_school,
        world.other_provider,
        pupil=make_pupil(world.other_school, legal_first_name="Bea", legal_last_name="Theirs"),
    )
    return tidy, messy, theirs


@pytest.mark.parametrize(
    ("name", "read"),
    [("oversight:board_export", csv_rows), ("oversight:board_export_xlsx", xlsx_rows)],
)
def test_the_download_holds_the_boards_rows_in_its_order_and_is_logged(
    world, client_for, placements, name, read
):
    tidy, messy, theirs = placements
    client = client_for(Role.INCLUSION_LEAD)
    page = assert_page(client.get(URL), contains=["Download CSV", "Download XLSX"])
    assert page
    response = client.get(reverse(name))
    assert response.status_code == 200
    rows = read(response)
    assert rows[0][:5] == ["UPN", "Pupil", "School", "Provider", "Commissioned"]
    assert "Named staff member" in rows[0]
    assert "Named staff member: why" in rows[0]
    # Most red first, as on the page; the other school's pupil is in neither.
    assert [r[0] for r in rows[1:]] == [messy.pupil.upn, tidy.pupil.upn]
    assert theirs.pupil.upn not in str(rows)
    staff = rows[0].index("Named staff member")
    assert rows[1][staff].startswith("Red: ")
    assert "Nobody is named" in rows[1][staff + 1]
    assert rows[1][1].startswith("'=HYPERLINK(1)")  # shown as text, never run
    entry = AccessLogEntry.objects.get(action="oversight.board_exported")
    assert entry.actor_id == client.user.pk


def test_the_download_keeps_the_boards_filters(world, client_for, placements):
    tidy, messy, _theirs = placements
    client = client_for(Role.HEADTEACHER)
    query = f"?staff={tidy.named_staff_member_id}"
    response = client.get(URL + query)
    assert_page(response)
    html = response.content.decode()
    assert reverse("oversight:board_export") + query in html
    rows = csv_rows(client.get(reverse("oversight:board_export") + query))
    assert [r[0] for r in rows[1:]] == [tidy.pupil.upn]


def test_the_la_downloads_its_areas_rows_and_providers_are_refused(world, client_for, placements):
    tidy, messy, theirs = placements
    rows = csv_rows(client_for(Role.LA_OFFICER).get(reverse("oversight:board_export")))
    assert sorted(r[0] for r in rows[1:]) == sorted([tidy.pupil.upn, messy.pupil.upn])
    for role in (Role.PROVIDER_STAFF, Role.PANEL_MEMBER, Role.SCHOOL_STAFF):
        response = client_for(role).get(reverse("oversight:board_export_xlsx"))
        assert_page(response, status=403)
    # Only the LA officer's download was read and logged.
    assert AccessLogEntry.objects.filter(action="oversight.board_exported").count() == 1


def test_a_placement_past_its_start_yet_not_recorded_as_started_is_in_the_download(
    world, client_for, placements
):
    """The page warns of a placement still planned after its start date, above the
    board; the file taken to a meeting must not lose that child either."""
    late = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Cy", legal_last_name="Late"),
        status=Placement.Status.PLANNED,
        start_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    client = client_for(Role.INCLUSION_LEAD)
    assert_page(client.get(URL), contains="should have started but is not recorded as started")
    rows = csv_rows(client.get(reverse("oversight:board_export")))
    row = next((r for r in rows[1:] if r[0] == late.pupil.upn), None)
    assert row is not None, "the late placement's child is not in the download"
    assert row[5].startswith("Red: Not recorded as started")
    assert f"{late.start_date:%-d %B %Y}" in row[6]
