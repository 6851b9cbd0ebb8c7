"""The daily register in a browser: a provider's member of staff signs in and submits
the morning register with one unexplained absence; the pupil's named member of staff at
the home school sees the follow-up, closes it with what was done, and the pupil's
attendance figure counts the absence."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from apcase.accounts.models import Organisation, User
from apcase.monitoring.models import FollowUpTask
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Pupil
from apcase.referrals.tests.factories import make_pupil
from tests.e2e.conftest import ConsoleWatch, sign_in, sign_in_by_cookie, submit

pytestmark = pytest.mark.browser

PROVIDER_STAFF = "staff@mk-pru.example"
NAMED_STAFF = "staff@heronsgate.example"
# The most recent weekday, so the register has pupils whatever day the suite runs.
TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=max(0, TODAY.weekday() - 4))


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _placed_pupil(first: str, last: str) -> Pupil:
    school = Organisation.objects.get(name="Heronsgate School")
    pru = Organisation.objects.get(urn=134310)
    pupil = make_pupil(school, legal_first_name=first, legal_last_name=last)
    make_placement(
        school,
        pru,
        pupil=pupil,
        named_staff_member=User.objects.get(email=NAMED_STAFF),
        start_date=DAY - datetime.timedelta(days=7),
    )
    return pupil


def test_a_provider_records_an_absence_and_the_named_staff_member_follows_it_up(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    absent = _placed_pupil("Ada", "Absentia")
    _placed_pupil("Ben", "Present")

    sign_in(page, demo_site, PROVIDER_STAFF)
    page.get_by_role("link", name="Today's register").click()
    page.goto(f"{demo_site}/monitoring/register/?date={DAY}&session=am")
    marks = page.locator("main select[id^=mark_]")
    expect(marks.first).to_be_visible()
    for index in range(marks.count()):
        marks.nth(index).select_option(value="present")
    page.locator(f"#mark_{absent.placements.get().pk}").select_option(value="absent_no_reason")
    page.fill("[name=reason]", "Marked after the morning register closed.")
    page.get_by_role("button", name="Submit the register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("follow-up raised")
    task = FollowUpTask.objects.get(placement__pupil=absent)
    assert task.status == "open"

    sign_in_by_cookie(context, demo_site, NAMED_STAFF)
    page.goto(f"{demo_site}/")
    expect(page.locator("main")).to_contain_text(absent.display_name)
    page.get_by_role("link", name="Follow-ups").click()
    page.get_by_role("link", name=f"Close the follow-up for {absent.display_name}").click()
    page.get_by_label("What was done").fill("Phoned home at 09:40; mum confirmed illness.")
    for field in page.locator("main form textarea, main form input[type=text]").all():
        if not field.input_value():
            field.fill("Mum, by phone: at home, unwell")
    submit(page)
    task.refresh_from_db()
    assert task.status == "closed"

    placement = absent.placements.get()
    page.goto(f"{demo_site}/monitoring/placements/{placement.pk}/")
    # One possible session so far, missed: the figure counts the absence.
    expect(page.locator("#attendance-percent")).to_contain_text("(0 of 1 possible sessions)")
    assert console.csp_errors() == []
