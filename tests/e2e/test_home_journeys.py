"""Each role starts at its home page and reaches each item of its work list in one
click: the demo's accounts, with a placed pupil added so every provider and school list
has something in it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from apcase.accounts.models import Organisation, User
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil
from tests.e2e.conftest import ConsoleWatch, sign_in_by_cookie

pytestmark = pytest.mark.browser

# Work-list links: the links in the lists under each role's heading on the home page.
WORK_LINKS = """() => Array.from(document.querySelectorAll("main h3 + ul a.govuk-link"))
  .map((a) => ({text: a.textContent.trim(), href: a.getAttribute("href")}))"""
ROLE_HEADINGS = """() => Array.from(document.querySelectorAll("main h2"))
  .map((h) => h.childNodes[h.childNodes.length - 1].textContent.trim())"""

# Lists each demo account's home page must show (beyond what the demo's own dates make).
EXPECTED = {
    "inclusion.lead@heronsgate.example": (
        "Inclusion lead / SENCO",
        {"Children in alternative provision now"},
    ),
    "headteacher@heronsgate.example": (
        "Headteacher",
        {"Children in alternative provision now"},
    ),
    "panel.chair@mk-council.example": ("Panel chair", set()),
    "panel.member@mk-council.example": ("Panel member", set()),
    "la.officer@mk-council.example": ("Local authority officer", {"Letters not sent"}),
    "manager@mk-pru.example": ("Provider DSL / manager", {"Pupils starting this week"}),
    "staff@mk-pru.example": ("Provider staff", {"Check-ins due"}),
}


def _placed_pupils() -> None:
    school = Organisation.objects.get(name="Heronsgate School")
    pru = Organisation.objects.get(urn=134310)
    today = timezone.localdate()
    make_placement(
        school,
        pru,
        pupil=make_pupil(school, legal_first_name="Ada", legal_last_name="Journey"),
        named_staff_member=User.objects.get(email="staff@heronsgate.example"),
        start_date=today - datetime.timedelta(days=today.weekday() + 7),
    )
    make_placement(
        school,
        pru,
        pupil=make_pupil(school, legal_first_name="Ben", legal_last_name="Starter"),
        status="planned",
        start_date=today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=4),
    )


@pytest.mark.parametrize("email", list(EXPECTED))
def test_each_role_reaches_every_item_of_its_work_list_in_one_click_from_home(
    email, context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    _placed_pupils()
    role_heading, lists = EXPECTED[email]
    sign_in_by_cookie(context, demo_site, email)

    page.goto(f"{demo_site}/")
    assert role_heading in page.evaluate(ROLE_HEADINGS)
    headings = set(page.locator("main h3").all_inner_texts())
    assert lists <= headings, headings
    links = page.evaluate(WORK_LINKS)
    assert links, f"{email} has nothing in their work list"

    for link in links:
        page.goto(f"{demo_site}/")
        with page.expect_navigation() as navigation:
            page.locator(f'main h3 + ul a.govuk-link[href="{link["href"]}"]').first.click()
        response = navigation.value
        assert response is not None, link
        assert response.status == 200, (link, response.status)
        assert page.locator("h1").count() == 1, link
    assert console.csp_errors() == []
