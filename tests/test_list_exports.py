"""The "Download CSV" and "Download XLSX" links of each list: the file holds the page's
rows (from the same scoped selector, so another school's pupil never appears), a bulk
export asks for the code again unless it was entered in the last few minutes, and
every export is access-logged."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apcase.accounts import two_factor
from apcase.accounts.roles import Role
from apcase.accounts.tests.helpers import code_for, wrong_code_for
from apcase.chronology.models import AccessLogEntry
from apcase.core.spreadsheets import safe_cell
from apcase.monitoring.tests.access_expectations import absence_kwargs
from apcase.placements.tests.access_expectations import walk_placement
from apcase.referrals.tests.factories import complete_referral, make_meeting, make_panel, make_pupil
from apcase.referrals.views import REFERRAL_COLUMNS
from apcase.reviews.tests.factories import make_review
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def csv_rows(response):
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def page_cells(html: str, column: int) -> list[str]:
    """The text of one column of the page's first table, row by row."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    return [re.sub(r"<[^>]+>", "", c[column]).strip() for c in cells]


@pytest.fixture
def lead(user_with_role):
    return user_with_role(Role.INCLUSION_LEAD)


@pytest.fixture
def pupils(world):
    ours = [
        make_pupil(world.school, legal_first_name="Amelia", legal_last_name="Hart"),
        make_pupil(world.school, legal_first_name="=HYPERLINK(1)", legal_last_name="Quill"),
    ]
    theirs = make_pupil(world.other_school, legal_first_name="Zara", legal_last_name="Elsewhere")
    return ours, theirs


@pytest.mark.parametrize(
    ("name", "read"), [("pupils:export", csv_rows), ("pupils:export_xlsx", xlsx_rows)]
)
def test_the_pupil_download_holds_the_rows_of_the_page_and_no_other_schools_pupil(
    world, lead, pupils, name, read
):
    ours, theirs = pupils
    client = sign_in(Client(), lead)
    page = assert_page(
        client.get(reverse("pupils:list")), contains=["Download CSV", "Download XLSX"]
    )
    html = client.get(reverse("pupils:list")).content.decode()
    shown = page_cells(html, 1)
    response = client.get(reverse(name))
    assert response.status_code == 200
    rows = read(response)
    assert rows[0][0] == "UPN"
    assert [r[0] for r in rows[1:]] == shown
    assert sorted(shown) == sorted(p.upn for p in ours)
    assert theirs.upn not in str(rows)
    assert "'=HYPERLINK(1)" in [r[2] for r in rows[1:]]
    assert page


def test_the_pupil_download_keeps_the_pages_filter(world, lead, pupils):
    client = sign_in(Client(), lead)
    rows = csv_rows(client.get(reverse("pupils:export") + "?q=Hart"))
    assert [r[1] for r in rows[1:]] == ["Hart"]


@pytest.mark.parametrize("name", ["referrals:export", "referrals:export_xlsx"])
def test_the_referral_download_holds_the_rows_of_the_page(world, lead, name):
    read = xlsx_rows if name.endswith("xlsx") else csv_rows
    ours = complete_referral(make_pupil(world.school, legal_first_name="Noor"))
    theirs = complete_referral(make_pupil(world.other_school, legal_first_name="Zara"))
    client = sign_in(Client(), lead)
    html = client.get(reverse("referrals:list")).content.decode()
    assert "Download XLSX" in html
    rows = read(client.get(reverse(name)))
    assert rows[0][:4] == ["UPN", "Pupil", "School", "Status"]
    assert [r[1] for r in rows[1:]] == page_cells(html, 0)
    assert [r[0] for r in rows[1:]] == [ours.pupil.upn]
    assert theirs.pupil.upn not in str(rows)


@pytest.mark.parametrize("name", ["monitoring:absences_export", "monitoring:absences_export_xlsx"])
def test_the_absences_download_holds_the_rows_of_the_queue(world, user_with_role, name):
    read = xlsx_rows if name.endswith("xlsx") else csv_rows
    absence_kwargs(world, True)
    absence_kwargs(world, False)
    ours = walk_placement(world, True).pupil
    theirs = walk_placement(world, False).pupil
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    html = client.get(reverse("monitoring:absences")).content.decode()
    assert "Download CSV" in html
    rows = read(client.get(reverse(name)))
    assert rows[0][:2] == ["UPN", "Pupil"]
    assert [r[0] for r in rows[1:]] == [ours.upn]
    assert len(rows) - 1 == len(page_cells(html, 0))
    assert theirs.upn not in str(rows)


