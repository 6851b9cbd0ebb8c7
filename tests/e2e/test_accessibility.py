"""Accessibility sweep: every page each demo account can reach by following links, and
the signed-out pages, checked with axe-core against WCAG 2.x A and AA.

The crawl follows same-origin links (GET only), so pages added later are swept without
editing this test. URLs that differ only in a numeric or UUID path segment, or in the
values of their query string, count as one page: the first one found is checked."""

import hashlib
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from apcase.accounts import demo
from tests.e2e.conftest import (
    ConsoleWatch,
    enter_password,
    follow,
    sign_in_by_cookie,
    submit,
)

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
# axe is given to each context once (`axe_on_every_page`): the browser then runs it as
# each page opens, which cost about a third of what sending its half a megabyte with
# every check did (the sweep of one account's 68 pages took 21.6-22.3 s against
# 24.7-25.3 s). A page opened before that, or in another context, is given it then.
AXE_LOADED = "() => typeof axe === 'object'"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
MAX_PAGES_PER_USER = 200
# Links the crawl never follows: they change state, leave the pages or download a file.
SKIP_PATHS = re.compile(r"^/(account/sign-out/|static/|no-direct-media/)")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics", ".zip", ".docx", ".png", ".jpg", ".svg")
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""

# The page's markup less the header and what changes on every request. Two pages with
# the same fingerprint give the same axe result, so the second is not re-run. The header
# (the user's name, their navigation) is checked on the first page each account sees.
FINGERPRINT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("header, script").forEach((e) => e.remove());
  body.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((e) => e.remove());
  return document.title + body.innerHTML;
}"""

# Forms with something to fill in that the browser would check itself (a `minlength`, an
# email address's shape) and stop with its own message: the GOV.UK Design System asks for
# `novalidate`, so that every error reaches the server and its GOV.UK error summary.
FORMS_THE_BROWSER_CHECKS = """() => Array.from(document.querySelectorAll("form:not([novalidate])"))
  .filter((f) => f.querySelector(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"))
  .map((f) => f.getAttribute("action") || location.pathname)"""

LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download"))
  .map((a) => a.href)"""


@pytest.fixture(autouse=True)
def axe_on_every_page(context: BrowserContext) -> None:
    context.add_init_script(AXE_SOURCE)


@dataclass
class Sweep:
    base_url: str
    console: ConsoleWatch
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    fingerprints: set[str] = field(default_factory=set)

    def pattern(self, url: str) -> str:
        parts = urlsplit(url)
        path = "/".join(
            "{id}" if ID_SEGMENT.match(segment) else segment for segment in parts.path.split("/")
        )
        keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
        return path + ("?" + "&".join(keys) if keys else "")

    def followable(self, url: str) -> bool:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base_url:
            return False
        return not SKIP_PATHS.match(parts.path) and not parts.path.endswith(SKIP_SUFFIXES)

    def check(self, page: Page, who: str, *, always: bool = False) -> None:
        """Run axe on the page as it stands and note serious or critical violations.
        First wait until the page has loaded: a click's navigation may still be under
        way (no body yet), and its request still running on the server's thread, which
        shares the test's SQLite connection."""
        page.wait_for_load_state("load")
        fingerprint = hashlib.sha256(page.evaluate(FINGERPRINT).encode()).hexdigest()
        if fingerprint in self.fingerprints and not always:
            return
        self.fingerprints.add(fingerprint)
        for action in page.evaluate(FORMS_THE_BROWSER_CHECKS):
            self.problems.append(f"{who} {page.url}: form to {action} is not marked novalidate")
        if not page.evaluate(AXE_LOADED):
            page.evaluate(AXE_SOURCE)
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            if violation["impact"] in BLOCKING_IMPACTS:
                self.problems.append(
                    f"{who} {page.url}: [{violation['impact']}] {violation['id']}: "
                    f"{violation['help']} at {', '.join(violation['targets'])}"
                )
        self.checked += 1

    def crawl(self, page: Page, who: str, start: str) -> None:
        queue = deque([urljoin(self.base_url, start)])
        seen = {self.pattern(queue[0])}
        visited = 0
        while queue and visited < MAX_PAGES_PER_USER:
            url = queue.popleft()
            visited += 1
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue
                raise
            status = response.status if response else 0
            if status >= 400:
                self.problems.append(f"{who} {url}: a link leads to an error page ({status})")
                continue
            content_type = response.headers.get("content-type", "") if response else ""
            if not content_type.startswith("text/html"):
                continue
            self.check(page, who, always=visited == 1)
            for link in page.evaluate(LINKS):
                link = urldefrag(link).url
                if self.followable(link) and self.pattern(link) not in seen:
                    seen.add(self.pattern(link))
                    queue.append(link)


def problems_of(sweep: Sweep) -> list[str]:
    return sweep.problems + [f"console: {error}" for error in sweep.console.csp_errors()]


def report(sweep: Sweep) -> str:
    problems = problems_of(sweep)
    return "\n".join([f"{len(problems)} problem(s), {sweep.checked} page(s) checked:", *problems])


def accounts_by_organisation() -> dict[str, list[str]]:
    """The demo accounts grouped by the organisation their address names. Each group is
    one test, so the test workers share the sweep; within a group a page already checked
    for one account is not checked again for the next (most of their pages match)."""
    groups: dict[str, list[str]] = {}
    for account in demo.DEMO_ACCOUNTS:
        groups.setdefault(account.email.split("@")[1], []).append(account.email)
    return groups


@pytest.mark.parametrize("organisation", sorted(accounts_by_organisation()))
def test_every_page_each_demo_account_can_reach_passes_axe(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch, organisation: str
):
    accounts = accounts_by_organisation()[organisation]
    sweep = Sweep(demo_site, console)
    for email in accounts:
        sign_in_by_cookie(context, demo_site, email)
        sweep.crawl(page, email, "/")

    assert sweep.checked >= len(accounts) + 1  # each home page, and more
    assert problems_of(sweep) == [], report(sweep)


def test_signed_out_pages_and_form_errors_pass_axe(
    page: Page, demo_site: str, console: ConsoleWatch
):
    sweep = Sweep(demo_site, console)
    for path in ["/account/sign-in/", "/account/password-reset/", "/accessibility/", "/privacy/"]:
        sweep.crawl(page, "signed out", path)

    # Pages only a form submission reaches: errors on the sign-in form, the code page.
    page.goto(f"{demo_site}/account/sign-in/")
    submit(page)
    sweep.check(page, "sign-in errors")
    page.goto(f"{demo_site}/account/password-reset/")
    page.get_by_label("Email address").fill("someone@heronsgate.example")
    submit(page)
    sweep.check(page, "password reset sent")
    enter_password(page, demo_site, "dsl@heronsgate.example")
    sweep.check(page, "code page")
    page.get_by_label("Code from your authenticator app").fill("12")
    submit(page)
    sweep.check(page, "code errors")

    assert problems_of(sweep) == [], report(sweep)


def test_api_keys_pages_the_key_shown_once_and_the_api_docs_pass_axe(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    """The keys pages as the school's administrator: the list, the form with its errors,
    the page that shows the new key once, and the API's documentation."""
    sweep = Sweep(demo_site, console)
    sign_in_by_cookie(context, demo_site, "admin@heronsgate.example")
    page.goto(f"{demo_site}/organisations/")
    page.get_by_role("link", name="Heronsgate School").click()
    follow(page, page.get_by_role("link", name="API keys"))
    sweep.check(page, "api keys")
    follow(page, page.get_by_role("button", name="Create a key"))
    submit(page)
    sweep.check(page, "create key errors")
    page.get_by_label("Name of the key").fill("MIS sync")
    page.get_by_label("Add and update pupils from the MIS (pupils:write)").check()
    submit(page)
    assert page.get_by_label("The key").input_value().startswith("apcase_")
    sweep.check(page, "key created")
    page.goto(f"{demo_site}/api/docs")
    sweep.check(page, "api docs")
    assert problems_of(sweep) == [], report(sweep)


def test_email_choice_and_calendar_feed_pages_pass_axe(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    """The settings pages linked from the notifications (the crawl reaches them too),
    with the states only a submission shows: the choice's error and the new address."""
    sweep = Sweep(demo_site, console)
    sign_in_by_cookie(context, demo_site, "panel.member@mk-council.example")
    page.goto(f"{demo_site}/notifications/")
    follow(page, page.get_by_role("link", name="Change how you get emails"))
    sweep.check(page, "email choice", always=True)
    submit(page)
    sweep.check(page, "email choice errors", always=True)
    page.goto(f"{demo_site}/notifications/")
    follow(page, page.get_by_role("link", name="Add your dates to your calendar"))
    sweep.check(page, "calendar feed", always=True)
    submit(page)
    assert page.get_by_text("Your calendar address").is_visible()
    sweep.check(page, "calendar feed address", always=True)
    assert problems_of(sweep) == [], report(sweep)


# The pages listing every item of a home-page list, which the home page links to only
# when there are more than it shows: the demo never has that many, so the crawl may not
# reach them. (account, path, the page's heading)
FULL_LISTS = [
    ("inclusion.lead@heronsgate.example", "/reintegration/", "Reintegration plans that need you"),
    ("dsl@heronsgate.example", "/concerns/transfers/", "Child protection files to send"),
    ("la.officer@mk-council.example", "/panel/letters-not-sent/", "Decision letters not yet sent"),
    ("la.officer@mk-council.example", "/reviews/due/", "Placement reviews due"),
    (
        "inclusion.lead@heronsgate.example",
        "/monitoring/in-ap-today/",
        "Children in alternative provision today",
    ),
    (
        "inclusion.lead@heronsgate.example",
        "/placements/plans-to-agree/",
        "Plans awaiting agreement",
    ),
    (
        "la.officer@mk-council.example",
        "/referrals/awaiting-scheduling/",
        "Referrals awaiting a panel meeting",
    ),
    ("staff@mk-pru.example", "/monitoring/check-ins/", "Weekly check-ins due"),
    ("inclusion.lead@heronsgate.example", "/monitoring/visits/overdue/", "Overdue visits"),
    (
        "la.officer@mk-council.example",
        "/providers/assurance-lapsing/",
        "Assurance expiring or expired",
    ),
    ("staff@mk-pru.example", "/reviews/reports-due/", "Reports due for reviews"),
    (
        "inclusion.lead@heronsgate.example",
        "/placements/missing-or-overdue/",
        "Missing or overdue on placements",
    ),
    (
        "staff@mk-pru.example",
        "/placements/provider-plans-to-agree/",
        "Plans awaiting your agreement",
    ),
]


def test_the_full_lists_behind_the_home_pages_pass_axe(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    sweep = Sweep(demo_site, console)
    for account, path, heading in FULL_LISTS:
        sign_in_by_cookie(context, demo_site, account)
        page.goto(f"{demo_site}{path}")
        assert page.get_by_role("heading", name=heading).is_visible(), path
        sweep.check(page, f"{account} {path}", always=True)
    assert sweep.checked == len(FULL_LISTS)
    assert problems_of(sweep) == [], report(sweep)


def test_a_paginated_list_and_its_filter_pass_axe(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    """The demo's lists fit on one page, so the crawl never meets the pagination: the
    pupil list with more pupils than a page holds, its second page reached by the "Next"
    link, and the referral list's filter chosen without JavaScript."""
    from apcase.accounts.models import Organisation
    from apcase.core.pagination import PAGE_SIZE
    from apcase.pupils.models import Pupil

    school = Organisation.objects.get(name="Heronsgate School")
    Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=f"P{n:012d}",
            legal_first_name="Paged",
            legal_last_name=f"Pupil {n:03d}",
            date_of_birth="2016-03-04",
        )
        for n in range(PAGE_SIZE + 5)
    )
    sweep = Sweep(demo_site, console)
    sign_in_by_cookie(context, demo_site, "inclusion.lead@heronsgate.example")
    page.goto(f"{demo_site}/pupils/?q=Paged")
    pagination = page.get_by_role("navigation", name="Pagination")
    assert pagination.is_visible()
    sweep.check(page, "pupil list, first page", always=True)
    follow(page, pagination.get_by_role("link", name="Next page"))
    assert "q=Paged" in page.url
    assert "page=2" in page.url
    assert page.get_by_text(f"Showing {PAGE_SIZE + 1} to {PAGE_SIZE + 5} of").is_visible()
    assert pagination.locator('[aria-current="page"]').inner_text() == "2"
    sweep.check(page, "pupil list, second page", always=True)
    page.goto(f"{demo_site}/referrals/")
    page.get_by_label("Show").select_option("all")
    follow(page, page.get_by_role("button", name="Show"))
    assert "status=all" in page.url
    sweep.check(page, "referral list, all referrals", always=True)
    assert problems_of(sweep) == [], report(sweep)
