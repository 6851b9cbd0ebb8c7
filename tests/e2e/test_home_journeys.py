"""Each role starts at its home page and reaches each item of its work list in one
click: the demo's accounts, with a placed pupil added so every provider and school list
has something in it."""

import datetime
from urllib.parse import urljoin

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
# The status of the response the page was loaded from (the Navigation Timing API).
NAVIGATION_STATUS = "() => performance.getEntriesByType('navigation')[0].responseStatus"

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
    context.on("page", console.attach)  # the pages the links open, each in a tab

    page.goto(f"{demo_site}/")
    assert role_heading in page.evaluate(ROLE_HEADINGS)
    headings = set(page.locator("main h3").all_inner_texts())
    assert lists <= headings, headings
    links = page.evaluate(WORK_LINKS)
    assert links, f"{email} has nothing in their work list"

    # Each link is clicked on the home page as it stands, opening its page in a tab of
    # its own (a click with Ctrl held), so the home page is drawn once, not once a link.
    for link in links:
        target = urljoin(f"{demo_site}/", link["href"])
        with context.expect_page() as opened:
            page.locator(f'main h3 + ul a.govuk-link[href="{link["href"]}"]').first.click(
                modifiers=["Control"]
            )
        reached = opened.value
        reached.wait_for_load_state("load")
        status = reached.evaluate(NAVIGATION_STATUS)
        assert (reached.url, status) == (target, 200), link
        assert reached.locator("h1").count() == 1, link
        reached.close()
    assert console.csp_errors() == []