@pytest.mark.parametrize("name", ["reviews:placement_export", "reviews:placement_export_xlsx"])
def test_the_reviews_download_holds_the_reviews_the_page_lists_and_is_logged(world, lead, name):
    read = xlsx_rows if name.endswith("xlsx") else csv_rows
    placement = walk_placement(world, True)
    make_review(placement)
    make_review(placement, held_on=placement.start_date + datetime.timedelta(weeks=10))
    client = sign_in(Client(), lead)
    html = client.get(reverse("reviews:placement", args=[placement.pk])).content.decode()
    response = client.get(reverse(name, args=[placement.pk]))
    rows = read(response)
    shown = page_cells(html, 0)
    assert len(rows) - 1 == len(shown) == 2
    assert AccessLogEntry.objects.filter(
        action="reviews.exported", pupil_id=placement.pupil_id
    ).exists()
    other = walk_placement(world, False)
    assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_the_attendance_download_comes_as_xlsx_too(world, lead):
    absence_kwargs(world, True)
    placement = walk_placement(world, True)
    client = sign_in(Client(), lead)
    page = client.get(reverse("monitoring:placement", args=[placement.pk])).content.decode()
    assert reverse("monitoring:attendance_xlsx", args=[placement.pk]) in page
    rows = xlsx_rows(client.get(reverse("monitoring:attendance_xlsx", args=[placement.pk])))
    assert rows[1][0] == placement.pupil.upn
    assert rows[1][6] == "N"


def _stale(client: Client) -> None:
    session = client.session
    session[two_factor.VERIFIED_AT_KEY] = (
        timezone.now() - datetime.timedelta(minutes=30)
    ).timestamp()
    session.save()


# Every download that holds more than one child's records, in both formats.
BULK = [
    "pupils:export",
    "pupils:export_xlsx",
    "referrals:export",
    "referrals:export_xlsx",
    "monitoring:absences_export",
    "monitoring:absences_export_xlsx",
    "census:export",
    "oversight:board_export",
    "oversight:board_export_xlsx",
]
# Downloads that take an argument: (name, args).
BULK_WITH_ARGS = [("oversight:outcomes_export", ["by-provider"])]


@pytest.mark.parametrize(("name", "args"), [(name, []) for name in BULK] + BULK_WITH_ARGS)
def test_a_bulk_export_without_a_recent_code_asks_for_it_again(world, lead, pupils, name, args):
    client = sign_in(Client(), lead)
    _stale(client)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse(name, args=args) + "?q=Hart")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm_code") + "?next=")
    assert AccessLogEntry.objects.count() == before  # nothing was read
    assert_page(client.get(response["Location"]), contains="Enter your security code again")


def test_entering_the_code_again_goes_on_to_the_download_which_is_logged(world, lead, pupils):
    client = sign_in(Client(), lead)
    _stale(client)
    asked = client.get(reverse("pupils:export_xlsx"))["Location"]
    device = lead.totpdevice_set.get()
    wrong = client.post(asked, {"token": wrong_code_for(device)})
    assert_page(wrong, contains="The code is not correct")
    device.refresh_from_db()
    device.throttle_reset()  # django-otp's wait after a wrong code has passed
    right = client.post(asked, {"token": code_for(device)})
    assert_page(right, status=302, redirects_to=reverse("pupils:export_xlsx"))
    response = client.get(right["Location"])
    assert response.status_code == 200
    assert len(xlsx_rows(response)) == 3
    entry = AccessLogEntry.objects.filter(action="pupils.exported").get()
    assert entry.actor_id == lead.pk


def test_with_a_recent_code_the_bulk_export_downloads_and_writes_an_access_log_row(
    world, lead, pupils
):
    client = sign_in(Client(), lead)  # the code was entered at sign-in, just now
    response = client.get(reverse("referrals:export"))
    assert_page(response)
    assert response["Content-Disposition"].startswith('attachment; filename="referrals-')
    assert AccessLogEntry.objects.filter(action="referrals.exported", actor_id=lead.pk).count() == 1


def test_the_code_page_sends_only_to_a_page_of_this_site(world, lead):
    client = sign_in(Client(), lead)
    device = lead.totpdevice_set.get()
    url = reverse("accounts:confirm_code") + "?next=https://example.com/"
    response = client.post(url, {"token": code_for(device)})
    assert response["Location"] == reverse("home")


