"""Who records which code, in a browser: the provider records that a pupil is absent
with no reason given; the home school's inclusion lead finds it in "absences to code",
phones home and codes it O; the MIS export shows O and the attendance figure counts the
session as a missed possible session."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from apcase.accounts.models import Organisation, User
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil
from tests.e2e.conftest import ConsoleWatch, sign_in, sign_in_by_cookie, submit

pytestmark = pytest.mark.browser

PROVIDER_STAFF = "staff@mk-pru.example"
INCLUSION_LEAD = "inclusion.lead@heronsgate.example"
TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=max(0, TODAY.weekday() - 4))  # the last weekday


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_provider_reports_an_absence_and_the_home_school_codes_it_o(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    school = Organisation.objects.get(name="Heronsgate School")
    pru = Organisation.objects.get(urn=134310)
    pupil = make_pupil(school, legal_first_name="Cleo", legal_last_name="Marsh")
    placement = make_placement(
        school,
        pru,
        pupil=pupil,
        named_staff_member=User.objects.get(email="staff@heronsgate.example"),
        start_date=DAY - datetime.timedelta(days=7),
        sessions={(DAY.weekday(), "am")},
        dual_registration_reason="A six-week assessment place: she stays on one roll.",
    )

    sign_in(page, demo_site, PROVIDER_STAFF)
    page.goto(f"{demo_site}/monitoring/register/?date={DAY}&session=am")
    marks = page.locator("main select[id^=mark_]")
    expect(marks.first).to_be_visible()
    for index in range(marks.count()):
        marks.nth(index).select_option(value="present")
    page.locator(f"#mark_{placement.pk}").select_option(label="Absent – no reason given")
    page.fill("[name=reason]", "Entered after the morning register closed.")
    page.get_by_role("button", name="Submit the register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("follow-up raised")

    sign_in_by_cookie(context, demo_site, INCLUSION_LEAD)
    page.goto(f"{demo_site}/")
    page.get_by_role("link", name="absences to code").click()
    expect(page.locator("main")).to_contain_text("Cleo Marsh")
    page.get_by_role("link", name=f"Code the absence of {pupil.display_name}").click()
    expect(page.locator("#current-code")).to_contain_text("N")
    page.get_by_label("Attendance code").select_option(value="O")
    page.get_by_label("What you found out (optional)").fill(
        "Phoned mum at 09:40: Cleo stayed home, no good reason given."
    )
    submit(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is coded O")
    expect(page.locator("main table")).not_to_contain_text("Cleo Marsh")

    response = page.request.get(f"{demo_site}/monitoring/placements/{placement.pk}/attendance.csv")
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert [(r["Provider recorded"], r["Home school code"]) for r in rows] == [
        ("Absent – no reason given", "O")
    ]

    page.goto(f"{demo_site}/monitoring/placements/{placement.pk}/")
    expect(page.locator("#attendance-percent")).to_contain_text("(0 of 1 possible sessions)")
    expect(page.locator("#absences")).to_contain_text("O – Absent, other unauthorised reason")
    assert console.csp_errors() == []