def _csv_bytes(rows) -> bytes:
    """The download's bytes for these rows: a byte-order mark, then each row through
    csv's writer, every cell made safe as the download makes it."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def test_the_la_pupil_csv_holds_every_column_of_every_pupil_once(world, user_with_role):
    """Every column read from the pupil's record as the page reads it (names, the
    year's and SEN status's labels, the school's name), in the list's order; a pupil
    referred twice to the panel is one row."""
    school = world.school
    pupils = [
        make_pupil(
            school,
            legal_first_name="Amelia",
            legal_last_name="Hart",
            preferred_name="Millie",
            nc_year="9",
            sen_status="E",
        ),
        make_pupil(school, legal_first_name="=SUM(1)", legal_last_name="Quill, Jr", nc_year="R"),
        make_pupil(
            school,
            legal_first_name="Zoë",
            legal_last_name='O"Brien',
            nc_year="11",
            sen_status="K",
            date_of_birth=datetime.date(2010, 12, 31),
        ),
    ]
    for pupil in pupils:
        complete_referral(pupil, submitted_at=timezone.now(), status="submitted")
    complete_referral(pupils[0], submitted_at=timezone.now(), status="declined")
    make_pupil(world.other_school, legal_first_name="Zara")
    client = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = client.get(reverse("pupils:export"))
    assert response.status_code == 200
    expected = [
        (
            p.upn,
            p.legal_last_name,
            p.legal_first_name,
            p.preferred_name,
            p.date_of_birth,
            p.get_nc_year_display(),
            p.get_sen_status_display(),
            p.school.name,
        )
        for p in sorted(pupils, key=lambda p: (p.legal_last_name, p.legal_first_name, p.pk))
    ]
    body = response.getvalue()
    header = ["UPN", "Legal surname", "Legal forename", "Preferred forename", "Date of birth",
              "Year", "SEN", "School"]  # fmt: skip
    assert body == _csv_bytes([header, *expected])
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))[1:] == [
        [pupils[0].upn, "Hart", "Amelia", "Millie", "2016-03-04", "Year 9",
         "Education, health and care plan", "Heronsgate School"],
        [pupils[2].upn, 'O"Brien', "Zoë", "", "2010-12-31", "Year 11", "SEN support",
         "Heronsgate School"],
        [pupils[1].upn, "Quill, Jr", "'=SUM(1)", "", "2016-03-04", "Reception",
         "No special educational needs", "Heronsgate School"],
    ]  # fmt: skip


def test_the_la_referral_csv_holds_every_column_of_every_referral(world, user_with_role):
    """Each referral's pupil (by the name they are known by), school, status label,
    meeting date or "Not yet scheduled", and when it last changed, newest first."""
    school = world.school
    meeting = make_meeting(make_panel(world.la), date=datetime.date(2026, 12, 9))
    known_as = make_pupil(
        school,
        legal_first_name="Amelia",
        legal_last_name="Hart",
        preferred_name="Millie",
        preferred_last_name="Stone",
    )
    formula = make_pupil(school, legal_first_name="+Ned", legal_last_name="Quill")
    referrals = [
        complete_referral(known_as, submitted_at=timezone.now(), status="submitted"),
        complete_referral(
            formula, submitted_at=timezone.now(), status="scheduled", meeting=meeting
        ),
    ]
    complete_referral(make_pupil(school, legal_first_name="Draft"))  # never sent: not the LA's
    client = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = client.get(reverse("referrals:export"))
    assert response.status_code == 200
    expected = [
        (
            r.pupil.upn,
            r.pupil.display_name,
            r.school.name,
            r.get_status_display(),
            r.meeting.date if r.meeting else "Not yet scheduled",
            r.updated_at,
        )
        for r in sorted(referrals, key=lambda r: (r.updated_at, r.pk), reverse=True)
    ]
    body = response.getvalue()
    assert body == _csv_bytes([REFERRAL_COLUMNS, *expected])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))[1:]
    assert [r[:5] for r in rows] == [
        [formula.upn, "'+Ned Quill", "Heronsgate School", "Scheduled for a meeting", "2026-12-09"],
        [known_as.upn, "Millie Stone", "Heronsgate School", "Submitted", "Not yet scheduled"],
    ]
    assert rows[0][5] == timezone.localtime(referrals[1].updated_at).isoformat(timespec="minutes")
